import BidCore
import BidDomain
import BidStoreSQL
import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// Where a PostgreSQL store lives: `postgres://user[:password]@host[:port]/database`, or a Unix
/// socket as libpq spells it, `postgres://user@/database?host=/run/postgresql[&port=5432]`.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public var host: String?
    public var socketDirectory: String?
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String

    public init(url: String) throws {
        guard let components = URLComponents(string: url), ["postgres", "postgresql"].contains(components.scheme ?? "") else {
            throw StoreError("not a PostgreSQL URL (postgres://user@host:port/database): \(Self.redacted(url))")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let unknown = query.keys.first(where: { !["host", "port", "sslmode", "pool"].contains($0) }) {
            throw StoreError("unknown PostgreSQL URL parameter \(unknown)")
        }
        if let mode = query["sslmode"], mode != "disable" {
            throw StoreError("sslmode=\(mode) is not supported yet: reach PostgreSQL over a Unix socket or a private network (sslmode=disable)")
        }
        let host = components.percentEncodedHost.flatMap { $0.isEmpty ? nil : $0.removingPercentEncoding }
        let socket = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        guard host != nil || socket != nil else { throw StoreError("the PostgreSQL URL names no host (nor ?host=/socket/directory)") }
        self.host = socket == nil ? host : nil
        socketDirectory = socket
        port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        // URLComponents hands them over decoded already.
        user = components.user ?? "postgres"
        password = components.password
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        guard !path.isEmpty, !path.contains("/") else { throw StoreError("the PostgreSQL URL names no database (postgres://…/database)") }
        database = path
        poolSize = query["pool"].flatMap(Int.init).map { min(max($0, 1), 64) } ?? 8
    }

    /// Connections each instance keeps (`?pool=N`, default 8).
    public var poolSize: Int

    /// The URL again (with its password), for tools such as psql and pg_dump.
    public var url: String {
        let credentials = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed)! + (password.map { ":" + $0.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed)! } ?? "")
        if let socketDirectory { return "postgres://\(credentials)@/\(database)?host=\(socketDirectory)&port=\(port)" }
        return "postgres://\(credentials)@\(host ?? "localhost"):\(port)/\(database)"
    }

    /// The URL without its password, for logs and messages.
    public var description: String {
        if let socketDirectory { return "postgres://\(user)@/\(database)?host=\(socketDirectory)&port=\(port)" }
        return "postgres://\(user)@\(host ?? ""):\(port)/\(database)"
    }

    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "…"
        return components.string ?? url
    }

    package var configuration: PostgresConnection.Configuration {
        if let socketDirectory {
            return .init(unixSocketPath: "\(socketDirectory)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        return .init(host: host ?? "localhost", port: port, username: user, password: password, database: database, tls: .disable)
    }
}

/// One PostgreSQL connection, used through the store's shared SQL (`SQLTransaction`). Statements
/// are run with the extended protocol and their values bound, never spliced: `?` placeholders are
/// numbered `$1…` once per statement text. PostgreSQL's calls are asynchronous; a lane runs on a
/// thread of its own (never an event loop, never Swift's cooperative pool) and waits for each.
package final class PostgresSQLConnection: SQLConnection {
    package var dialect: SQLDialect { .postgres }
    private(set) var connection: PostgresConnection
    private let location: PostgresLocation
    private let eventLoop: any EventLoop
    private let logger: Logger
    private var translated: [String: String] = [:]
    private var placeholders: [String: Int] = [:]

    init(location: PostgresLocation, eventLoop: any EventLoop, logger: Logger) throws {
        self.location = location
        self.eventLoop = eventLoop
        self.logger = logger
        connection = try Self.connect(location, on: eventLoop, logger: logger)
    }

    private static let ids = NIOLockedValueBox(0)

    static func connect(_ location: PostgresLocation, on eventLoop: any EventLoop, logger: Logger) throws -> PostgresConnection {
        let id = ids.withLockedValue { $0 += 1; return $0 }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection.connect(on: eventLoop, configuration: location.configuration, id: id, logger: logger).wait()
        } catch {
            throw StoreError("cannot connect to \(location): \(Self.describe(error))")
        }
        do {
            for setting in sessionSettings {
                let future: EventLoopFuture<PostgresQueryResult> = connection.query(PostgresQuery(unsafeSQL: setting), logger: logger)
                _ = try future.wait()
            }
        } catch {
            connection.close().whenComplete { _ in _ = connection }
            throw StoreError("cannot configure the connection to \(location): \(Self.describe(error))")
        }
        return connection
    }

    /// Every session's limits. An instance that dies or hangs inside a write transaction holds the
    /// write lock: PostgreSQL ends such a session after two minutes idle in it (and notices a dead
    /// peer within about half a minute by TCP keepalives), so the other instances go on. Text is
    /// compared byte by byte, as SQLite does (the schema's columns are COLLATE "C" too).
    static let sessionSettings = [
        "SET idle_in_transaction_session_timeout = '120s'",
        "SET statement_timeout = '300s'",
        "SET tcp_keepalives_idle = 10",
        "SET tcp_keepalives_interval = 5",
        "SET tcp_keepalives_count = 3",
        "SET search_path = public",
    ]

    /// Reconnects when the server closed the connection (a restart, a failover): the next
    /// transaction starts on a fresh one.
    func reconnectIfClosed() throws {
        if connection.isClosed || closedOnPurpose {
            closedOnPurpose = false
            connection = try Self.connect(location, on: eventLoop, logger: logger)
        }
    }

    private var closedOnPurpose = false

    /// Closes without waiting (a store may be released on an event loop, where nothing may wait).
    func close() {
        closedOnPurpose = true
        let connection = connection
        connection.close().whenComplete { _ in _ = connection }  // alive until closed (PostgresNIO asserts it)
    }

    @discardableResult
    package func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let result = try execute(sql, values)
        return result.metadata.rows ?? 0
    }

    /// Runs a statement and returns its command tag (`COMMIT`, `ROLLBACK`, …).
    func command(_ sql: String) throws -> String {
        try execute(sql, []).metadata.command
    }

    package func forEach(_ sql: String, _ values: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let result = try execute(sql, values)
        for row in result.rows { try body(PostgresSQLRow(row.makeRandomAccess())) }
    }

    private func execute(_ sql: String, _ values: [SQLValue]) throws -> PostgresQueryResult {
        var binds = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: binds.appendNull()
            case .integer(let number): binds.append(number)
            case .text(let text):
                // PostgreSQL's text cannot hold U+0000 (SQLite's can): refused, never cut short.
                guard !text.utf8.contains(0) else {
                    throw ServiceError(status: 400, code: "request.nul-character", title: "Bad request", detail: "text may not hold the NUL character (U+0000)")
                }
                binds.append(text)
            case .blob(let bytes): binds.append(ByteBuffer(bytes: bytes))
            }
        }
        let text = numbered(sql)
        guard placeholders[text] == values.count else {
            throw StoreError("statement takes \(placeholders[text] ?? 0) values, \(values.count) given: \(sql.prefix(200))")
        }
        let future: EventLoopFuture<PostgresQueryResult> = connection.query(PostgresQuery(unsafeSQL: text, binds: binds), logger: logger)
        do { return try future.wait() } catch { throw Self.storeError(error, sql: sql) }
    }

    /// `?` → `$n`, outside quoted literals and identifiers.
    private func numbered(_ sql: String) -> String {
        if let cached = translated[sql] { return cached }
        var result = ""
        result.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                result.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                result.append(character)
            } else if character == "?" {
                number += 1
                result += "$\(number)"
            } else {
                result.append(character)
            }
        }
        translated[sql] = result
        placeholders[result] = number
        return result
    }

    static func storeError(_ error: any Error, sql: String) -> StoreError {
        guard let error = error as? PSQLError else { return StoreError("\(error) in: \(sql.prefix(200))") }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = "\(describe(error)) in: \(sql.prefix(200))"
        // Class 23: integrity constraint violation (unique, foreign key, check, not null).
        return state.hasPrefix("23") ? StoreError(constraint: message) : StoreError(message)
    }

    package static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let info = error.serverInfo {
            // Never the server's detail: it may quote a row's values ("Key (tender_id, bidder_party)=(…)"),
            // which would tell a log's reader who bid.
            return [info[.sqlState].map { "[\($0)]" }, info[.message]].compactMap { $0 }.joined(separator: " ")
        }
        return "\(error.code)"
    }
}

/// A row of a PostgreSQL result. Integers, flags and times are BIGINT columns (as in SQLite);
/// comparisons PostgreSQL evaluates to booleans read as 0 or 1.
final class PostgresSQLRow: SQLRow {
    private let row: PostgresRandomAccessRow
    private var pinned: [UnsafeMutableBufferPointer<UInt8>] = []

    init(_ row: PostgresRandomAccessRow) { self.row = row }

    deinit { for buffer in pinned { buffer.deallocate() } }

    func isNull(_ column: Int) -> Bool { row[column].bytes == nil }
    var columnCount: Int { row.count }

    func value(_ column: Int) -> SQLValue {
        guard !isNull(column) else { return .null }
        switch row[column].dataType {
        case .int2, .int4, .int8, .bool: return .integer(int64(column))
        case .bytea: return .blob(blob(column))
        default: return .text(text(column))
        }
    }

    func int64(_ column: Int) -> Int64 {
        let cell = row[column]
        switch cell.dataType {
        case .bool: return (try? cell.decode(Bool.self)) == true ? 1 : 0
        case .text, .varchar, .numeric: return (try? cell.decode(String.self)).flatMap { Int64($0) } ?? 0
        default: return (try? cell.decode(Int64.self)) ?? 0
        }
    }

    func text(_ column: Int) -> String {
        guard let bytes = row[column].bytes else { return "" }
        return String(buffer: bytes)
    }

    func blob(_ column: Int) -> [UInt8] {
        guard let bytes = row[column].bytes else { return [] }
        return Array(bytes.readableBytesView)
    }

    func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
        guard let bytes = row[column].bytes else { return UnsafeBufferPointer(start: nil, count: 0) }
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: max(bytes.readableBytes, 1))
        _ = buffer.initialize(from: bytes.readableBytesView)
        pinned.append(buffer)
        return UnsafeBufferPointer(start: buffer.baseAddress, count: bytes.readableBytes)
    }
}

/// The store on PostgreSQL: a pool of connections, each on a lane (a serial queue) of its own, and
/// the blob store on a volume every instance mounts. Several instances may run on one database:
///
/// - every write transaction first takes one transaction-scoped advisory lock
///   (`pg_advisory_xact_lock`), so writes are serial across instances as they are in SQLite's one
///   writer — the ledger's head is read and the next event appended under it, and the checks a desk
///   makes before it writes (a deadline, a duplicate) see every committed write;
/// - reads run in REPEATABLE READ, READ ONLY: one snapshot, like SQLite's read transactions.
public final class PostgresStore: ServiceStore, @unchecked Sendable {
    /// The advisory lock every write transaction holds ("ebid" and 1).
    static let writeLock: Int64 = 0x6562_6964_0001
    /// The session lock migrations run under.
    static let migrationLock: Int64 = 0x6562_6964_0002

    public let location: PostgresLocation
    public let blobs: BlobStore
    private let lanes: LanePool
    private let serialised = NIOLockedValueBox(true)
    /// Whether write transactions take the write lock (always, but for the test that shows what
    /// happens without it).
    var serialisesWrites: Bool {
        get { serialised.withLockedValue { $0 } }
        set { serialised.withLockedValue { $0 = newValue } }
    }

    /// Connects, migrates the schema (once, whichever instance comes first) and opens the blob
    /// store in `blobDirectory`, which must be the same shared volume on every instance.
    public init(location: PostgresLocation, blobDirectory: String, logger: Logger = Logger(label: "ebid.postgres")) throws {
        self.location = location
        try FilePermissions.privateDirectory(blobDirectory)
        blobs = try BlobStore(dataDirectory: blobDirectory)
        // Connecting waits for PostgreSQL: on a thread of its own, never the caller's (which may be
        // an event loop, where nothing may wait).
        let made: [PostgresSQLConnection] = try Self.onWorkerThread {
            var made: [PostgresSQLConnection] = []
            do {
                for _ in 0..<location.poolSize {
                    made.append(try PostgresSQLConnection(location: location, eventLoop: Self.eventLoops.next(), logger: logger))
                }
                try PostgresMigrations.apply(on: made[0])
            } catch {
                for connection in made { connection.close() }
                throw error
            }
            return made
        }
        lanes = LanePool(made.enumerated().map { Lane("ebid.postgres.\($0.offset)", $0.element) })
    }

    deinit { lanes.closeAll() }

    /// The event loops every PostgreSQL store's connections live on: a group of the store's own,
    /// apart from the loops that serve HTTP (and may run Swift's concurrency), so that a thread
    /// waiting for a transaction never holds up the loop that would complete it.
    static let eventLoops = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    /// Runs `body` on a worker thread and waits for it (a semaphore, never an event-loop wait).
    static func onWorkerThread<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            let job = Job<T>(body)
            DispatchQueue.global().async { job.run() }
            return try job.wait()
        }
    }

    /// A closure run on another thread while its caller waits. The worker drops the closure
    /// before it signals, so that it has not escaped when the caller goes on.
    final class Job<T>: @unchecked Sendable {
        private var body: (() throws -> T)?
        private var result: Result<T, any Error>?
        private let done = DispatchSemaphore(value: 0)

        init(_ body: @escaping () throws -> T) { self.body = body }

        func run() {
            result = Result { try body!() }
            body = nil
            done.signal()
        }

        func wait() throws -> T {
            done.wait()
            return try result!.get()
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await lanes.run { try Self.transaction($0, write: false, body) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let lock = serialisesWrites
        return try await lanes.run { try Self.transaction($0, write: true, lock: lock, body) }
    }

    public func readNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try lanes.runNow { try Self.transaction($0, write: false, body) }
    }

    @discardableResult
    public func writeNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try lanes.runNow { try Self.transaction($0, write: true, lock: serialisesWrites, body) }
    }

    private static func transaction<T>(_ connection: PostgresSQLConnection, write: Bool, lock: Bool = true,
                                       _ body: (any StoreTransaction) throws -> T) throws -> T {
        try connection.reconnectIfClosed()
        if write {
            try connection.run("BEGIN ISOLATION LEVEL READ COMMITTED")
        } else {
            try connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        }
        do {
            if write && lock { try connection.run("SELECT pg_advisory_xact_lock(?)", [.integer(writeLock)]) }
            let value = try body(SQLTransaction(connection))
            // PostgreSQL answers COMMIT of a transaction an error aborted with ROLLBACK, not an
            // error: a body that swallowed an error must not look committed.
            guard try connection.command("COMMIT") == "COMMIT" else {
                throw StoreError("the transaction was aborted by an earlier error and rolled back")
            }
            return value
        } catch {
            if !connection.connection.isClosed {
                do { try connection.run("ROLLBACK") } catch { connection.close() }  // a fresh connection next time
            }
            throw error
        }
    }

    /// A connection of the pool with the serial queue it is used on.
    final class Lane: @unchecked Sendable {
        let queue: DispatchQueue
        let connection: PostgresSQLConnection
        init(_ label: String, _ connection: PostgresSQLConnection) {
            queue = DispatchQueue(label: label)
            self.connection = connection
        }
    }

    /// Hands out free lanes; async callers wait without blocking a thread.
    final class LanePool: @unchecked Sendable {
        private let lock = NIOLock()
        private var free: [Lane]
        private var waiters: [CheckedContinuation<Lane, Never>] = []
        private let all: [Lane]
        private let available: DispatchSemaphore

        init(_ lanes: [Lane]) {
            free = lanes
            all = lanes
            available = DispatchSemaphore(value: 0)
        }

        func run<T: Sendable>(_ body: @escaping @Sendable (PostgresSQLConnection) throws -> T) async throws -> T {
            let lane = await acquire()
            defer { release(lane) }
            return try await withCheckedThrowingContinuation { continuation in
                lane.queue.async { continuation.resume(with: Result { try body(lane.connection) }) }
            }
        }

        /// For start-up and tools. The body runs on the lane's thread (a `queue.sync` would run it on
        /// the caller's, which may be an event loop); the caller waits on a semaphore.
        func runNow<T>(_ body: (PostgresSQLConnection) throws -> T) throws -> T {
            let lane = acquireNow()
            defer { release(lane) }
            return try withoutActuallyEscaping(body) { body in
                let job = PostgresStore.Job<T> { try body(lane.connection) }
                lane.queue.async { job.run() }
                return try job.wait()
            }
        }

        private func acquire() async -> Lane {
            if let lane = lock.withLock({ free.popLast() }) { return lane }
            return await withCheckedContinuation { continuation in
                let lane: Lane? = lock.withLock {
                    if let lane = free.popLast() { return lane }
                    waiters.append(continuation)
                    return nil
                }
                if let lane { continuation.resume(returning: lane) }
            }
        }

        private func acquireNow() -> Lane {
            while true {
                let lane: Lane? = lock.withLock {
                    if let lane = free.popLast() { return lane }
                    syncWaiters += 1
                    return nil
                }
                if let lane { return lane }
                _ = available.wait(timeout: .now() + .milliseconds(50))
                lock.withLock { syncWaiters -= 1 }
            }
        }

        private var syncWaiters = 0

        private func release(_ lane: Lane) {
            let (waiter, wake): (CheckedContinuation<Lane, Never>?, Bool) = lock.withLock {
                if waiters.isEmpty {
                    free.append(lane)
                    return (nil, syncWaiters > 0)
                }
                return (waiters.removeFirst(), false)
            }
            if let waiter { waiter.resume(returning: lane) } else if wake { available.signal() }
        }

        func closeAll() { for lane in all { lane.connection.close() } }
    }
}

/// The PostgreSQL schema's migrations (PostgresSchema), applied under a session advisory lock so
/// that instances starting together migrate once.
enum PostgresMigrations {
    static func apply(on connection: PostgresSQLConnection) throws {
        try connection.run("SELECT pg_advisory_lock(?)", [.integer(PostgresStore.migrationLock)])
        defer { _ = try? connection.run("SELECT pg_advisory_unlock(?)", [.integer(PostgresStore.migrationLock)]) }
        try connection.run("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)")
        let applied = Set(try connection.query("SELECT version FROM schema_migrations") { $0.int(0) })
        for migration in PostgresSchema.all where !applied.contains(migration.version) {
            try connection.run("BEGIN")
            do {
                for statement in statements(migration.sql) { try connection.run(statement) }
                try connection.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                   [.integer(Int64(migration.version)), .text(migration.name), .time(Date())])
                try connection.run("COMMIT")
            } catch {
                _ = try? connection.run("ROLLBACK")
                throw error
            }
        }
    }

    /// A migration's statements (the extended protocol runs one at a time).
    static func statements(_ sql: String) -> [String] {
        sql.split(separator: ";").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

}
