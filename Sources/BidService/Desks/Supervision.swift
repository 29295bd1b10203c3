import BidCore
import Foundation

/// The ledger's guardians: signed checkpoints of the head, and the audit that recomputes the
/// chain, the checkpoints and the receipts from the data directory.
public struct Supervision: Sendable {
    let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    /// How long after a deadline the sealing checkpoint waits, so that uploads whose last byte was
    /// durable before the deadline have committed (a commit takes milliseconds).
    public static let sealingGrace: TimeInterval = 2

    /// Signs the checkpoint that seals a tender's bids, once its deadline (plus the grace) has passed.
    public func sealDeadlines() async throws {
        let now = environment.clock.now()
        let due = try await environment.store.read { tx -> Bool in
            let last = try tx.lastCheckpoint()?.at ?? .distantPast
            return try tx.tenders(status: .published).contains { $0.deadline + Self.sealingGrace <= now && $0.deadline > last }
        }
        if due { try await checkpoint() }
    }

    /// Signs a checkpoint of the current head (numbered, timed; see LedgerCheckpoint).
    @discardableResult
    public func checkpoint() async throws -> LedgerCheckpoint? {
        let now = environment.clock.now()
        let platform = environment.platform
        return try await environment.store.write { tx in
            guard let head = try tx.ledgerHead() else { return nil }
            let number = (try tx.lastCheckpoint()?.number ?? 0) + 1
            let signature = try platform.sign(LedgerCheckpoint.signedBytes(number: number, at: now, headHash: head.hash))
            let checkpoint = LedgerCheckpoint(number: number, at: now, seq: head.seq, headHash: head.hash, signature: signature,
                                              scheme: platform.scheme, certificateFingerprint: platform.certificate.fingerprint)
            try tx.insertCheckpoint(checkpoint)
            return checkpoint
        }
    }

    /// A checkpoint as published: no sequence number (Law art. 22: it must not reveal how many events, hence bids, there are).
    public struct PublicCheckpoint: Codable, Sendable, Equatable {
        public var number: Int64
        public var at: Date
        /// The signed time, in milliseconds since 1970 (`at` is shown to the second).
        public var atMilliseconds: Int64
        public var headHash: String
        public var signature: String
        public var scheme: SignatureScheme
        public var certificateFingerprint: String

        init(_ checkpoint: LedgerCheckpoint) {
            number = checkpoint.number
            at = checkpoint.at
            atMilliseconds = Ledger.milliseconds(checkpoint.at)
            headHash = checkpoint.headHash
            signature = Data(checkpoint.signature).base64EncodedString()
            scheme = checkpoint.scheme
            certificateFingerprint = checkpoint.certificateFingerprint
        }

        /// The bytes its signature covers (`LedgerCheckpoint.signedBytes`).
        public var signedBytes: [UInt8] {
            LedgerCheckpoint.signedBytes(number: number, at: Date(timeIntervalSince1970: TimeInterval(atMilliseconds) / 1000), headHash: headHash)
        }

        /// Whether `certificate` signed it.
        public func isSigned(by certificate: Certificate) -> Bool {
            guard certificate.fingerprint == certificateFingerprint, let signature = Data(base64Encoded: signature) else { return false }
            return (try? certificate.publicKey.isValidSignature([UInt8](signature), for: signedBytes, scheme: scheme)) == true
        }
    }

    public func publicCheckpoints(after number: Int64 = 0, limit: Int = 500) async throws -> [PublicCheckpoint] {
        try await environment.store.read { try $0.checkpoints(after: number, limit: limit) }.map(PublicCheckpoint.init)
    }

    /// The ledger for supervisors: by tender, actor, action and time range, each event with the
    /// checkpoint that covers it. A tender's bid events are withheld until its deadline (Law art.
    /// 22: before it nobody but the bidder may learn who bid or how many); `next` continues after
    /// the last event read, shown or withheld.
    public func events(_ query: LedgerQuery) async throws -> LedgerPage {
        try JSONDecoder.ebid.decode(LedgerPage.self, from: Data(try await eventsJSON(query)))
    }

    /// `events(query)` as `JSONEncoder.ebid` encodes the page, written straight from the rows the
    /// database holds (a page holds up to 1,000 events; decoding them into values first took most
    /// of this query's time, docs/performance.md).
    public func eventsJSON(_ query: LedgerQuery) async throws -> [UInt8] {
        let now = environment.clock.now()
        let limit = min(max(query.limit, 1), 1000)
        var read = query
        read.limit = limit + 1  // one more: is there a next page?
        return try await environment.store.read { [read] tx in
            var out = JSONOutput(capacity: 720 * limit + 64)
            var deadlines: [String: Date] = [:]
            // Events come in order: the checkpoint that covers one often covers the next, and none
            // covers an event after one that no checkpoint covers.
            var covering: (seq: Int64, json: [UInt8])?
            var uncovered = false
            var count = 0
            var last: Int64 = 0
            var more = false
            try out.object { out in
                out.key("events")
                try out.array { out in
                    try tx.forEachLedgerRow(read) { row in
                        guard count < limit else { more = true; return }
                        count += 1
                        last = row.seq
                        if let tender = row.tenderId, row.action.starts(with: "bid.".utf8) {
                            let id = String(decoding: tender, as: UTF8.self)
                            if deadlines[id] == nil { deadlines[id] = try tx.tender(id: id)?.deadline ?? .distantPast }
                            if now < deadlines[id]! { return }
                        }
                        if !uncovered, covering.map({ $0.seq < row.seq }) ?? true {
                            if let checkpoint = try tx.checkpoint(covering: row.seq) {
                                var json = JSONOutput(capacity: 160)
                                json.object { json in
                                    json.field("at", checkpoint.at)
                                    json.field("headHash", checkpoint.headHash)
                                    json.field("number", checkpoint.number)
                                }
                                covering = (checkpoint.seq, json.bytes)
                            } else {
                                covering = nil
                                uncovered = true
                            }
                        }
                        out.object { out in
                            if let covering { out.key("checkpoint"); out.raw(covering.json) }
                            out.key("event")
                            out.ledgerEvent(row)
                        }
                    }
                }
                if more {
                    out.field("next", last)
                }
            }
            return out.bytes
        }
    }
}
