internal import CSQLite
import BidCore
import BidDomain
import BidStoreSQL
import Foundation

/// One SQLite connection. Not thread-safe: each is confined to one serial queue (SQLiteDatabase).
final class SQLiteConnection: SQLConnection {
    var dialect: SQLDialect { .sqlite }
    let path: String
    private let handle: OpaquePointer
    private var statements: [String: Statement] = [:]

    init(path: String, readOnly: Bool = false) throws {
        self.path = path
        var db: OpaquePointer?
        let flags = readOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
        let rc = sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close_v2(db)
            throw StoreError("cannot open database \(path): \(message)")
        }
        handle = db
        sqlite3_busy_timeout(db, 10_000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        statements.removeAll()  // finalize before closing
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without results.
    func execute(_ sql: String) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(error)
            throw StoreError("\(message) in: \(sql.prefix(200))")
        }
    }

    /// A cached prepared statement, reset and with bindings cleared.
    func statement(_ sql: String) throws -> Statement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        var raw: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil) == SQLITE_OK, let raw else {
            throw StoreError("cannot prepare: \(lastError) in: \(sql.prefix(200))")
        }
        let statement = Statement(raw, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult
    func run(_ sql: String, _ values: [SQLValue]) throws -> Int {
        let statement = try self.statement(sql)
        try statement.bind(values)
        while try statement.step() {}
        return Int(sqlite3_changes(handle))
    }

    /// Runs a query and hands each row to `body` (a row is valid only during the call).
    func forEach(_ sql: String, _ values: [SQLValue], _ body: (any SQLRow) throws -> Void) throws {
        let statement = try self.statement(sql)
        try statement.bind(values)
        while try statement.step() { try body(Row(statement)) }
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }
    var lastError: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs `body` in a transaction (IMMEDIATE for writers: the write lock is taken at once).
    func transaction<T>(immediate: Bool, _ body: () throws -> T) throws -> T {
        // Prepared once and reused (statement cache), like every other statement.
        try run(immediate ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED")
        do {
            let value = try body()
            try run("COMMIT")
            return value
        } catch {
            _ = try? run("ROLLBACK")
            throw error
        }
    }

    final class Statement {
        fileprivate let raw: OpaquePointer
        private unowned let connection: SQLiteConnection

        fileprivate init(_ raw: OpaquePointer, connection: SQLiteConnection) {
            self.raw = raw
            self.connection = connection
        }

        deinit { sqlite3_finalize(raw) }

        fileprivate func reset() {
            sqlite3_reset(raw)
            sqlite3_clear_bindings(raw)
        }

        func bind(_ values: [SQLValue]) throws {
            guard values.count == Int(sqlite3_bind_parameter_count(raw)) else {
                throw StoreError("statement takes \(sqlite3_bind_parameter_count(raw)) values, \(values.count) given")
            }
            for (offset, value) in values.enumerated() {
                let index = Int32(offset + 1)
                let rc: Int32
                switch value {
                case .null:
                    rc = sqlite3_bind_null(raw, index)
                case .integer(let number):
                    rc = sqlite3_bind_int64(raw, index, number)
                case .text(let text):
                    // All of its bytes (a NUL inside is kept, as the ledger hashed it), never cut at the first NUL.
                    var text = text
                    rc = text.withUTF8 { utf8 -> Int32 in
                        guard !utf8.isEmpty else { return sqlite3_bind_text64(raw, index, "", 0, ebid_sqlite_transient(), UInt8(SQLITE_UTF8)) }
                        return utf8.withMemoryRebound(to: CChar.self) {
                            sqlite3_bind_text64(raw, index, $0.baseAddress!, sqlite3_uint64($0.count), ebid_sqlite_transient(), UInt8(SQLITE_UTF8))
                        }
                    }
                case .blob(let bytes):
                    rc = bytes.withUnsafeBytes { sqlite3_bind_blob64(raw, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), sqlite3_uint64($0.count), ebid_sqlite_transient()) }
                }
                guard rc == SQLITE_OK else { throw StoreError("cannot bind value \(index): \(connection.lastError)") }
            }
        }

        /// Advances; true when a row is available.
        func step() throws -> Bool {
            switch sqlite3_step(raw) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            case let rc:
                let message = connection.lastError
                if rc & 0xff == SQLITE_CONSTRAINT { throw StoreError(constraint: message) }
                throw StoreError("step failed (\(rc)): \(message)")
            }
        }
    }

    /// The current row of a statement.
    struct Row: SQLRow {
        fileprivate let statement: Statement
        fileprivate init(_ statement: Statement) { self.statement = statement }

        func isNull(_ column: Int) -> Bool { sqlite3_column_type(statement.raw, Int32(column)) == SQLITE_NULL }
        var columnCount: Int { Int(sqlite3_column_count(statement.raw)) }

        func value(_ column: Int) -> SQLValue {
            switch sqlite3_column_type(statement.raw, Int32(column)) {
            case SQLITE_NULL: .null
            case SQLITE_INTEGER: .integer(int64(column))
            case SQLITE_BLOB: .blob(blob(column))
            default: .text(text(column))
            }
        }
        func int64(_ column: Int) -> Int64 { sqlite3_column_int64(statement.raw, Int32(column)) }

        func text(_ column: Int) -> String {
            guard let pointer = sqlite3_column_text(statement.raw, Int32(column)) else { return "" }
            let count = Int(sqlite3_column_bytes(statement.raw, Int32(column)))
            return String(decoding: UnsafeBufferPointer(start: pointer, count: count), as: UTF8.self)
        }

        /// A text column's UTF-8 bytes as SQLite holds them, valid until the statement steps on.
        func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8> {
            let pointer = sqlite3_column_text(statement.raw, Int32(column))
            return UnsafeBufferPointer(start: pointer, count: pointer == nil ? 0 : Int(sqlite3_column_bytes(statement.raw, Int32(column))))
        }

        func blob(_ column: Int) -> [UInt8] {
            let count = Int(sqlite3_column_bytes(statement.raw, Int32(column)))
            guard count > 0, let pointer = sqlite3_column_blob(statement.raw, Int32(column)) else { return [] }
            return Array(UnsafeRawBufferPointer(start: pointer, count: count))
        }
    }
}
