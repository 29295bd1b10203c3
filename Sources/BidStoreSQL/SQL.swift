import BidDomain
import Foundation

/// The relational layer both backends share. The store's statements (the `SQLTransaction`
/// extensions in SQLTransaction+*.swift) are written once, in the SQL that SQLite and PostgreSQL both
/// speak, with `?` placeholders; each backend supplies a connection that runs them and a dialect for
/// the few expressions the two spell differently.

/// A value to bind to, or read from, a statement.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(nilLiteral: ()) { self = .null }

    public static func int(_ value: Int?) -> SQLValue { value.map { .integer(Int64($0)) } ?? .null }
    public static func string(_ value: String?) -> SQLValue { value.map { .text($0) } ?? .null }
    /// Times are stored as integer milliseconds since 1970 UTC, in both backends.
    public static func time(_ value: Date?) -> SQLValue { value.map { .integer(Int64(($0.timeIntervalSince1970 * 1000).rounded())) } ?? .null }
}

/// One row of a result, valid only during the callback that receives it.
public protocol SQLRow {
    func isNull(_ column: Int) -> Bool
    func int64(_ column: Int) -> Int64
    func text(_ column: Int) -> String
    func blob(_ column: Int) -> [UInt8]
    /// A text column's UTF-8 bytes as the connection holds them, valid during the callback.
    func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8>
    /// The number of columns and a column's value as stored (copying a store, `StoreCopy`).
    var columnCount: Int { get }
    func value(_ column: Int) -> SQLValue
}

extension SQLRow {
    public func int(_ column: Int) -> Int { Int(int64(column)) }
    public func optionalInt(_ column: Int) -> Int? { isNull(column) ? nil : int(column) }
    public func bool(_ column: Int) -> Bool { int64(column) != 0 }
    public func optionalText(_ column: Int) -> String? { isNull(column) ? nil : text(column) }
    public func time(_ column: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(int64(column)) / 1000) }
    public func optionalTime(_ column: Int) -> Date? { isNull(column) ? nil : time(column) }
}

/// The expressions the two databases spell differently.
public enum SQLDialect: Sendable {
    case sqlite
    case postgres

    /// A JSON text column's top-level string member, as text (NULL when absent).
    package func jsonText(_ column: String, member: String) -> String {
        switch self {
        case .sqlite: "json_extract(\(column), '$.\(member)')"
        case .postgres: "((\(column))::jsonb ->> '\(member)')"
        }
    }

    /// Case-insensitive (for ASCII) pattern match: SQLite's LIKE already is, PostgreSQL's is not.
    package var like: String {
        switch self {
        case .sqlite: "LIKE"
        case .postgres: "ILIKE"
        }
    }

    /// `yyyy-MM` of a millisecond UTC time column, in Beijing time (UTC+8, no daylight saving).
    package func beijingMonth(_ column: String) -> String {
        switch self {
        case .sqlite: "strftime('%Y-%m', \(column) / 1000 + 28800, 'unixepoch')"
        case .postgres: "to_char(to_timestamp((\(column)) / 1000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM')"
        }
    }
}

/// A connection the store's statements run on. Confined to one thread at a time (its lane).
public protocol SQLConnection: AnyObject {
    var dialect: SQLDialect { get }
    /// Runs a statement that returns no rows; returns the number of rows changed.
    @discardableResult func run(_ sql: String, _ values: [SQLValue]) throws -> Int
    /// Runs a query and hands each row to `body`.
    func forEach(_ sql: String, _ values: [SQLValue], _ body: (any SQLRow) throws -> Void) throws
}

extension SQLConnection {
    @discardableResult package func run(_ sql: String) throws -> Int { try run(sql, []) }

    package func query<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (any SQLRow) throws -> T) throws -> [T] {
        var result: [T] = []
        try forEach(sql, values) { result.append(try map($0)) }
        return result
    }

    package func queryOne<T>(_ sql: String, _ values: [SQLValue] = [], _ map: (any SQLRow) throws -> T) throws -> T? {
        var result: T?
        try forEach(sql, values) { row in if result == nil { result = try map(row) } }
        return result
    }
}

/// A transaction handed to `read`/`write` bodies: the statements of the store's extensions run
/// through it. Valid only inside the body.
public struct SQLTransaction {
    package let connection: any SQLConnection
    package init(_ connection: any SQLConnection) { self.connection = connection }
    package var dialect: SQLDialect { connection.dialect }
}
