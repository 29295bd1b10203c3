import BidCore
import BidDomain
import Foundation

/// The credit / bad-behaviour register (信用 / 不良行为记录): decisions about parties, recorded by
/// supervisors, signed by the platform and entered in the ledger; never edited or deleted —
/// corrections, appeal outcomes, revocations and credit repair are new records that reference
/// the newest record of the decision's chain. Only decisions bar a party (no credit score is an
/// eligibility gate, NDRC 2023): bidding, evaluation and agency work consult the current effect.
public struct CreditRegister: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    package var store: any ServiceStore { environment.store }

    /// `seeds/credit-records.json` and `ebid credit import` files.
    public struct File: Codable, Sendable {
        public var format = "ebid-credit-records"
        public var version = 1
        public var records: [CreditRecordInput]

        public init(records: [CreditRecordInput]) { self.records = records }
    }

    /// A record with its platform signature, as served.
    public struct Signed: Codable, Sendable {
        public var record: CreditRecord
        public var signed: SignedDocument.Wire
    }

    // MARK: Recording

    /// Records a decision (or a correction, appeal outcome, revocation, repair); with `lead`,
    /// resolves that open lead as recorded.
    @discardableResult
    public func record(_ input: CreditRecordInput, by actor: Actor, lead: String? = nil) async throws -> Signed {
        try Self.validate(input)
        let now = environment.clock.now()
        let platform = environment.platform
        return try await store.write { tx in
            if let lead {
                guard let found = try tx.creditLead(id: lead), found.status == .open else {
                    throw ServiceError.conflict("credit.lead-not-open", "lead \(lead) is not open")
                }
                guard found.subject.code == input.subject.code else {
                    throw ServiceError.unprocessable("credit.lead-subject", "lead \(lead) concerns \(found.subject.name) (\(found.subject.code)), not \(input.subject.code)")
                }
            }
            let result = try Self.insert(input, tx: tx, at: now, actor: actor, platform: platform)
            if let lead {
                _ = try tx.resolveCreditLead(id: lead, status: .recorded, by: actor.party, at: now, resolution: "recorded as \(result.record.id)",
                                             record: result.record.id)
                try tx.appendLedger(try LedgerEntry(actor: actor, action: "credit.lead.record", object: "credit-lead/\(lead)", tenderId: input.tenderId,
                                                    json: ["record": result.record.id]), at: now)
            }
            return result
        }
    }

    /// Imports records in one transaction: all or none. Records whose id exists already are
    /// skipped, so an import can be run again.
    public func importRecords(_ inputs: [CreditRecordInput], by actor: Actor) async throws -> (imported: Int, skipped: Int) {
        for (index, input) in inputs.enumerated() {
            do { try Self.validate(input) } catch var error as ServiceError {
                error.detail = "record \(index + 1)\(input.id.map { " (\($0))" } ?? ""): \(error.detail)"
                throw error
            }
        }
        let now = environment.clock.now()
        let platform = environment.platform
        return try await store.write { tx in
            var imported = 0
            for (index, input) in inputs.enumerated() {
                if let id = input.id, try tx.creditRecordExists(id: id) { continue }
                do { _ = try Self.insert(input, tx: tx, at: now, actor: actor, platform: platform) } catch var error as ServiceError {
                    error.detail = "record \(index + 1)\(input.id.map { " (\($0))" } ?? ""): \(error.detail)"
                    throw error
                }
                imported += 1
            }
            return (imported, inputs.count - imported)
        }
    }

    /// Checks the record against its chain, signs it, stores it, re-derives the chain, appends the
    /// ledger event — in the caller's transaction.
    package static func insert(_ input: CreditRecordInput, tx: any CreditDeskTransaction, at now: Date, actor: Actor, platform: PlatformSigner) throws -> Signed {
        guard input.decisionDate <= now else {
            throw ServiceError.unprocessable("credit.invalid", "the decision date \(iso(input.decisionDate)) is in the future")
        }
        let id = input.id ?? "CR-\(UUID().uuidString.prefix(12).lowercased())"
        if try tx.creditRecordExists(id: id) {
            throw ServiceError.conflict("credit.exists", "credit record \(id) exists already; records are never changed: add one that references it")
        }
        var chainId = id
        if input.kind != .decision {
            guard let reference = input.references else { throw ServiceError.unprocessable("credit.invalid", "a \(input.kind.rawValue) must reference a record") }
            guard let referenced = try tx.creditRecords(subject: input.subject.code).first(where: { $0.id == reference }) else {
                throw ServiceError.unprocessable("credit.unknown-reference", "there is no record \(reference) about \(input.subject.code)")
            }
            let history = try tx.creditRecords(chain: referenced.chain)
            guard let chain = CreditEffect.chain(history) else {
                throw ServiceError.unprocessable("credit.unknown-reference", "record \(reference) belongs to no decision")
            }
            guard chain.head.id == reference else {
                throw ServiceError.conflict("credit.reference-superseded", "record \(reference) has been followed by \(chain.head.id): reference the newest record of decision \(chain.id)")
            }
            guard chain.status == .inForce || input.kind == .repair && chain.status == .repaired else {
                throw ServiceError.conflict("credit.chain-closed", "decision \(chain.id) is \(chain.status.rawValue): nothing more can change it")
            }
            if input.kind == .repair, chain.restricts(chain.penalty.kind, at: input.decisionDate) {
                throw ServiceError.unprocessable("credit.repair-restriction-active",
                                                 "the \(chain.penalty.kind.rawValue) of decision \(chain.id) is in force on \(iso(input.decisionDate)): credit repair comes after it ends (or an appeal or revocation)")
            }
            if input.kind == .appeal, input.outcome == .varied, let violation = CreditTerms.violation(category: chain.content.input.category, penalty: input.penalty) {
                throw ServiceError.unprocessable("credit.term-out-of-bounds", violation)
            }
            chainId = chain.id
        }
        let record = CreditRecord(id: id, chain: chainId, input: input, recordedAt: now, recordedBy: actor.party,
                                  platformCertificateFingerprint: platform.certificate.fingerprint)
        let signed = try platform.signDocument(record)
        try tx.insertCreditRecord(record, signed: signed)
        guard let chain = CreditEffect.chain(try tx.creditRecords(chain: chainId)) else {
            throw ServiceError(status: 500, code: "credit.chain-broken", title: "Internal error", detail: "decision \(chainId) cannot be derived")
        }
        try Self.saveChain(chain, tx: tx)
        try tx.appendLedger(LedgerEntry(actor: actor, action: "credit.\(input.kind.rawValue)", object: "credit/\(id)", tenderId: input.tenderId,
                                        payload: signed.document), at: now)
        return Signed(record: record, signed: signed.wire)
    }

    /// Stores a decision's derived state and rewrites its subject's page source (both subjects',
    /// were a decision ever to change subject): the page sources are derived here, in the register,
    /// the store only keeps them.
    package static func saveChain(_ chain: CreditChain, tx: any CreditDeskTransaction) throws {
        let previous = try tx.saveCreditChain(chain)
        for code in [chain.state.current.subject.code] + (previous.map { [$0] } ?? []) {
            try tx.setCreditSubjectPageSource(subject: code, SubjectPageSource.source(try tx.creditPageRows(subject: code)))
        }
    }

    /// Rules that need nothing but the record: required fields, the subject, the penalty and its
    /// term against the law's bounds for the category.
    package static func validate(_ input: CreditRecordInput) throws {
        func invalid(_ detail: String) -> ServiceError { .unprocessable("credit.invalid", detail) }
        switch input.subject.kind {
        case .organization:
            do { _ = try UnifiedSocialCreditCode(input.subject.code) } catch let error as BidCoreError { throw invalid(error.reason) }
        case .person:
            guard (1...64).contains(input.subject.code.count), input.subject.code.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
                throw invalid("a person is identified by an id of letters, digits and dashes")
            }
        }
        for (field, value) in [("facts", input.facts), ("legalBasis", input.legalBasis), ("decisionNumber", input.decisionNumber),
                               ("authority", input.authority), ("subject.name", input.subject.name)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw invalid("\(field) is required")
        }
        if input.facts.count > 10_000 { throw invalid("facts are limited to 10,000 characters") }
        if let id = input.id, !(1...64).contains(id.count) || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            throw invalid("a record id is 1…64 letters, digits, dashes or underscores")
        }
        switch input.kind {
        case .decision:
            if input.references != nil { throw invalid("a decision references nothing; corrections, appeals, revocations and repairs do") }
        case .appeal:
            guard input.references != nil, let outcome = input.outcome else { throw invalid("an appeal references the record it concerns and gives its outcome (upheld, varied, quashed)") }
            if outcome != .varied, input.penalty.kind != .none { throw invalid("an appeal \(outcome.rawValue) carries no penalty of its own (penalty: none)") }
        case .correction:
            guard input.references != nil else { throw invalid("a correction must reference the record it corrects") }
        case .revocation, .repair:
            guard input.references != nil else { throw invalid("a \(input.kind.rawValue) must reference the record it changes") }
            if input.penalty.kind != .none { throw invalid("a \(input.kind.rawValue) carries no penalty (penalty: none)") }
        }
        if input.kind != .appeal, input.outcome != nil { throw invalid("only appeals have an outcome") }
        let penalty = input.penalty
        if penalty.kind == .fine {
            guard let amount = penalty.fineAmount, BidSummary.isValidPrice(amount) else { throw invalid("a fine needs fineAmount, a decimal amount in yuan") }
        } else if penalty.fineAmount != nil {
            throw invalid("fineAmount belongs to fines only")
        }
        guard penalty.kind.isRestriction else {
            if penalty.start != nil || penalty.end != nil || penalty.permanent != nil { throw invalid("only restrictions have a term") }
            return
        }
        let subjectKind: PartyRecord.Kind = penalty.kind == .evaluationBan ? .person : .organization
        guard input.subject.kind == subjectKind else {
            throw invalid("\(penalty.kind.rawValue) applies to \(subjectKind == .person ? "a person (an expert)" : "an organisation"), not to a \(input.subject.kind.rawValue)")
        }
        guard penalty.start != nil else { throw invalid("a restriction needs its start") }
        if penalty.permanent == true, penalty.end != nil { throw invalid("a permanent restriction has no end") }
        guard penalty.permanent == true || penalty.end != nil else { throw invalid("a restriction needs its end, or permanent: true") }
        if let start = penalty.start, let end = penalty.end, end <= start { throw invalid("the restriction must end after it starts") }
        if input.kind != .appeal || input.outcome == .varied, let violation = CreditTerms.violation(category: input.category, penalty: penalty) {
            throw ServiceError.unprocessable("credit.term-out-of-bounds", violation)
        }
    }

    // MARK: Effects

    /// The decision that currently restricts `code` from `kind`, if any.
    public func activeRestriction(subject code: String, kind: PenaltyKind, at time: Date? = nil) async throws -> CreditChain? {
        let when = time ?? environment.clock.now()
        let records = try await store.read { try $0.creditRecords(subject: code) }
        return CreditEffect.activeRestriction(records, kind: kind, at: when)
    }

    /// The experts a draw must leave out: an active evaluation ban, or an active debarment
    /// (RULES.md: the expert draw excludes them). Keyed by party id.
    public func barredFromEvaluation(_ experts: [Party], at time: Date? = nil) async throws -> [String: CreditChain] {
        let when = time ?? environment.clock.now()
        return try await store.read { tx in
            var barred: [String: CreditChain] = [:]
            for expert in experts {
                if let bar = try Self.evaluationBars(expert, tx: tx, at: when).first { barred[expert.id] = bar.chain }
            }
            return barred
        }
    }

    /// The decisions that bar `party` from evaluating at `time`: an evaluation ban, then a
    /// debarment (the draw's exclusions and the representatives' check read this too).
    package static func evaluationBars(_ party: Party, tx: any CreditDeskTransaction, at time: Date) throws -> [(kind: PenaltyKind, chain: CreditChain)] {
        let records = try tx.creditRecords(subject: party.subjectCode)
        return [PenaltyKind.evaluationBan, .debarment].compactMap { kind in CreditEffect.activeRestriction(records, kind: kind, at: time).map { (kind, $0) } }
    }

    /// The restrictions in force on a party now (shown at login; not a score).
    package static func restrictions(of party: Party, tx: any CreditDeskTransaction, at time: Date) throws -> [CreditEntry] {
        CreditEffect.chains(try tx.creditRecords(subject: party.subjectCode)).filter { chain in
            PenaltyKind.allCases.contains { chain.restricts($0, at: time) }
        }.map { CreditEntry($0.state, at: time, history: nil) }
    }

    // MARK: Reading (public)

    /// The public listing: records in their publication window now, newest decision first.
    public func listing(category: CreditCategory?, subject: String?, from: Date?, to: Date?, before: (Date, String)?, limit: Int) async throws -> CreditListing {
        try await decisions(CreditChainQuery(category: category, subject: subject, from: from, to: to, before: before), listed: true, limit: limit)
    }

    package func decisions(_ query: CreditChainQuery, listed: Bool, limit: Int) async throws -> CreditListing {
        let now = environment.clock.now()
        var query = query
        query.listedAt = listed ? now : nil
        query.limit = min(max(limit, 1), 500) + 1
        let asked = query
        let states = try await store.read { try $0.creditDecisions(asked) }
        let entries = states.prefix(query.limit - 1).map { CreditEntry($0, at: now, history: nil) }
        let next = states.count == query.limit ? entries.last.map { CreditListing.Cursor(decisionDate: $0.listedFrom, id: $0.id) } : nil
        return CreditListing(at: now, records: Array(entries), next: next)
    }

    /// A subject's page, free of charge to anyone: its restrictions in force and every published
    /// decision about it — still listed or not (RULES.md: queryable after the window).
    public func subjectPage(_ code: String, history: Bool) async throws -> SubjectPage {
        let now = environment.clock.now()
        let entries = try await store.read { tx in
            let entries = try tx.creditDecisions(subject: code).filter(\.isPublic).map { state in
                CreditEntry(state, at: now, history: history ? try tx.creditRecords(chain: state.id) : nil)
            }
            if entries.isEmpty { try Self.requireKnown(code, tx: tx) }
            return entries
        }
        return SubjectPage(subject: code, at: now, entries: entries)
    }

    /// A subject without published decisions has a page only if it is a registered party: any
    /// other code is unknown (404), so a typing error is not read as a clean record. (Unpublished
    /// decisions do not make a subject known to the public.)
    package static func requireKnown(_ code: String, tx: any CreditDeskTransaction) throws {
        guard try tx.party(subjectCode: code) == nil else { return }
        throw ServiceError.notFound("credit.subject-unknown", "no party with the code \(code) is registered and no published decision names it")
    }

    /// The same page (without history) as JSON, written from the subject's page source: one row
    /// read, and only what depends on the time written now (SubjectPageSource).
    public func subjectPageJSON(_ code: String) async throws -> [UInt8] {
        let now = environment.clock.now()
        let source = try await store.read { tx in
            let source = try tx.creditSubjectPageSource(subject: code)
            if source == nil { try Self.requireKnown(code, tx: tx) }
            return source
        }
        return try SubjectPageSource.render(subject: code, source: source, at: now)
    }

    /// A record with its signature: public records to anyone, every record to supervisors.
    public func signedRecord(id: String, for identity: Identity?) async throws -> Signed {
        let supervisor = identity?.party.roles.contains(.supervisor) == true
        let found = try await store.read { tx -> (CreditRecord, SignedDocument, CreditChain?)? in
            guard let signed = try tx.signedCreditRecord(id: id) else { return nil }
            let record = try signed.decode(CreditRecord.self)
            return (record, signed, CreditEffect.chain(try tx.creditRecords(chain: record.chain)))
        }
        guard let (record, signed, chain) = found, supervisor || chain?.isPublic == true else {
            throw ServiceError.notFound("credit.not-found", "there is no published credit record \(id)")
        }
        return Signed(record: record, signed: signed.wire)
    }

    // MARK: Reading (supervisors)

    /// Everything about a subject: every decision with its full history, the ledger events that
    /// touched each record (with the checkpoint that covers each), and the leads about it.
    public func supervisorFile(_ code: String) async throws -> SupervisorSubjectFile {
        let now = environment.clock.now()
        return try await store.read { tx in
            let chains = CreditEffect.chains(try tx.creditRecords(subject: code))
            let files = try chains.map { chain -> SupervisorSubjectFile.Decision in
                let events = try tx.ledgerEvents(LedgerQuery(objects: chain.history.map { "credit/\($0.id)" }, limit: 1000))
                return .init(entry: CreditEntry(chain.state, at: now, history: chain.history), events: try events.map { try LedgerEventView($0, tx: tx) })
            }
            let leads = try tx.creditLeads(status: nil, tender: nil, limit: 100_000).filter { $0.subject.code == code }
            if chains.isEmpty, leads.isEmpty, try tx.party(subjectCode: code) == nil {
                throw ServiceError.notFound("credit.subject-unknown", "no party with the code \(code) is registered and no decision or lead names it")
            }
            return SupervisorSubjectFile(subject: code, at: now, decisions: files, leads: leads)
        }
    }

    /// Every decision (listed or not), newest first, with filters.
    public func allDecisions(category: CreditCategory?, subject: String?, from: Date?, to: Date?, before: (Date, String)?, limit: Int) async throws -> CreditListing {
        try await decisions(CreditChainQuery(category: category, subject: subject, from: from, to: to, before: before), listed: false, limit: limit)
    }

    // MARK: Leads

    public func leads(status: CreditLeadStatus?, tender: String?) async throws -> [CreditLead] {
        try await store.read { try $0.creditLeads(status: status, tender: tender, limit: 10_000) }
    }

    public func dismiss(lead id: String, reason: String, by actor: Actor) async throws -> CreditLead {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, reason.count <= 5000 else {
            throw ServiceError.unprocessable("credit.lead-reason", "a dismissal needs its reason (at most 5000 characters)")
        }
        let now = environment.clock.now()
        return try await store.write { tx in
            guard let lead = try tx.creditLead(id: id) else { throw ServiceError.notFound("credit.lead-not-found", "there is no lead \(id)") }
            guard try tx.resolveCreditLead(id: id, status: .dismissed, by: actor.party, at: now, resolution: reason, record: nil) else {
                throw ServiceError.conflict("credit.lead-not-open", "lead \(id) is \(lead.status.rawValue) already")
            }
            try tx.appendLedger(try LedgerEntry(actor: actor, action: "credit.lead.dismiss", object: "credit-lead/\(id)", tenderId: lead.tenderId,
                                                json: ["reason": reason]), at: now)
            return try tx.creditLead(id: id)!
        }
    }

    /// Raises a lead in the caller's transaction, pointing at the ledger event that raised it.
    @discardableResult
    package static func raiseLead(_ kind: CreditLeadKind, about party: Party, tender: String?, summary: String, evidence: some Encodable, event: LedgerEvent,
                          tx: any CreditDeskTransaction) throws -> CreditLead {
        let subject = CreditRecordInput.Subject(kind: party.kind, code: party.subjectCode, name: party.name)
        let lead = CreditLead(id: "LD-\(UUID().uuidString.prefix(12).lowercased())", kind: kind, status: .open, subject: subject, partyId: party.id,
                              tenderId: tender, summary: summary, evidence: String(decoding: try JSONEncoder.ebid.encode(evidence), as: UTF8.self),
                              ledgerSeq: event.seq, createdAt: event.at)
        try tx.insertCreditLead(lead)
        return lead
    }
}

extension CreditChain {
    /// The problem a restricted party gets: the decision that bars it, by number and authority.
    package func refusal(_ code: String) -> ServiceError {
        let input = content.input
        let what: String
        switch penalty.kind {
        case .debarment: what = "debarred from bidding"
        case .evaluationBan: what = "banned from evaluation"
        case .agencyBan: what = "banned from acting as tendering agency"
        default: what = "restricted"
        }
        let until = penalty.permanent == true ? "permanently" : "until \(penalty.end.map(iso) ?? "?")"
        var error = ServiceError.forbidden(code, "\(input.subject.name) is \(what) \(until) by decision \(input.decisionNumber) of \(input.authority) (credit record \(id))")
        error.extra = ["creditRecord": id, "decisionNumber": input.decisionNumber, "authority": input.authority]
        return error
    }
}

/// A decision as queries show it: its current content and effect, and (on request) its history.
public struct CreditEntry: Codable, Sendable, Equatable {
    public var id: String
    /// The decision as it stands: the latest content, with the penalty in effect.
    public var current: CreditRecordInput
    public var status: CreditChainStatus
    /// A restriction in force now.
    public var restricting: Bool
    /// In the public listings now.
    public var listed: Bool
    public var listedFrom: Date
    public var listedUntil: Date?
    /// The newest record of the chain (what a new record must reference).
    public var head: String
    public var history: [CreditRecord]?

    public init(_ state: CreditDecisionState, at time: Date, history: [CreditRecord]?) {
        id = state.id
        current = state.current
        status = state.status
        restricting = PenaltyKind.allCases.contains { state.restricts($0, at: time) }
        listed = state.isListed(at: time)
        listedFrom = state.listedFrom
        listedUntil = state.listedUntil
        head = state.head
        self.history = history
    }
}

public struct CreditListing: Codable, Sendable {
    public struct Cursor: Codable, Sendable, Equatable {
        public var decisionDate: Date
        public var id: String
    }
    public var at: Date
    public var records: [CreditEntry]
    /// Pass as `beforeDate` and `beforeId` for the next page.
    public var next: Cursor?
}

public struct SubjectPage: Codable, Sendable {
    /// A restriction in force, in short (the decision is among `records`).
    public struct Restriction: Codable, Sendable, Equatable {
        public var id: String
        public var kind: PenaltyKind
        public var start: Date?
        public var end: Date?
        public var permanent: Bool?
        public var decisionNumber: String
        public var authority: String

        package init(_ entry: CreditEntry) {
            id = entry.id
            kind = entry.current.penalty.kind
            start = entry.current.penalty.start
            end = entry.current.penalty.end
            permanent = entry.current.penalty.permanent
            decisionNumber = entry.current.decisionNumber
            authority = entry.current.authority
        }
    }

    public var subject: String
    public var name: String?
    public var at: Date
    /// Restrictions in force now.
    public var activeRestrictions: [Restriction]
    /// Every published decision about the subject, listed now or not.
    public var records: [CreditEntry]

    package init(subject: String, at time: Date, entries: [CreditEntry]) {
        self.subject = subject
        name = entries.last?.current.subject.name
        at = time
        records = entries
        activeRestrictions = entries.filter(\.restricting).map(Restriction.init)
    }
}

public struct SupervisorSubjectFile: Codable, Sendable {
    public struct Decision: Codable, Sendable {
        public var entry: CreditEntry
        /// The ledger events that recorded each record of the decision.
        public var events: [LedgerEventView]
    }
    public var subject: String
    public var at: Date
    public var decisions: [Decision]
    public var leads: [CreditLead]
}

/// A ledger event as supervisors see it: what happened, when, by whom, and its hash — but not
/// its position in the chain (`seq`) nor the hash of the event before it (`previousHash`): both
/// would show where events are withheld, and how many (Law art. 22; docs/ledger.md, "Views").
public struct LedgerEventSummary: Codable, Sendable, Equatable {
    public var action: String
    public var actor: Actor
    public var at: Date
    public var hash: String
    public var object: String
    public var payloadDigest: String
    public var tenderId: String?

    package init(_ event: LedgerEvent) {
        action = event.action
        actor = event.actor
        at = event.at
        hash = event.hash
        object = event.object
        payloadDigest = event.payloadDigest
        tenderId = event.tenderId
    }
}

/// A ledger event with the checkpoint that covers it (nil until one is signed).
public struct LedgerEventView: Codable, Sendable, Equatable {
    public struct CheckpointRef: Codable, Sendable, Equatable {
        public var number: Int64
        public var at: Date
        public var headHash: String
    }
    public var event: LedgerEventSummary
    public var checkpoint: CheckpointRef?

    package init(_ event: LedgerEvent, tx: any CreditDeskTransaction) throws {
        self.init(event, checkpoint: try tx.checkpoint(covering: event.seq))
    }

    package init(_ event: LedgerEvent, checkpoint: LedgerCheckpoint?) {
        self.event = LedgerEventSummary(event)
        self.checkpoint = checkpoint.map { CheckpointRef(number: $0.number, at: $0.at, headHash: $0.headHash) }
    }
}

public struct LedgerPage: Codable, Sendable {
    public var events: [LedgerEventView]
    /// Pass as `after` for the next page: an opaque cursor (the last event shown).
    public var next: String?
}
