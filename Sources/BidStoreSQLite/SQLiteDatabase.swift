import BidDomain
import BidStoreSQL
import Dispatch
import Foundation

/// The embedded database: one SQLite file in WAL mode, one writer connection on its own serial
/// queue and a few reader connections on theirs. SQLite calls block, so they never run on Swift's
/// cooperative pool: async callers hop to a queue and back.
///
/// `@unchecked Sendable`: every connection is only ever touched from its own serial queue.
public final class SQLiteDatabase: @unchecked Sendable {
    private final class Lane {
        let queue: DispatchQueue
        let connection: SQLiteConnection
        init(_ label: String, _ connection: SQLiteConnection) {
            queue = DispatchQueue(label: label)
            self.connection = connection
        }
    }

    public let path: String
    private let writer: Lane
    private let readers: [Lane]
    private let nextReader = NSLock()
    private var readerIndex = 0

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, readers: Int = 3) throws {
        self.path = path
        let connection = try SQLiteConnection(path: path)
        // WAL for concurrent readers; FULL so a committed receipt survives power loss.
        try connection.execute("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = FULL")
        try connection.execute("PRAGMA foreign_keys = ON")
        // Deleted rows are overwritten, not left in free pages for whoever reads the file.
        try connection.execute("PRAGMA secure_delete = ON")
        try Migrations.apply(to: connection)
        writer = Lane("ebid.sqlite.writer", connection)
        self.readers = try (0..<max(1, readers)).map { index in
            let reader = try SQLiteConnection(path: path)
            try reader.execute("PRAGMA foreign_keys = ON")
            try reader.execute("PRAGMA query_only = ON")
            // Readers map the database instead of copying each page in with pread.
            try reader.execute("PRAGMA mmap_size = 1073741824")
            return Lane("ebid.sqlite.reader.\(index)", reader)
        }
    }

    /// Runs `body` in a write transaction (BEGIN IMMEDIATE … COMMIT) on the writer queue.
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLTransaction) throws -> T) async throws -> T {
        try await run(on: writer) { connection in
            try connection.transaction(immediate: true) { try body(SQLTransaction(connection)) }
        }
    }

    /// Runs `body` in a read transaction (a consistent snapshot) on a reader queue.
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLTransaction) throws -> T) async throws -> T {
        try await run(on: pickReader()) { connection in
            try connection.transaction(immediate: false) { try body(SQLTransaction(connection)) }
        }
    }

    /// Synchronous write, for tools that run without the server (seeding, audits).
    @discardableResult
    public func writeNow<T>(_ body: (SQLTransaction) throws -> T) throws -> T {
        try writer.queue.sync { try writer.connection.transaction(immediate: true) { try body(SQLTransaction(writer.connection)) } }
    }

    /// Synchronous read, for tools.
    public func readNow<T>(_ body: (SQLTransaction) throws -> T) throws -> T {
        let lane = pickReader()
        return try lane.queue.sync { try lane.connection.transaction(immediate: false) { try body(SQLTransaction(lane.connection)) } }
    }

    /// Folds the write-ahead log into the database file and empties it; false when a reader kept
    /// it from completing (SQLite's busy flag), so the log still holds frames.
    public func foldLog() throws -> Bool {
        try writer.queue.sync {
            let row = try writer.connection.queryOne("PRAGMA wal_checkpoint(TRUNCATE)") { ($0.int(0), $0.int(1), $0.int(2)) }
            return row.map { $0.0 == 0 } ?? true
        }
    }

    /// Runs a statement outside a transaction on the writer (pragmas, checkpoints).
    public func executeNow(_ sql: String) throws {
        try writer.queue.sync { try writer.connection.execute(sql) }
    }

    private func pickReader() -> Lane {
        nextReader.lock()
        defer { nextReader.unlock() }
        readerIndex = (readerIndex + 1) % readers.count
        return readers[readerIndex]
    }

    private func run<T: Sendable>(on lane: Lane, _ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let connection = UncheckedBox(lane.connection)
        return try await withCheckedThrowingContinuation { continuation in
            lane.queue.async {
                continuation.resume(with: Result { try body(connection.value) })
            }
        }
    }
}
