import Foundation

/// A storage failure. `isConstraint` marks a UNIQUE/FOREIGN KEY/CHECK violation.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public let isConstraint: Bool

    public init(_ message: String) {
        self.message = message
        isConstraint = false
    }

    package init(constraint message: String) {
        self.message = message
        isConstraint = true
    }

    public var description: String { "storage: \(message)" }
}
