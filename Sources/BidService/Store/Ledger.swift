import BidCore
import Foundation

/// One event of the ledger (过程全监督): a state change, chained to the one before.
public struct LedgerEvent: Sendable, Codable, Equatable {
    public var seq: Int64
    public var at: Date
    public var actor: Actor
    public var action: String
    public var object: String
    public var tenderId: String?
    /// SM3 of the event's payload (what changed), hex.
    public var payloadDigest: String
    public var previousHash: String
    public var hash: String

    /// The chain hash (docs/ledger.md):
    /// SM3("ebid-ledger-v1" ‖ f(seq) ‖ f(at ms) ‖ f(fingerprint) ‖ f(party) ‖ f(role) ‖ f(address)
    ///     ‖ f(action) ‖ f(object) ‖ f(tender or "") ‖ f(payload digest) ‖ f(previous hash)),
    /// with f(s) = u32be(byte length) ‖ UTF-8 bytes; the first event's previous hash is 64 zeros.
    public static func computeHash(seq: Int64, at: Date, actor: Actor, action: String, object: String,
                                   tenderId: String?, payloadDigest: String, previousHash: String) -> String {
        let digest = StreamingDigest(.sm3)
        digest.update(Array("ebid-ledger-v1".utf8))
        for field in [String(seq), String(Ledger.milliseconds(at)), actor.certificateFingerprint, actor.party, actor.role, actor.address,
                      action, object, tenderId ?? "", payloadDigest, previousHash] {
            let bytes = Array(field.utf8)
            digest.update([UInt8].uint32BigEndian(UInt32(bytes.count)))
            digest.update(bytes)
        }
        return Hex.encode(digest.finalize())
    }

    public var recomputedHash: String {
        Self.computeHash(seq: seq, at: at, actor: actor, action: action, object: object, tenderId: tenderId,
                         payloadDigest: payloadDigest, previousHash: previousHash)
    }
}

/// A signed checkpoint of the ledger head. Its signature covers the number, the time and the head
/// hash — not the sequence number: published checkpoints reveal nothing about how many events
/// (bids) there are (Law art. 22); whoever holds the events finds the position by the hash.
public struct LedgerCheckpoint: Sendable, Codable, Equatable {
    public var number: Int64
    public var at: Date
    public var seq: Int64
    public var headHash: String
    public var signature: [UInt8]
    public var scheme: SignatureScheme
    public var certificateFingerprint: String

    public static func signedBytes(number: Int64, at: Date, headHash: String) -> [UInt8] {
        var bytes = Array("ebid-ledger-checkpoint-v1".utf8)
        for field in [String(number), String(Ledger.milliseconds(at)), headHash] {
            bytes += [UInt8].uint32BigEndian(UInt32(field.utf8.count)) + Array(field.utf8)
        }
        return bytes
    }
}

/// What a state change asks the ledger to record.
public struct LedgerEntry: Sendable {
    public var actor: Actor
    public var action: String
    public var object: String
    public var tenderId: String?
    public var payload: [UInt8]

    public init(actor: Actor, action: String, object: String, tenderId: String? = nil, payload: [UInt8]) {
        self.actor = actor
        self.action = action
        self.object = object
        self.tenderId = tenderId
        self.payload = payload
    }

    /// Payload as canonical (sorted-key) JSON of `value`.
    public init<T: Encodable>(actor: Actor, action: String, object: String, tenderId: String? = nil, json value: T) throws {
        self.init(actor: actor, action: action, object: object, tenderId: tenderId, payload: [UInt8](try JSONEncoder.ebid.encode(value)))
    }
}

public enum Ledger {
    public static let genesisHash = String(repeating: "0", count: 64)

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func payloadDigest(_ payload: [UInt8]) -> String { Hex.encode(StreamingDigest.hash(payload, using: .sm3)) }
}

extension Array where Element == UInt8 {
    static func uint32BigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }
}

extension SQLTransaction {
    static let ledgerColumns = "seq, at, actor_fingerprint, actor_party, role, address, action, object, tender_id, payload_digest, prev_hash, hash"

    static func ledgerEvent(_ row: any SQLRow) -> LedgerEvent {
        LedgerEvent(seq: row.int64(0), at: row.time(1),
                    actor: Actor(certificateFingerprint: row.text(2), party: row.text(3), role: row.text(4), address: row.text(5)),
                    action: row.text(6), object: row.text(7), tenderId: row.optionalText(8), payloadDigest: row.text(9),
                    previousHash: row.text(10), hash: row.text(11))
    }

    /// The last event, if any.
    public func ledgerHead() throws -> LedgerEvent? {
        try connection.queryOne("SELECT \(Self.ledgerColumns) FROM ledger_events ORDER BY seq DESC LIMIT 1", [], Self.ledgerEvent)
    }

    /// Appends an event to the chain, in this transaction.
    @discardableResult
    public func appendLedger(_ entry: LedgerEntry, at: Date) throws -> LedgerEvent {
        let head = try ledgerHead()
        let seq = (head?.seq ?? 0) + 1
        let previous = head?.hash ?? Ledger.genesisHash
        // Never let time run backwards along the chain (a clock step back would otherwise let an
        // event appear to precede its predecessor).
        let time = max(at, head?.at ?? at)
        var event = LedgerEvent(seq: seq, at: time, actor: entry.actor, action: entry.action, object: entry.object, tenderId: entry.tenderId,
                                payloadDigest: Ledger.payloadDigest(entry.payload), previousHash: previous, hash: "")
        event.hash = event.recomputedHash
        try connection.run("INSERT INTO ledger_events (\(Self.ledgerColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            .integer(event.seq), .time(event.at), .text(event.actor.certificateFingerprint), .text(event.actor.party), .text(event.actor.role),
            .text(event.actor.address), .text(event.action), .text(event.object), .string(event.tenderId), .text(event.payloadDigest),
            .text(event.previousHash), .text(event.hash),
        ])
        return event
    }

    public func ledgerEvent(seq: Int64) throws -> LedgerEvent? {
        try connection.queryOne("SELECT \(Self.ledgerColumns) FROM ledger_events WHERE seq = ?", [.integer(seq)], Self.ledgerEvent)
    }

    /// Events in order from `after` (exclusive), at most `limit`.
    public func ledgerEvents(after: Int64, limit: Int) throws -> [LedgerEvent] {
        try connection.query("SELECT \(Self.ledgerColumns) FROM ledger_events WHERE seq > ? ORDER BY seq LIMIT ?",
                             [.integer(after), .integer(Int64(limit))], Self.ledgerEvent)
    }

    public func insertCheckpoint(_ checkpoint: LedgerCheckpoint) throws {
        try connection.run("INSERT INTO ledger_checkpoints (number, at, seq, head_hash, signature, scheme, certificate_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?)", [
            .integer(checkpoint.number), .time(checkpoint.at), .integer(checkpoint.seq), .text(checkpoint.headHash),
            .blob(checkpoint.signature), .text(checkpoint.scheme.rawValue), .text(checkpoint.certificateFingerprint),
        ])
    }

    public func checkpoints(after number: Int64 = 0, limit: Int = 1000) throws -> [LedgerCheckpoint] {
        try connection.query("SELECT number, at, seq, head_hash, signature, scheme, certificate_fingerprint FROM ledger_checkpoints WHERE number > ? ORDER BY number LIMIT ?",
                             [.integer(number), .integer(Int64(limit))], Self.checkpoint)
    }

    static func checkpoint(_ row: any SQLRow) -> LedgerCheckpoint {
        LedgerCheckpoint(number: row.int64(0), at: row.time(1), seq: row.int64(2), headHash: row.text(3), signature: row.blob(4),
                         scheme: SignatureScheme(rawValue: row.text(5)) ?? .sm2WithSM3, certificateFingerprint: row.text(6))
    }

    public func lastCheckpoint() throws -> LedgerCheckpoint? {
        try connection.queryOne("SELECT number FROM ledger_checkpoints ORDER BY number DESC LIMIT 1") { $0.int64(0) }
            .flatMap { try checkpoints(after: $0 - 1, limit: 1).first }
    }

    /// Events matching every given filter, in order, after `query.after`.
    public func ledgerEvents(_ query: LedgerQuery) throws -> [LedgerEvent] {
        let (sql, values) = Self.select(query)
        return try connection.query(sql, values, Self.ledgerEvent)
    }

    /// The events `query` selects, each handed to `body` as the bytes the database holds: nothing
    /// is copied or decoded (a ledger page writes them straight out as JSON). The row is valid only
    /// during the call.
    public func forEachLedgerRow(_ query: LedgerQuery, _ body: (LedgerRow) throws -> Void) throws {
        let (sql, values) = Self.select(query)
        try connection.forEach(sql, values) { row in
            try body(LedgerRow(seq: row.int64(0), at: row.time(1), actorFingerprint: row.bytes(2), actorParty: row.bytes(3), role: row.bytes(4),
                               address: row.bytes(5), action: row.bytes(6), object: row.bytes(7), tenderId: row.isNull(8) ? nil : row.bytes(8),
                               payloadDigest: row.bytes(9), previousHash: row.bytes(10), hash: row.bytes(11)))
        }
    }

    private static func select(_ query: LedgerQuery) -> (String, [SQLValue]) {
        var conditions = ["seq > ?"]
        var values: [SQLValue] = [.integer(query.after)]
        if let tender = query.tender { conditions.append("tender_id = ?"); values.append(.text(tender)) }
        if let actor = query.actor { conditions.append("actor_party = ?"); values.append(.text(actor)) }
        if let action = query.action { conditions.append("action = ?"); values.append(.text(action)) }
        if let since = query.since { conditions.append("at >= ?"); values.append(.time(since)) }
        if let until = query.until { conditions.append("at < ?"); values.append(.time(until)) }
        if !query.objects.isEmpty {
            conditions.append("object IN (\(query.objects.map { _ in "?" }.joined(separator: ", ")))")
            values += query.objects.map { .text($0) }
        }
        values.append(.integer(Int64(query.limit)))
        return ("SELECT \(ledgerColumns) FROM ledger_events WHERE \(conditions.joined(separator: " AND ")) ORDER BY seq LIMIT ?", values)
    }

    /// The position of the event with this hash (cursors of the supervisors' views).
    public func ledgerSeq(hash: String) throws -> Int64? {
        try connection.queryOne("SELECT seq FROM ledger_events WHERE hash = ?", [.text(hash)]) { $0.int64(0) }
    }

    /// The first checkpoint that holds event `seq` (its head is at or after it), if one was signed since.
    public func checkpoint(covering seq: Int64) throws -> LedgerCheckpoint? {
        try connection.queryOne("SELECT number, at, seq, head_hash, signature, scheme, certificate_fingerprint FROM ledger_checkpoints WHERE seq >= ? ORDER BY seq, number LIMIT 1",
                                [.integer(seq)], Self.checkpoint)
    }
}

/// A ledger event as the store holds it, its texts as UTF-8 bytes borrowed from the database
/// (see `forEachLedgerRow`): the same fields as `LedgerEvent`.
public struct LedgerRow {
    public var seq: Int64
    public var at: Date
    public var actorFingerprint: UnsafeBufferPointer<UInt8>
    public var actorParty: UnsafeBufferPointer<UInt8>
    public var role: UnsafeBufferPointer<UInt8>
    public var address: UnsafeBufferPointer<UInt8>
    public var action: UnsafeBufferPointer<UInt8>
    public var object: UnsafeBufferPointer<UInt8>
    public var tenderId: UnsafeBufferPointer<UInt8>?
    public var payloadDigest: UnsafeBufferPointer<UInt8>
    public var previousHash: UnsafeBufferPointer<UInt8>
    public var hash: UnsafeBufferPointer<UInt8>
}

/// Filters over the ledger (supervisors' queries).
public struct LedgerQuery: Sendable {
    public var tender: String?
    public var actor: String?
    public var action: String?
    public var since: Date?
    public var until: Date?
    public var objects: [String] = []
    /// Cursor: events after this position.
    public var after: Int64 = 0
    public var limit = 100

    public init(tender: String? = nil, actor: String? = nil, action: String? = nil, since: Date? = nil, until: Date? = nil,
                objects: [String] = [], after: Int64 = 0, limit: Int = 100) {
        self.tender = tender
        self.actor = actor
        self.action = action
        self.since = since
        self.until = until
        self.objects = objects
        self.after = after
        self.limit = limit
    }
}
