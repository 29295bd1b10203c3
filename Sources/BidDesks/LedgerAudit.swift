import BidCore
import BidDomain
import Foundation

/// Recomputes the ledger from the database: every event's hash and link, every checkpoint's
/// signature and head, every receipt's signature and ledger position, every bid row against its
/// event, its receipt and its blob, every credit record. Trusts nothing in the data directory that
/// an insider could rewrite: signatures are checked against the platform certificates the auditor
/// brings, and an unknown signer is a failure. Copies held elsewhere — receipts kept by bidders,
/// checkpoints archived by the monitoring office — prove that what they record is still in the
/// ledger: whoever holds the platform key can sign a new history, but not change those copies.
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
        /// Receipts and checkpoints held outside the platform, checked against the ledger.
        public var externalReceipts = 0
        public var archivedCheckpoints = 0
        public var problems: [Problem] = []
        public var isIntact: Bool { problems.isEmpty }
        public var firstProblem: Problem? { problems.first }
    }

    /// What the auditor brings from outside the data directory.
    public struct Evidence: Sendable {
        /// Receipts kept by bidders (the signed JSON and its signature, as `--receipt-out` writes them).
        public var receipts: [SignedDocument] = []
        /// Checkpoints archived outside the platform (as `GET /v1/ledger/checkpoints` serves them).
        public var checkpoints: [Supervision.PublicCheckpoint] = []
        /// Hash every stored package again (reads every blob).
        public var hashBlobs = false
        /// The auditor's own time: in a statutory directory nothing may be dated after it.
        public var now = Date()
        /// CA roots the auditor holds: evaluation members' certificates must chain to them.
        public var memberTrust: TrustStore?

        public init(receipts: [SignedDocument] = [], checkpoints: [Supervision.PublicCheckpoint] = [], hashBlobs: Bool = false, now: Date = Date(),
                    memberTrust: TrustStore? = nil) {
            self.receipts = receipts
            self.checkpoints = checkpoints
            self.hashBlobs = hashBlobs
            self.now = now
            self.memberTrust = memberTrust
        }
    }

    /// Audits `store`. `platformCertificates` are the certificates checkpoints, receipts and records
    /// may be signed with: give the ones you trust, not those recorded in the data directory.
    public static func run(_ store: any ServiceStore, platformCertificates: [Certificate], evidence: Evidence = Evidence()) throws -> Report {
        var report = Report()
        var byHash: [String: Int64] = [:]
        var hashes: [Int64: String] = [:]
        var bidEvents: [String: [(seq: Int64, at: Date, action: String)]] = [:]
        var creditEvents: [String: (seq: Int64, digest: String)] = [:]
        var partyEvents: [String: (seq: Int64, digest: String)] = [:]
        var profileEvents: [LedgerEvent] = []
        var supervisionEvents: [LedgerEvent] = []
        var latestEvent: LedgerEvent?
        try store.readNow { tx in
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
                    if RegistryState.actions.contains(event.action) { partyEvents[event.object] = (event.seq, event.payloadDigest) }
                    if event.action == DirectoryProfile.action { profileEvents.append(event) }
                    if event.action.hasPrefix("supervision.") || event.action.hasPrefix("tender.objection") { supervisionEvents.append(event) }
                    if event.at > (latestEvent?.at ?? .distantPast) { latestEvent = event }
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
            var receipts: [String: Receipt] = [:]
            for (seq, signed) in try tx.allReceipts() {
                report.receipts += 1
                guard let receipt = try? signed.decode(Receipt.self) else {
                    report.problems.append(.init(seq: seq, kind: "receipt", detail: "a receipt does not parse"))
                    continue
                }
                guard let certificate = certificates[signed.certificateFingerprint] else {
                    report.problems.append(.init(seq: seq, kind: "receipt-signer",
                                                 detail: "receipt \(receipt.receiptId) names a signing certificate \(signed.certificateFingerprint.prefix(16))… that is not a trusted platform certificate"))
                    continue
                }
                guard (try? signed.verify(with: certificate)) == true else {
                    report.problems.append(.init(seq: seq, kind: "receipt", detail: "receipt \(receipt.receiptId) has a bad signature: it was altered"))
                    continue
                }
                receipts[receipt.receiptId] = receipt
                if hashes[receipt.ledger.seq] != receipt.ledger.eventHash {
                    report.problems.append(.init(seq: receipt.ledger.seq, kind: "receipt-mismatch",
                                                 detail: "receipt \(receipt.receiptId) (\(receipt.kind.rawValue), bidder \(receipt.bidder.name)) names an event the ledger does not hold"))
                }
            }
            for bid in try tx.allBids() {
                report.bids += 1
                let event = try tx.ledgerEvent(seq: bid.ledgerSeq)
                for problem in BidBinding.problems(bid, event: event, receipt: receipts[bid.receiptId]) {
                    report.problems.append(.init(seq: bid.ledgerSeq, kind: "bid-binding", detail: "bid \(bid.id) of tender \(bid.tenderId) (\(bid.bidderParty)): \(problem)"))
                }
                let path = store.blobs.path(bid.blob)
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
                if size != bid.size {
                    report.problems.append(.init(seq: bid.ledgerSeq, kind: "bid-blob",
                                                 detail: "bid \(bid.id): its stored package is \(size.map { "\($0) bytes, not \(bid.size)" } ?? "missing")"))
                } else if evidence.hashBlobs, (try? FileInput(path: path).digestString(bid.suite.hash)) != bid.packageDigest {
                    report.problems.append(.init(seq: bid.ledgerSeq, kind: "bid-blob", detail: "bid \(bid.id): its stored package no longer has its digest \(bid.packageDigest)"))
                }
            }
            try checkProfile(profileEvents, tenderProfiles: tx.tenderProfiles(), latestEvent: latestEvent, checkpoints: goodCheckpoints,
                             now: evidence.now, report: &report)
            try checkExternal(evidence, tx: tx, certificates: certificates, hashes: hashes, byHash: byHash, report: &report)
            try checkCredit(tx, events: creditEvents, certificates: certificates, report: &report)
            try checkSupervision(tx, events: supervisionEvents, report: &report)
            try checkRegistry(tx, events: partyEvents, report: &report)
            for evaluation in try tx.evaluations(phase: nil) {
                for problem in try EvaluationIntegrity.problems(tx, tender: evaluation.tenderId, platformCertificates: certificates, memberTrust: evidence.memberTrust) {
                    report.problems.append(.init(seq: nil, kind: "evaluation", detail: "tender \(evaluation.tenderId): \(problem)"))
                }
            }
        }
        report.problems.sort { ($0.seq ?? Int64.max) < ($1.seq ?? Int64.max) }
        return report
    }

    /// The party registry against the ledger: each party's rows (record, roles, status,
    /// certificates and their retirement) must be the state its last `party.*` event recorded
    /// (PartyRegistry), so a role, a certificate or a lifted suspension written from a database
    /// shell is named; a party whose rows are gone is named by its events.
    package static func checkRegistry(_ tx: any StoreTransaction, events: [String: (seq: Int64, digest: String)], report: inout Report) throws {
        var rows = Set<String>()
        for party in try tx.parties(role: nil, status: nil) {
            let object = "party/\(party.id)"
            rows.insert(object)
            guard let state = try tx.registryState(id: party.id) else { continue }
            guard let event = events[object] else {
                report.problems.append(.init(seq: nil, kind: "party", detail: "party \(party.id) is in the registry but no ledger event registered it"))
                continue
            }
            if Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(state))) != event.digest {
                report.problems.append(.init(seq: event.seq, kind: "party",
                                             detail: "party \(party.id)'s registry rows (record, roles, status or certificates) are not what its last ledger event recorded: they were altered"))
            }
        }
        for (object, event) in events where !rows.contains(object) {
            report.problems.append(.init(seq: event.seq, kind: "party-missing", detail: "\(object) was registered but its row is gone"))
        }
    }

    /// E-supervision's cards and statements against the ledger: every card row is the card its
    /// `supervision.card` event recorded (and, once closed, its `supervision.card-closed` event's),
    /// every statement row its `supervision.statement` event's; a card or statement whose row is
    /// gone (deleted to hide a late step) is named by its event.
    package static func checkSupervision(_ tx: any StoreTransaction, events: [LedgerEvent], report: inout Report) throws {
        let bySeq = Dictionary(uniqueKeysWithValues: events.map { ($0.seq, $0) })
        var cardRows = Set<String>()
        var closedRows: [Int64: String] = [:]
        for row in try tx.supervisionCardRows() {
            guard var card = try? JSONDecoder.ebid.decode(SupervisionCard.self, from: Data(row.body.utf8)) else {
                report.problems.append(.init(seq: row.raisedSeq, kind: "supervision-card", detail: "a card row does not parse"))
                continue
            }
            cardRows.insert(card.id)
            if let seq = row.closedSeq { closedRows[seq] = card.id }
            // The column the open-cards view filters on says what the card says.
            if (row.closedAt == nil) != (card.closedAt == nil) || row.closedAt.map({ abs($0.timeIntervalSince(card.closedAt!)) >= 1 }) == true {
                report.problems.append(.init(seq: row.raisedSeq, kind: "supervision-card", detail: "card \(card.id)'s closed_at column does not match the card"))
            }
            let closing = card.closedAt.map { (at: $0, because: card.closedBecause ?? "") }
            card.closedAt = nil
            card.closedBecause = nil
            let raised = bySeq[row.raisedSeq]
            let digest = Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(card)))
            if raised?.action != "supervision.card" || raised?.object != "supervision/cards/\(card.id)" || raised?.payloadDigest != digest {
                report.problems.append(.init(seq: row.raisedSeq, kind: "supervision-card", detail: "card \(card.id) is not the card its ledger event raised: it was altered"))
            }
            struct Closing: Encodable { var id: String; var closedAt: Date; var because: String }
            switch (closing, row.closedSeq) {
            case (nil, nil): break
            case (let closing?, let seq?):
                let event = bySeq[seq]
                let digest = Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(Closing(id: card.id, closedAt: closing.at, because: closing.because))))
                if event?.action != "supervision.card-closed" || event?.payloadDigest != digest {
                    report.problems.append(.init(seq: seq, kind: "supervision-card", detail: "card \(card.id)'s closing is not the one the ledger recorded"))
                }
            default:
                report.problems.append(.init(seq: row.raisedSeq, kind: "supervision-card", detail: "card \(card.id) is closed without a closing event, or the other way round"))
            }
        }
        var raisedIds = Set<String>()
        for event in events where event.action == "supervision.card" {
            let id = String(event.object.dropFirst("supervision/cards/".count))
            if !cardRows.contains(id) {
                report.problems.append(.init(seq: event.seq, kind: "supervision-card-missing", detail: "card \(id) was raised but its row is gone: cards are never deleted"))
            }
            // A card exists once: raised again means its first row was deleted.
            if !raisedIds.insert(id).inserted {
                report.problems.append(.init(seq: event.seq, kind: "supervision-card-missing", detail: "card \(id) was raised twice: its first row was deleted"))
            }
        }
        for event in events where event.action == "supervision.card-closed" && closedRows[event.seq] == nil {
            report.problems.append(.init(seq: event.seq, kind: "supervision-card", detail: "\(event.object) was closed by this event, but no card row says so"))
        }
        // Objections to the documents: each row is what its events recorded (a deleted or answered-by-hand
        // row would stop or close its card), and every raised objection still has its row.
        let objectionEvents = Dictionary(grouping: events.filter { $0.action.hasPrefix("tender.objection") }, by: \.object)
        var objectionRows = Set<String>()
        for tender in try tx.supervisedTenders() {
            for (_, objection) in try tx.documentObjections(tender: tender.id) {
                let object = "tenders/\(tender.id)/document-objections/\(objection.number)"
                objectionRows.insert(object)
                let recorded = objectionEvents[object] ?? []
                let raised = Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(["number": String(objection.number), "text": objection.text])))
                let answered = try objection.answer.map { Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(["text": $0]))) }
                if !recorded.contains(where: { $0.action == "tender.objection" && $0.payloadDigest == raised })
                    || answered.map({ digest in !recorded.contains { $0.action == "tender.objection-answer" && $0.payloadDigest == digest } }) == true
                    || (answered == nil && recorded.contains { $0.action == "tender.objection-answer" }) {
                    report.problems.append(.init(seq: recorded.first?.seq, kind: "document-objection", detail: "\(object) is not what its ledger events recorded"))
                }
            }
        }
        for (object, recorded) in objectionEvents where !objectionRows.contains(object) {
            report.problems.append(.init(seq: recorded.first?.seq, kind: "document-objection", detail: "\(object) was raised but its row is gone"))
        }
        var statementRows = Set<String>()
        for statement in try tx.allSupervisionStatements() {
            statementRows.insert("tenders/\(statement.tenderId)/statements/\(statement.step.rawValue)")
        }
        let statementEvents = events.filter { $0.action == "supervision.statement" }
        for event in statementEvents where !statementRows.contains(event.object) {
            report.problems.append(.init(seq: event.seq, kind: "supervision-statement", detail: "\(event.object) was recorded but its row is gone"))
        }
        for statement in try tx.allSupervisionStatements() {
            let object = "tenders/\(statement.tenderId)/statements/\(statement.step.rawValue)"
            guard let event = statementEvents.first(where: { $0.object == object }),
                  event.payloadDigest == Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(statement))) else {
                report.problems.append(.init(seq: nil, kind: "supervision-statement", detail: "\(object) is not the statement its ledger event recorded: it was altered"))
                continue
            }
        }
    }

    /// The directory keeps its profile (DirectoryProfile): recorded once, every tender created under
    /// it. A statutory directory's clock is the real one: an event or checkpoint dated after the
    /// auditor's time (5 minutes' grace) was made on a clock moved forward — the way a demo clock
    /// would open a tender early.
    package static func checkProfile(_ events: [LedgerEvent], tenderProfiles: Set<String>, latestEvent: LedgerEvent?, checkpoints: [LedgerCheckpoint],
                             now: Date, report: inout Report) {
        guard let first = events.first else {
            if !tenderProfiles.isEmpty {
                report.problems.append(.init(seq: nil, kind: "profile", detail: "the data directory holds tenders but no recorded profile (\(DirectoryProfile.action))"))
            }
            return
        }
        for event in events.dropFirst() where event.object != first.object {
            report.problems.append(.init(seq: event.seq, kind: "profile", detail: "the profile was recorded again, as \(event.object) after \(first.object)"))
        }
        let recorded = String(first.object.dropFirst("profile/".count))
        for profile in tenderProfiles.sorted() where profile != recorded {
            report.problems.append(.init(seq: first.seq, kind: "profile", detail: "tenders created under the \(profile) profile in a directory created for \(recorded)"))
        }
        guard recorded == PolicyProfile.statutory.rawValue else { return }
        let limit = now.addingTimeInterval(300)
        if let latestEvent, latestEvent.at > limit {
            report.problems.append(.init(seq: latestEvent.seq, kind: "dated-in-future",
                                         detail: "\(latestEvent.action) is dated \(iso(latestEvent.at)), after the audit's time \(iso(now)): the service's clock was moved forward"))
        }
        if let checkpoint = checkpoints.max(by: { $0.at < $1.at }), checkpoint.at > limit {
            report.problems.append(.init(seq: checkpoint.seq, kind: "dated-in-future",
                                         detail: "checkpoint \(checkpoint.number) is signed at \(iso(checkpoint.at)), after the audit's time \(iso(now)): the service's clock was moved forward"))
        }
    }

    /// Receipts kept by bidders and checkpoints archived elsewhere must still be in the ledger, as
    /// they were signed: a ledger cut short, re-chained and re-signed with the platform key passes
    /// every check the data directory alone allows — not these.
    package static func checkExternal(_ evidence: Evidence, tx: any StoreTransaction, certificates: [String: Certificate], hashes: [Int64: String],
                              byHash: [String: Int64], report: inout Report) throws {
        for signed in evidence.receipts {
            report.externalReceipts += 1
            guard let receipt = try? signed.decode(Receipt.self) else {
                report.problems.append(.init(seq: nil, kind: "external-receipt", detail: "a receipt given to the audit does not parse"))
                continue
            }
            guard let certificate = certificates[signed.certificateFingerprint], (try? signed.verify(with: certificate)) == true else {
                report.problems.append(.init(seq: nil, kind: "external-receipt",
                                             detail: "receipt \(receipt.receiptId) given to the audit is not signed by a trusted platform certificate"))
                continue
            }
            guard hashes[receipt.ledger.seq] == receipt.ledger.eventHash else {
                report.problems.append(.init(seq: receipt.ledger.seq, kind: "receipt-not-in-ledger",
                                             detail: "\(receipt.bidder.name)'s receipt \(receipt.receiptId) (\(receipt.kind.rawValue), tender \(receipt.tender.id), received \(iso(receipt.receivedAt))) names ledger event \(receipt.ledger.seq) \(receipt.ledger.eventHash.prefix(16))…, which the ledger no longer holds: it was cut or rewritten"))
                continue
            }
            if try tx.receipt(id: receipt.receiptId)?.document != signed.document {
                report.problems.append(.init(seq: receipt.ledger.seq, kind: "receipt-missing",
                                             detail: "\(receipt.bidder.name)'s receipt \(receipt.receiptId) is not in the data directory as it was issued"))
            }
            if receipt.kind != .bidWithdrawn {
                guard let bid = try tx.bid(id: receipt.bid.id) else {
                    report.problems.append(.init(seq: receipt.ledger.seq, kind: "receipt-bid-missing",
                                                 detail: "\(receipt.bidder.name)'s receipt \(receipt.receiptId) names bid \(receipt.bid.id), which the data directory does not hold"))
                    continue
                }
                for problem in BidBinding.problems(bid, event: try tx.ledgerEvent(seq: bid.ledgerSeq), receipt: receipt) {
                    report.problems.append(.init(seq: bid.ledgerSeq, kind: "bid-binding", detail: "bid \(bid.id) against \(receipt.bidder.name)'s own receipt: \(problem)"))
                }
            }
        }
        let stored = Dictionary(try tx.checkpoints(after: 0, limit: Int.max).map { ($0.number, $0) }, uniquingKeysWith: { a, _ in a })
        for archived in evidence.checkpoints {
            report.archivedCheckpoints += 1
            guard let certificate = certificates[archived.certificateFingerprint], archived.isSigned(by: certificate) else {
                report.problems.append(.init(seq: nil, kind: "archived-checkpoint", detail: "archived checkpoint \(archived.number) is not signed by a trusted platform certificate"))
                continue
            }
            if byHash[archived.headHash] == nil {
                report.problems.append(.init(seq: nil, kind: "checkpoint-not-in-ledger",
                                             detail: "archived checkpoint \(archived.number) (\(iso(archived.at))) signed head \(archived.headHash.prefix(16))…, which the ledger no longer holds: it was cut or rewritten"))
            } else if let kept = stored[archived.number], kept.headHash != archived.headHash || Ledger.milliseconds(kept.at) != archived.atMilliseconds {
                report.problems.append(.init(seq: nil, kind: "checkpoint-rewritten", detail: "checkpoint \(archived.number) in the data directory is not the one archived"))
            }
        }
    }

    /// Every credit record: signed by a trusted platform certificate, recorded by the ledger event
    /// whose payload digest is its SM3; and every decision's derived state (what the listings read)
    /// equal to what its records give.
    package static func checkCredit(_ tx: any StoreTransaction, events: [String: (seq: Int64, digest: String)], certificates: [String: Certificate],
                            report: inout Report) throws {
        var records: [CreditRecord] = []
        var after = ""
        while true {
            let page = try tx.signedCreditRecords(after: after, limit: 5000)
            if page.isEmpty { break }
            for (id, signed) in page {
                report.creditRecords += 1
                let event = events["credit/\(id)"]
                if let certificate = certificates[signed.certificateFingerprint] {
                    if (try? signed.verify(with: certificate)) != true {
                        report.problems.append(.init(seq: event?.seq, kind: "credit-signature", detail: "credit record \(id) has a bad signature: it was altered"))
                    }
                } else {
                    report.problems.append(.init(seq: event?.seq, kind: "credit-signature",
                                                 detail: "credit record \(id) names a signing certificate that is not a trusted platform certificate"))
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
    package static func checkDeadlines(_ tenders: [Tender], bidEvents: [String: [(seq: Int64, at: Date, action: String)]],
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
