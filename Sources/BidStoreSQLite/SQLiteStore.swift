import BidCore
import BidDomain
import BidStoreSQL
import Foundation

/// The service's storage on the embedded default: SQLite (WAL) plus the blob store, in one data
/// directory. Every state-changing method appends its ledger event in the same transaction as the
/// rows it changes. The desks see it through `ServiceStore` (BidDomain/Store/ServiceStore.swift), so another
/// implementation (PostgreSQL and an object store) can replace it at wiring time.
public final class SQLiteStore: Sendable {
    public let database: SQLiteDatabase
    public let blobs: BlobStore
    public let dataDirectory: String

    /// Opens (or creates) the data directory. It is private to the service's user: the directory
    /// and its subdirectories 0700, the database and its WAL and shared-memory files 0600 (SQLite
    /// gives the WAL the database's mode). An older directory made with looser modes is tightened.
    public init(dataDirectory: String) throws {
        try FilePermissions.privateDirectory(dataDirectory)
        self.dataDirectory = dataDirectory
        let path = "\(dataDirectory)/ebid.sqlite"
        try FilePermissions.privateFile(path, create: true)
        for suffix in ["-wal", "-shm", "-journal"] { try FilePermissions.privateFile(path + suffix, create: false) }
        database = try SQLiteDatabase(path: path)
        blobs = try BlobStore(dataDirectory: dataDirectory)
    }
}

extension SQLiteStore: ServiceStore {
    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await database.read { try body($0) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await database.write { try body($0) }
    }

    public func readNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try database.readNow { try body($0) }
    }

    @discardableResult
    public func writeNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try database.writeNow { try body($0) }
    }
}
