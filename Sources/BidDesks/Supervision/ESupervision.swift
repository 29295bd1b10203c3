import BidCore
import BidDomain
import Foundation

/// E-supervision (电子监察, 过程全监督): every time limit of RULES.md is a rule (TimeLimitRule); the
/// monitor (`scan`, run by SupervisionService) works out each step's obligation from the stored
/// state and raises, by itself, a reminder (催办) before a limit, a yellow card when it is missed,
/// a red card when it is missed by more than the centre's margin or by a party already carded;
/// a card is closed when its step is done, and never deleted. Anomalies (collusion signals, a
/// tender failed twice, bids lost through the platform's fault, the platform's own errors) are
/// alerts. Every raising and closing is a ledger event whose payload digest binds the card row.
///
/// Nothing here reads a bid before the deadline: obligations come from tenders, openings,
/// evaluations and statements; collusion signals and opening failures exist only after the opening.
public struct ESupervision: Sendable {
    package let environment: ServiceEnvironment
    /// The centre's card policy (ServiceEnvironment.supervisionPolicy unless given).
    public var policy: SupervisionPolicy

    public init(_ environment: ServiceEnvironment, policy: SupervisionPolicy? = nil) {
        self.environment = environment
        self.policy = policy ?? environment.supervisionPolicy
    }

    // MARK: Obligations

    /// How long after the deadline the opening may start before it is late (the opening service
    /// starts it within seconds; a host may start it by hand).
    package static func openingGrace(_ profile: PolicyProfile) -> TimeInterval { profile == .demo ? 10 : 600 }

    /// Every watched step of every public tender, as the stored state says now. A scan reads the
    /// tenders once without their specs, the openings once, and a tender's amendments, objections,
    /// evaluation and statements only where there are any.
    package static func obligations(_ tx: any SupervisionDeskTransaction, now: Date) throws -> [Obligation] {
        var result: [Obligation] = []
        let openings = try tx.openingTimes()
        let (amended, objected, stated) = try tx.tendersWithSupervisedItems()
        for tender in try tx.supervisedTenders() {
            let day = tender.profile.day
            func add(_ step: SupervisedStep, _ suffix: String = "", started: Date, due: Date, done: Date?) {
                result.append(Obligation(key: "\(tender.id)/\(step.rawValue)\(suffix)", step: step, tenderId: tender.id, responsible: tender.owner,
                                         agency: tender.agency, startedAt: started, dueAt: due, doneAt: done))
            }
            // Published amendments (a draft may never be published: it is no step yet). The service
            // itself moves the deadline of a late one (Law art. 23), so these are on time by construction.
            if amended.contains(tender.id) {
                for amendment in try tx.amendments(tender: tender.id) where amendment.status == .published {
                    let deadline = amendment.newDeadline ?? amendment.previousDeadline
                    add(.amendmentNotice, "/\(amendment.number)", started: amendment.createdAt, due: deadline.addingTimeInterval(-15 * day), done: amendment.publishedAt)
                }
            }
            // Objections to the documents are judged once the deadline has passed: before it, a card
            // or a figure would tell that potential bidders exist (Law art. 22). Who objected is never
            // part of the obligation.
            if objected.contains(tender.id), tender.status != .published || tender.deadline <= now {
                for (_, objection) in try tx.documentObjections(tender: tender.id) {
                    add(.documentObjectionAnswered, "/\(objection.number)", started: objection.raisedAt, due: objection.raisedAt.addingTimeInterval(3 * day),
                        done: objection.answeredAt)
                }
            }
            let opening = openings[tender.id]
            add(.openingAtDeadline, started: tender.deadline, due: tender.deadline.addingTimeInterval(openingGrace(tender.profile)), done: opening?.startedAt)
            guard tender.status == .opened, let opened = opening?.completedAt else { continue }
            let state = try tx.evaluation(tender: tender.id)
            if let days = try tx.tender(id: tender.id)?.spec.evaluationDays {
                add(.evaluationDeadline, started: opened, due: opened.addingTimeInterval(TimeInterval(days) * day), done: state?.reportedAt)
            }
            guard let state else { continue }
            if let reported = state.reportedAt {
                add(.candidatesPublished, started: reported, due: reported.addingTimeInterval(3 * day), done: state.publicityFrom)
            }
            for objection in state.resultObjections {
                add(.resultObjectionAnswered, "/\(objection.number)", started: objection.raisedAt, due: objection.raisedAt.addingTimeInterval(3 * day),
                    done: objection.answeredAt)
            }
            guard let awarded = state.awardedAt else { continue }
            let statements = stated.contains(tender.id)
                ? Dictionary(try tx.supervisionStatements(tender: tender.id).map { ($0.step, $0) }, uniquingKeysWith: { first, _ in first }) : [:]
            // A step the platform does not see is done, for the watch, when its statement is recorded:
            // a late statement cannot backdate itself into an on-time step (its `doneAt` is the owner's word).
            add(.contractSigned, started: awarded, due: awarded.addingTimeInterval(30 * day), done: statements[.contractSigned]?.recordedAt)
            add(.reportFiled, started: awarded, due: awarded.addingTimeInterval(15 * day), done: statements[.reportFiled]?.recordedAt)
            if let contract = statements[.contractSigned] {
                add(.securityReturned, started: contract.doneAt, due: contract.doneAt.addingTimeInterval(5 * day), done: statements[.securityReturned]?.recordedAt)
            }
        }
        return result
    }

    // MARK: The monitor

    public struct ScanResult: Sendable, Equatable {
        public var raised: [SupervisionCard] = []
        public var closed: [String] = []
    }

    /// Raises and closes cards for what the state says now (idempotent: a card exists once).
    @discardableResult
    public func scan() async throws -> ScanResult {
        let now = environment.clock.now()
        let policy = self.policy
        let actor = environment.platformActor
        let faults = environment.faults.take()
        return try await environment.store.write { tx in
            var result = ScanResult()
            var cards = Dictionary(try tx.supervisionCards(open: nil, tender: nil, limit: Int.max).map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            func raise(_ card: SupervisionCard) throws {
                guard cards[card.id] == nil else { return }
                let event = try tx.appendLedger(try LedgerEntry(actor: actor, action: "supervision.card", object: "supervision/cards/\(card.id)", tenderId: card.tenderId,
                                                                json: card), at: now)
                try tx.insertSupervisionCard(card, raisedSeq: event.seq)
                cards[card.id] = card
                result.raised.append(card)
            }
            func close(_ id: String, because: String) throws {
                guard let card = cards[id], card.closedAt == nil else { return }
                struct Closing: Encodable { var id: String; var closedAt: Date; var because: String }
                let event = try tx.appendLedger(try LedgerEntry(actor: actor, action: "supervision.card-closed", object: "supervision/cards/\(id)", tenderId: card.tenderId,
                                                                json: Closing(id: id, closedAt: now, because: because)), at: now)
                try tx.closeSupervisionCard(id: id, at: now, because: because, closedSeq: event.seq)
                var closed = card
                closed.closedAt = now
                closed.closedBecause = because
                cards[id] = closed
                result.closed.append(id)
            }
            let tenders = try tx.supervisedTenders()
            let profiles = Dictionary(tenders.map { ($0.id, $0.profile) }, uniquingKeysWith: { first, _ in first })
            for obligation in try Self.obligations(tx, now: now) {
                let rule = TimeLimitRule.rule(obligation.step)
                let day = (profiles[obligation.tenderId] ?? .statutory).day
                let yearAgo = now.addingTimeInterval(-365 * day)
                func seconds(_ days: ExactDecimal) -> TimeInterval {
                    TimeInterval(Int((days * ExactDecimal(Int(day))).rounded(places: 0).description) ?? 0)
                }
                func card(_ level: CardLevel, _ text: String) -> SupervisionCard {
                    SupervisionCard(id: "\(obligation.key)/\(level.rawValue)", level: level, subject: obligation.key, step: obligation.step, anomaly: nil,
                                    article: rule.article, tenderId: obligation.tenderId, responsible: obligation.responsible, dueAt: obligation.dueAt,
                                    raisedAt: now, text: text)
                }
                // Steps missed before (one step's yellow and red count once).
                let priorCards = Set(cards.values.filter {
                    $0.responsible == obligation.responsible && ($0.level == .yellow || $0.level == .red) && $0.raisedAt > yearAgo && $0.subject != obligation.key
                }.map(\.subject)).count
                let reference = obligation.doneAt ?? now
                if obligation.doneAt == nil, now >= obligation.dueAt.addingTimeInterval(-seconds(policy.reminderDays)), now < obligation.dueAt {
                    try raise(card(.reminder, "催办：\(rule.title)，期限 \(BeijingTime.minute(obligation.dueAt))"))
                }
                if reference > obligation.dueAt {
                    try raise(card(.yellow, "黄牌：\(rule.title)，期限 \(BeijingTime.minute(obligation.dueAt)) 已过"))
                    if reference > obligation.dueAt.addingTimeInterval(seconds(policy.redAfterDays)) || priorCards >= policy.redAfterCards {
                        let why = priorCards >= policy.redAfterCards ? "一年内已有 \(priorCards) 个环节逾期" : "逾期超过 \(policy.redAfterDays) 日"
                        try raise(card(.red, "红牌：\(rule.title)，\(why)"))
                    }
                }
                if let done = obligation.doneAt {
                    for level in [CardLevel.reminder, .yellow, .red] {
                        try close("\(obligation.key)/\(level.rawValue)", because: "done at \(iso(done))")
                    }
                }
            }
            // Anomalies: after the opening only, looked for during the 7 statutory days after it
            // completed (signals and failures are fixed when it completes; the scan runs every 30 s).
            let openings = try tx.openingTimes()
            for tender in tenders where tender.status == .opened || tender.status == .failed {
                guard let completed = openings[tender.id]?.completedAt, now.timeIntervalSince(completed) <= 7 * tender.profile.day else { continue }
                func alert(_ kind: String, _ article: String, _ text: String) throws {
                    try raise(SupervisionCard(id: "\(tender.id)/anomaly/\(kind)", level: .alert, subject: "\(tender.id)/anomaly/\(kind)", step: nil, anomaly: kind,
                                              article: article, tenderId: tender.id, responsible: tender.owner, dueAt: nil, raisedAt: now, text: text))
                }
                let signals = try tx.signals(tender: tender.id)
                if !signals.isEmpty {
                    try alert("collusion", "《实施条例》第四十条", "预警：开标发现 \(signals.count) 项串通投标迹象（\(Set(signals.map(\.kind.rawValue)).sorted().joined(separator: ", "))），请评标委员会和监督人员关注")
                }
                if tender.status == .failed, let previous = try tx.tender(id: tender.id)?.spec.retenderOf, try tx.tender(id: previous)?.status == .failed {
                    try alert("failed-twice", "《招标投标法》第二十八条；《实施条例》第四十四条", "预警：\(previous) 重新招标后再次流标")
                }
                let lost = try tx.openingBids(tender: tender.id).filter { $0.failure?.fault == .platform }
                if !lost.isEmpty {
                    try alert("platform-fault", "《电子招标投标办法》第三十一条", "预警：\(lost.count) 份投标因平台原因未能解密，视为撤回")
                }
            }
            if faults.count > 0 {
                let id = "platform/errors/\(Ledger.milliseconds(now))"
                try raise(SupervisionCard(id: id, level: .alert, subject: "platform/errors", step: nil, anomaly: "platform-errors", article: "《电子招标投标办法》第四十九条",
                                          tenderId: nil, responsible: nil, dueAt: nil, raisedAt: now,
                                          text: "预警：平台自身错误 \(faults.count) 次（最近：\(faults.last ?? "")）"))
            }
            return result
        }
    }

    // MARK: The supervisors' desk

    public func alerts(open: Bool?, tender: String?, limit: Int) async throws -> [SupervisionCard] {
        try await environment.store.read { try $0.supervisionCards(open: open, tender: tender, limit: limit) }
    }

    /// Efficiency figures (效能评估) for one scope: the centre, an agency (the tender's owner), a step.
    public struct EfficiencyRow: Codable, Sendable, Equatable {
        public var scope: String
        public var name: String
        /// Steps whose limit has passed or which are done.
        public var steps: Int
        public var done: Int
        public var onTime: Int
        /// Overdue and not done.
        public var overdue: Int
        public var onTimePercent: ExactDecimal?
        /// Delays of the steps done late or still overdue, in statutory days (2 decimals).
        public var averageDelayDays: ExactDecimal?
        public var worstDelayDays: ExactDecimal?
        public var cardsRaised: Int
        public var cardsClosed: Int
    }

    public struct EfficiencyReport: Codable, Sendable, Equatable {
        public var at: Date
        public var rows: [EfficiencyRow]
        public var summary: EfficiencySummary { rows.first.map { EfficiencySummary(steps: $0.steps, onTime: $0.onTime, onTimePercent: $0.onTimePercent) } ?? EfficiencySummary(steps: 0, onTime: 0, onTimePercent: nil) }
    }

    public func efficiency() async throws -> EfficiencyReport {
        let now = environment.clock.now()
        return try await environment.store.read { tx in
            let obligations = try Self.obligations(tx, now: now).filter { $0.doneAt != nil || $0.dueAt <= now }
            let cards = try tx.supervisionCards(open: nil, tender: nil, limit: Int.max).filter { $0.level != .alert }
            let profiles = Dictionary(try tx.supervisedTenders().map { ($0.id, $0.profile) }, uniquingKeysWith: { first, _ in first })
            var names: [String: String] = [:]
            for id in Set(obligations.map(\.responsible)) { names[id] = try tx.party(id: id)?.name ?? id }
            func row(_ scope: String, _ name: String, _ items: [Obligation], _ cards: [SupervisionCard]) -> EfficiencyRow {
                let done = items.filter { $0.doneAt != nil }
                let onTime = done.filter { $0.onTime == true }.count
                let delays = items.compactMap { item -> ExactDecimal? in
                    let end = item.doneAt ?? now
                    guard end > item.dueAt else { return nil }
                    let day = (profiles[item.tenderId] ?? .statutory).day
                    return ExactDecimal(Int(end.timeIntervalSince(item.dueAt))).divided(by: ExactDecimal(Int(day)), places: 2)
                }
                return EfficiencyRow(scope: scope, name: name, steps: items.count, done: done.count, onTime: onTime,
                                     overdue: items.filter { $0.doneAt == nil && $0.dueAt <= now }.count,
                                     onTimePercent: items.isEmpty ? nil : (ExactDecimal(onTime) * .hundred).divided(by: ExactDecimal(items.count), places: 1),
                                     averageDelayDays: delays.isEmpty ? nil : ExactDecimal.sum(delays).divided(by: ExactDecimal(delays.count), places: 2),
                                     worstDelayDays: delays.max(), cardsRaised: cards.count, cardsClosed: cards.filter { $0.closedAt != nil }.count)
            }
            var rows = [row("centre", "全中心", obligations, cards)]
            for party in Set(obligations.map(\.responsible)).sorted() {
                rows.append(row("party", names[party] ?? party, obligations.filter { $0.responsible == party }, cards.filter { $0.responsible == party }))
            }
            for step in SupervisedStep.allCases {
                let items = obligations.filter { $0.step == step }
                guard !items.isEmpty else { continue }
                rows.append(row("step", step.rawValue, items, cards.filter { $0.step == step }))
            }
            return EfficiencyReport(at: now, rows: rows)
        }
    }

    // MARK: Statements of steps done outside the platform

    /// The tender's owner records a step done outside the platform (contract signed, report filed,
    /// bid security returned) with a statement signed by its own key.
    public func recordStatement(tender id: String, _ signed: MemberStatement, by identity: Identity, role: PartyRole, address: String) async throws -> StepStatement {
        let now = environment.clock.now()
        guard let document = signed.documentBytes, let signature = signed.signatureBytes,
              let certificate = try await environment.store.read({ try $0.certificate(fingerprint: identity.certificateFingerprint) }) else {
            throw ServiceError.badRequest("statement.malformed", "a statement is {document, signature, scheme}, both base64")
        }
        guard try certificate.publicKey.isValidSignature(signature, for: document, scheme: signed.scheme) else {
            throw ServiceError.unprocessable("statement.signature-invalid", "the statement's signature does not verify with the certificate you logged in with")
        }
        let statement: StepStatementDocument
        do { statement = try JSONDecoder.ebid.decodeStrict(StepStatementDocument.self, from: Data(document)) } catch {
            throw ServiceError.unprocessable("statement.invalid", "the signed document is not an ebid-step-statement: \(describeDecodingError(error))")
        }
        guard statement.type == "ebid-step-statement" else {
            throw ServiceError.unprocessable("statement.invalid", "the signed document is a \(statement.type), not an ebid-step-statement")
        }
        guard statement.tenderId == id else {
            throw ServiceError.unprocessable("statement.wrong-tender", "the statement is for \(statement.tenderId), not \(id)")
        }
        guard SupervisedStep.stated.contains(statement.step) else {
            throw ServiceError.unprocessable("statement.step", "statements record \(SupervisedStep.stated.map(\.rawValue).joined(separator: ", ")); the service records the other steps itself")
        }
        let doneAt = statement.doneAt ?? now
        guard doneAt <= now.addingTimeInterval(60), statement.text.count <= 2000 else {
            throw ServiceError.unprocessable("statement.invalid", "a step cannot be done in the future, and the text is at most 2000 characters")
        }
        if let amount = statement.amount, amount <= .zero || amount.scale > 2 {
            throw ServiceError.unprocessable("statement.amount", "the contract amount is a positive amount in yuan with at most 2 decimals")
        }
        var stored = signed
        stored.certificate = certificate.fingerprint
        let record = StepStatement(step: statement.step, tenderId: id, party: identity.party.id, doneAt: doneAt, amount: statement.amount,
                                   recordedAt: now, statement: stored)
        return try await environment.store.write { tx in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
            guard tender.isManaged(by: identity) else { throw ServiceError.forbidden("tender.not-owner", "only the party that created tender \(id) records its steps") }
            guard let state = try tx.evaluation(tender: id), let awarded = state.awardedAt else {
                throw ServiceError.conflict("statement.not-awarded", "the steps after the award are recorded once the award notice is issued")
            }
            let existing = try tx.supervisionStatements(tender: id)
            guard !existing.contains(where: { $0.step == statement.step }) else {
                throw ServiceError.conflict("statement.exists", "\(statement.step.rawValue) is already recorded for \(id); statements are never replaced")
            }
            guard doneAt >= awarded else { throw ServiceError.unprocessable("statement.before-award", "the step cannot be done before the award (\(iso(awarded)))") }
            if statement.step == .securityReturned {
                guard let contract = existing.first(where: { $0.step == .contractSigned }) else {
                    throw ServiceError.conflict("statement.no-contract", "bid security is returned after the contract (Reg. art. 57): record contract-signed first")
                }
                guard doneAt >= contract.doneAt else {
                    throw ServiceError.unprocessable("statement.before-contract", "bid security is returned after the contract (\(iso(contract.doneAt)))")
                }
            }
            let event = try tx.appendLedger(try LedgerEntry(actor: identity.actor(role: role, address: address), action: "supervision.statement",
                                                            object: "tenders/\(id)/statements/\(statement.step.rawValue)", tenderId: id, json: record), at: now)
            try tx.insertSupervisionStatement(record, ledgerSeq: event.seq)
            return record
        }
    }

    public func statements(tender id: String) async throws -> [StepStatement] {
        try await environment.store.read { tx in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
            return try tx.supervisionStatements(tender: id)
        }
    }

    // MARK: Browser sessions for the supervisors' pages

    /// Links live two minutes and open one session.
    package static let linkLifetime: TimeInterval = 120

    /// A one-time code for the supervisors' pages, for the party logged in with its key in the CLI.
    public func webLink(for identity: Identity) async throws -> (code: String, expiresAt: Date) {
        let now = environment.clock.now()
        let code = IdentityDesk.randomToken(prefix: "web_")
        let expiresAt = now.addingTimeInterval(Self.linkLifetime)
        try await environment.store.write { tx in
            try tx.insertWebLink(codeHash: IdentityDesk.hashToken(code), party: identity.party.id, certificateFingerprint: identity.certificateFingerprint, expiresAt: expiresAt)
        }
        return (code, expiresAt)
    }
}
