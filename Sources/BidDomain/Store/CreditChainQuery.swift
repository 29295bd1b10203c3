import Foundation

/// A query over the derived chains (public listings, supervisors' lists).
public struct CreditChainQuery: Sendable {
    public var listedAt: Date?
    public var category: CreditCategory?
    public var subject: String?
    public var from: Date?
    public var to: Date?
    /// Cursor: strictly older than this (decision date, id).
    public var before: (Date, String)?
    public var limit = 100

    public init(listedAt: Date? = nil, category: CreditCategory? = nil, subject: String? = nil, from: Date? = nil, to: Date? = nil,
                before: (Date, String)? = nil, limit: Int = 100) {
        self.listedAt = listedAt
        self.category = category
        self.subject = subject
        self.from = from
        self.to = to
        self.before = before
        self.limit = limit
    }
}
