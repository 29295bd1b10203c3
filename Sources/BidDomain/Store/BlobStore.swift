import BidCore
import Foundation

/// Content-addressed files (sealed bids, tender documents) under `<data>/blobs`, named by their
/// digest. A blob is written to `<data>/tmp`, fsynced, renamed into place and its directory
/// fsynced: after `commit` it survives a crash or power loss. Nothing in `tmp` is ever served.
public struct BlobStore: Sendable {
    public let root: String
    public let temporaryDirectory: String

    public init(dataDirectory: String) throws {
        root = "\(dataDirectory)/blobs"
        temporaryDirectory = "\(dataDirectory)/tmp"
        for directory in [root, temporaryDirectory] { try FilePermissions.privateDirectory(directory) }
    }

    /// A new temporary file to stream into.
    public func makeTemporary() throws -> FileOutput {
        try FileOutput(path: "\(temporaryDirectory)/\(UUID().uuidString).partial", exclusive: true)
    }

    /// Moves a closed, fsynced temporary file into the store under `name` (e.g. `sm3-<hex>`).
    /// If the blob exists already (same content), the temporary file is dropped.
    @discardableResult
    public func commit(temporary path: String, name: String) throws -> String {
        guard Self.isValidName(name) else { throw StoreError("invalid blob name \(name)") }
        let directory = "\(root)/\(name.suffix(64).prefix(2))"
        try FilePermissions.privateDirectory(directory)
        let target = "\(directory)/\(name)"
        if FileManager.default.fileExists(atPath: target) {
            unlink(path)
        } else {
            guard rename(path, target) == 0 else { throw StoreError("cannot move \(path) to \(target): \(String(cString: strerror(errno)))") }
            try syncDirectory(directory)
            try syncDirectory(root)
        }
        return name
    }

    /// Path of a committed blob.
    public func path(_ name: String) -> String { "\(root)/\(name.suffix(64).prefix(2))/\(name)" }

    public func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: path(name)) }

    /// Removes leftovers of uploads that never completed (run at start-up): all of them, or only
    /// those not written to for `age` seconds (a volume shared with instances still receiving).
    @discardableResult
    public func clearTemporary(olderThan age: TimeInterval? = nil) -> Int {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporaryDirectory)) ?? []
        var removed = 0
        for name in names {
            let path = "\(temporaryDirectory)/\(name)"
            if let age {
                guard let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date,
                      Date().timeIntervalSince(modified) > age else { continue }
            }
            unlink(path)
            removed += 1
        }
        return removed
    }

    /// Blob names: "sm3-" or "sha256-" followed by 64 lower-case hex characters.
    package static func isValidName(_ name: String) -> Bool {
        let parts = name.split(separator: "-", maxSplits: 1)
        guard parts.count == 2, ["sm3", "sha256"].contains(String(parts[0])), parts[1].count == 64 else { return false }
        return parts[1].allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// `sm3:abc…` → `sm3-abc…`.
    package static func name(forDigest digest: String) -> String { digest.replacingOccurrences(of: ":", with: "-") }
}
