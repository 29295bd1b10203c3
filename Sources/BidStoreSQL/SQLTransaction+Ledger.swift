import BidCore
import BidDomain
import Foundation

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
