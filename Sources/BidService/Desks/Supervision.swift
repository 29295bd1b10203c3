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
        public var headHash: String
        public var signature: String
        public var scheme: SignatureScheme
        public var certificateFingerprint: String

        init(_ checkpoint: LedgerCheckpoint) {
            number = checkpoint.number
            at = checkpoint.at
            headHash = checkpoint.headHash
            signature = Data(checkpoint.signature).base64EncodedString()
            scheme = checkpoint.scheme
            certificateFingerprint = checkpoint.certificateFingerprint
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

/// Recomputes the ledger from the database: every event's hash and link, every checkpoint's
/// signature and head, every receipt's ledger position. Names the first bad event.
public enum LedgerAudit {
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public var seq: Int64?
        public var kind: String
        public var detail: String
        public var description: String { seq.map { "event \($0): \(detail)" } ?? detail }
    }

    public struct Report: Sendable {
        public var events: Int64 = 0
        public var head: LedgerEvent?
        public var checkpoints = 0
        public var receipts = 0
        public var bids = 0
        public var creditRecords = 0
        /// Tenders past their deadline whose bid events were checked against the deadline checkpoint.
        public var sealedTenders = 0
        public var problems: [Problem] = []
        public var isIntact: Bool { problems.isEmpty }
        public var firstProblem: Problem? { problems.first }
    }

    /// Audits `store`. `platformCertificates` are the certificates checkpoints and receipts may be
    /// signed with (give the ones you trust, not only those recorded in the data directory).
    public static func run(_ store: SQLiteStore, platformCertificates: [Certificate]) throws -> Report {
        var report = Report()
        var byHash: [String: Int64] = [:]
        var hashes: [Int64: String] = [:]
        var bidEvents: [String: [(seq: Int64, at: Date, action: String)]] = [:]
        var creditEvents: [String: (seq: Int64, digest: String)] = [:]
        try store.database.readNow { tx in
            var previous: LedgerEvent?
            var after: Int64 = 0
            while true {
                let page = try tx.ledgerEvents(after: after, limit: 10_000)
                if page.isEmpty { break }
                for event in page {
                    let expectedSeq = (previous?.seq ?? 0) + 1
                    if event.seq != expectedSeq {
                        report.problems.append(.init(seq: expectedSeq, kind: "missing",
                                                     detail: "events \(expectedSeq)…\(event.seq - 1) are missing (deleted)"))
                    } else if event.previousHash != (previous?.hash ?? Ledger.genesisHash) {
                        report.problems.append(.init(seq: event.seq, kind: "broken-link",
                                                     detail: "does not follow event \(previous?.seq ?? 0): rows were reordered, replaced or inserted"))
                    }
                    if event.recomputedHash != event.hash {
                        report.problems.append(.init(seq: event.seq, kind: "altered", detail: "its content does not match its hash: the row was edited"))
                    }
                    byHash[event.hash] = event.seq
                    hashes[event.seq] = event.hash
                    if event.action.hasPrefix("bid."), let tender = event.tenderId {
                        bidEvents[tender, default: []].append((event.seq, event.at, event.action))
                    }
                    if event.object.hasPrefix("credit/") { creditEvents[event.object] = (event.seq, event.payloadDigest) }
                    previous = event
                    report.events += 1
                }
                after = page.last!.seq
            }
            report.head = previous

            let certificates = Dictionary(platformCertificates.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
            var goodCheckpoints: [LedgerCheckpoint] = []
            for checkpoint in try tx.checkpoints(after: 0, limit: Int.max) {
                report.checkpoints += 1
                guard let certificate = certificates[checkpoint.certificateFingerprint],
                      try certificate.publicKey.isValidSignature(checkpoint.signature,
                                                                 for: LedgerCheckpoint.signedBytes(number: checkpoint.number, at: checkpoint.at, headHash: checkpoint.headHash),
                                                                 scheme: checkpoint.scheme) else {
                    report.problems.append(.init(seq: nil, kind: "checkpoint-signature",
                                                 detail: "checkpoint \(checkpoint.number) is not signed by a trusted platform certificate"))
                    continue
                }
                if byHash[checkpoint.headHash] == nil {
                    report.problems.append(.init(seq: checkpoint.seq, kind: "checkpoint-mismatch",
                                                 detail: "checkpoint \(checkpoint.number) (\(iso(checkpoint.at))) signed head \(checkpoint.headHash.prefix(16))…, which the ledger no longer holds"))
                } else {
                    var checked = checkpoint
                    checked.seq = byHash[checkpoint.headHash]!  // the signed head's position, not the stored (unsigned) number
                    goodCheckpoints.append(checked)
                }
            }
            try checkDeadlines(tx.publicTenders(), bidEvents: bidEvents, checkpoints: goodCheckpoints, report: &report)
            for (seq, signed) in try tx.allReceipts() {
                report.receipts += 1
                guard let receipt = try? signed.decode(Receipt.self) else {
                    report.problems.append(.init(seq: seq, kind: "receipt", detail: "a receipt does not parse"))
                    continue
                }
                if let certificate = certificates[signed.certificateFingerprint], (try? signed.verify(with: certificate)) != true {
                    report.problems.append(.init(seq: seq, kind: "receipt", detail: "receipt \(receipt.receiptId) has a bad signature"))
                }
                if hashes[receipt.ledger.seq] != receipt.ledger.eventHash {
                    report.problems.append(.init(seq: receipt.ledger.seq, kind: "receipt-mismatch",
                                                 detail: "receipt \(receipt.receiptId) (\(receipt.kind.rawValue), bidder \(receipt.bidder.name)) names an event the ledger does not hold"))
                }
            }
            for bid in try tx.allBids() {
                report.bids += 1
                guard let event = try tx.ledgerEvent(seq: bid.ledgerSeq), event.object == "bid/\(bid.id)" else {
                    report.problems.append(.init(seq: bid.ledgerSeq, kind: "bid-mismatch", detail: "bid \(bid.id) is not the object of its ledger event"))
                    continue
                }
            }
            try checkCredit(tx, events: creditEvents, certificates: certificates, report: &report)
        }
        report.problems.sort { ($0.seq ?? Int64.max) < ($1.seq ?? Int64.max) }
        return report
    }

    /// Every credit record: signed by a trusted platform certificate, recorded by the ledger event
    /// whose payload digest is its SM3; and every decision's derived state (what the listings read)
    /// equal to what its records give.
    static func checkCredit(_ tx: SQLiteTransaction, events: [String: (seq: Int64, digest: String)], certificates: [String: Certificate],
                            report: inout Report) throws {
        var records: [CreditRecord] = []
        var after = ""
        while true {
            let page = try tx.signedCreditRecords(after: after, limit: 5000)
            if page.isEmpty { break }
            for (id, signed) in page {
                report.creditRecords += 1
                let event = events["credit/\(id)"]
                if let certificate = certificates[signed.certificateFingerprint], (try? signed.verify(with: certificate)) != true {
                    report.problems.append(.init(seq: event?.seq, kind: "credit-signature", detail: "credit record \(id) has a bad signature: it was altered"))
                }
                if event?.digest != Ledger.payloadDigest(signed.document) {
                    report.problems.append(.init(seq: event?.seq, kind: "credit-mismatch",
                                                 detail: "credit record \(id) is not what its ledger event recorded (\(event == nil ? "no event" : "another digest"))"))
                }
                if let record = try? signed.decode(CreditRecord.self) { records.append(record) }
            }
            after = page.last!.id
        }
        let stored = Dictionary(uniqueKeysWithValues: try tx.creditDecisions(CreditChainQuery(limit: Int(Int32.max))).map { ($0.id, $0) })
        for chain in CreditEffect.chains(records) where stored[chain.id] != chain.state {
            report.problems.append(.init(seq: events["credit/\(chain.head.id)"]?.seq, kind: "credit-derived",
                                         detail: "the listed state of decision \(chain.id) differs from what its records give"))
        }
        // Each subject's public page source, against one made afresh from its decisions.
        let subjects = Set(stored.values.map(\.current.subject.code)).union(try tx.creditSubjectPageCodes())
        for code in subjects.sorted() {
            let rows = try tx.creditPageRows(subject: code)
            if try tx.creditSubjectPageSource(subject: code) != SubjectPageSource.source(rows) {
                report.problems.append(.init(seq: nil, kind: "credit-page", detail: "the public page of \(code) differs from what its decisions give"))
            }
        }
    }

    /// Bids are sealed at the deadline (Law art. 28): for each tender past its deadline, the first
    /// checkpoint signed at or after the deadline must already hold every bid event from before the
    /// deadline (an event it does not hold was written later and backdated), and no bid event may
    /// be dated after the deadline. Together with the checkpoints published before the deadline,
    /// this lets anyone who kept those checkpoints check every bid event up to the opening.
    static func checkDeadlines(_ tenders: [Tender], bidEvents: [String: [(seq: Int64, at: Date, action: String)]],
                               checkpoints: [LedgerCheckpoint], report: inout Report) {
        let latest = checkpoints.map(\.at).max()
        for tender in tenders {
            let events = bidEvents[tender.id] ?? []
            for event in events where event.at >= tender.deadline {
                report.problems.append(.init(seq: event.seq, kind: "bid-after-deadline",
                                             detail: "\(event.action) of tender \(tender.id) is dated \(iso(event.at)), after the deadline \(iso(tender.deadline))"))
            }
            guard tender.status != .published || (latest.map { $0 >= tender.deadline } ?? false) else { continue }
            guard let sealing = checkpoints.filter({ $0.at >= tender.deadline }).min(by: { $0.number < $1.number }) else {
                report.problems.append(.init(seq: nil, kind: "deadline-checkpoint",
                                             detail: "tender \(tender.id) is past its deadline (\(iso(tender.deadline))) but no checkpoint was signed after it"))
                continue
            }
            report.sealedTenders += 1
            for event in events where event.at < tender.deadline && event.seq > sealing.seq {
                report.problems.append(.init(seq: event.seq, kind: "bid-backdated",
                                             detail: "\(event.action) of tender \(tender.id) is dated before the deadline but checkpoint \(sealing.number), signed at \(iso(sealing.at)) after the deadline, does not hold it: it was written after the deadline"))
            }
        }
    }
}
