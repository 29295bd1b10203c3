import BidCore
import BidDomain
import Foundation

/// The ledger's guardians: signed checkpoints of the head, and the audit that recomputes the
/// chain, the checkpoints and the receipts from the data directory.
public struct Supervision: Sendable {
    package let environment: ServiceEnvironment

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

    /// Signs a checkpoint of the head (numbered, timed; see LedgerCheckpoint). It first appends an
    /// event of its own (`ledger.checkpoint`), so the published head changes at every checkpoint
    /// whatever happened in between: a quiet platform's checkpoints do not show that a bidder was
    /// active (docs/ledger.md, "What a checkpoint reveals").
    @discardableResult
    public func checkpoint() async throws -> LedgerCheckpoint? {
        let now = environment.clock.now()
        let platform = environment.platform
        let actor = environment.platformActor
        return try await environment.store.write { tx in
            let number = (try tx.lastCheckpoint()?.number ?? 0) + 1
            let head = try tx.appendLedger(try LedgerEntry(actor: actor, action: "ledger.checkpoint", object: "ledger/checkpoints/\(number)",
                                                           json: ["number": number]), at: now)
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

        package init(_ checkpoint: LedgerCheckpoint) {
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
    /// checkpoint that covers it. Before the deadlines they could concern, bid events and everything
    /// bidders do are withheld (`LedgerEmbargo`); the events shown carry no chain position and no
    /// link to the event before, and `next` names the last event shown: nothing in a page, its
    /// cursor or the number of pages shows that something was withheld (Law art. 22).
    public func events(_ query: LedgerQuery) async throws -> LedgerPage {
        try JSONDecoder.ebid.decode(LedgerPage.self, from: Data(try await eventsJSON(query)))
    }

    /// `events(query)` as `JSONEncoder.ebid` encodes the page, written straight from the rows the
    /// database holds (a page holds up to 1,000 events; decoding them into values first took most
    /// of this query's time, docs/performance.md). `cursor` is a page's `next`.
    public func eventsJSON(_ query: LedgerQuery, cursor: String? = nil) async throws -> [UInt8] {
        let now = environment.clock.now()
        let limit = min(max(query.limit, 1), 1000)
        return try await environment.store.read { [query] tx in
            var read = query
            if let cursor {
                guard let seq = try tx.ledgerSeq(hash: cursor) else {
                    throw ServiceError.badRequest("ledger.cursor-invalid", "after= must be the `next` of a page")
                }
                read.after = seq
            }
            var embargo = try LedgerEmbargo(tx: tx, now: now)
            var out = JSONOutput(capacity: 720 * limit + 64)
            // Events come in order: the checkpoint that covers one often covers the next, and none
            // covers an event after one that no checkpoint covers.
            var covering: (seq: Int64, json: [UInt8])?
            var uncovered = false
            var shown = 0
            var lastShown: [UInt8] = []
            var more = false
            try out.object { out in
                out.key("events")
                try out.array { out in
                    // Read in batches past whatever is withheld, until the page is full and one
                    // more event would be shown (then there is a next page), or the ledger ends.
                    read.limit = 256
                    var exhausted = false
                    while !exhausted && !more {
                        var rows = 0
                        try tx.forEachLedgerRow(read) { row in
                            rows += 1
                            read.after = row.seq
                            guard !more, try !embargo.withholds(row) else { return }
                            guard shown < limit else { more = true; return }
                            shown += 1
                            lastShown = Array(row.hash)
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
                        exhausted = rows < read.limit
                    }
                }
                if more {
                    out.field("next", String(decoding: lastShown, as: UTF8.self))
                }
            }
            return out.bytes
        }
    }
}

/// What the supervisors' ledger views withhold, and until when (Law art. 22: before the deadline
/// nobody may learn who bid or how many; docs/ledger.md, "Views"):
/// - a tender's `bid.*` events, until its deadline;
/// - everything done by a party that holds the bidder role — logins, refused uploads, any event
///   whatever its tender — from the moment a tender still before its deadline was published, until
///   every such tender's deadline has passed. A login concerns no tender in particular, so it is
///   held back as long as any tender it could concern is still taking bids.
package struct LedgerEmbargo {
    package let tx: any SupervisionDeskTransaction
    package let now: Date
    /// The earliest publication among the tenders still taking bids (nil: none).
    package let biddingSince: Date?
    private var deadlines: [String: Date] = [:]
    private var bidders: [String: Bool] = [:]

    /// For one read transaction (`tx` is used only while it lasts).
    package init(tx: any SupervisionDeskTransaction, now: Date) throws {
        self.tx = tx
        self.now = now
        biddingSince = try tx.tenders(status: .published).filter { $0.deadline > now }.map { $0.publishedAt ?? $0.createdAt }.min()
    }

    package mutating func withholds(_ row: LedgerRow) throws -> Bool {
        // A tender's bid events, and the answers to objections to its documents (each says one more
        // potential bidder objected), until its deadline.
        if let tender = row.tenderId, row.action.starts(with: "bid.".utf8) || row.action.elementsEqual("tender.objection-answer".utf8) {
            let id = String(decoding: tender, as: UTF8.self)
            if deadlines[id] == nil { deadlines[id] = try tx.tender(id: id)?.deadline ?? .distantPast }
            if now < deadlines[id]! { return true }
        }
        guard let since = biddingSince, row.at >= since else { return false }
        let party = String(decoding: row.actorParty, as: UTF8.self)
        if bidders[party] == nil { bidders[party] = try tx.party(id: party)?.roles.contains(.bidder) ?? false }
        return bidders[party]!
    }
}
