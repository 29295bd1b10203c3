@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStorePostgres
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("The credit register (信用 / 不良行为记录)")
struct CreditRegisterTests {
    /// 2026-11-18 00:00 Asia/Shanghai.
    static let now = Date(timeIntervalSince1970: 1_795_104_000)
    static let calendar = CreditEffect.calendar
    static let company = CreditRecordInput.Subject(kind: .organization, code: "91350100MA3AGGLU11", name: "福建闽江建设工程有限公司")
    static let expert = CreditRecordInput.Subject(kind: .person, code: "FJZJK-0005", name: "评标专家")

    static func days(_ n: Int, from date: Date = now) -> Date { calendar.date(byAdding: .day, value: n, to: date)! }
    static func years(_ n: Int, from date: Date = now) -> Date { calendar.date(byAdding: .year, value: n, to: date)! }

    static func decision(_ id: String? = nil, subject: CreditRecordInput.Subject = company, category: CreditCategory = .collusion,
                         penalty: CreditRecordInput.Penalty, date: Date = now) -> CreditRecordInput {
        CreditRecordInput(id: id, subject: subject, category: category, facts: "测试事实", legalBasis: "《中华人民共和国招标投标法》第五十三条",
                          decisionNumber: "测罚〔2026〕\(id ?? "1")号", authority: "福州市住房和城乡建设局", decisionDate: date, penalty: penalty)
    }

    static func follow(_ kind: CreditRecordKind, _ reference: String, id: String, base: CreditRecordInput, date: Date = now,
                       outcome: AppealOutcome? = nil, penalty: CreditRecordInput.Penalty = .none) -> CreditRecordInput {
        var input = base
        input.id = id
        input.kind = kind
        input.references = reference
        input.outcome = outcome
        input.decisionNumber = "测\(kind.rawValue)〔2026〕\(id)号"
        input.decisionDate = date
        input.penalty = penalty
        return input
    }

    static func debarment(years: Int = 1, days extra: Int = 0, from start: Date = now) -> CreditRecordInput.Penalty {
        .init(kind: .debarment, start: start, end: Self.days(extra, from: Self.years(years, from: start)))
    }

    func register(_ fixture: ServiceFixture) -> CreditRegister { CreditRegister(fixture.environment) }
    func supervisor(_ fixture: ServiceFixture) async throws -> Actor { try await fixture.identity("supervisor-01").actor(role: .supervisor, address: "test") }

    // MARK: Terms

    @Test("Law arts. 50, 53, 54, 56, 60 and Reg. art. 71: every category's term bounds, at their edges")
    func termBounds() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        typealias Case = (CreditCategory, PenaltyKind, CreditRecordInput.Subject, Int?, Int?)
        let bounded: [Case] = [
            (.collusion, .debarment, Self.company, 1, 2), (.collusion, .agencyBan, Self.company, 1, 2),
            (.fraud, .debarment, Self.company, 1, 3), (.failureToPerform, .debarment, Self.company, 2, 5),
        ]
        var n = 0
        func attempt(_ category: CreditCategory, _ penalty: CreditRecordInput.Penalty, _ subject: CreditRecordInput.Subject) async throws {
            n += 1
            try await register.record(Self.decision("T\(n)", subject: subject, category: category, penalty: penalty), by: actor)
        }
        for (category, kind, subject, min, max) in bounded {
            let label = "\(category.rawValue) \(kind.rawValue)"
            // The shortest and the longest term are accepted; a day less or more is refused.
            try await attempt(category, .init(kind: kind, start: Self.now, end: Self.years(min!)), subject)
            try await attempt(category, .init(kind: kind, start: Self.now, end: Self.years(max!)), subject)
            let short = await expectServiceError("credit.term-out-of-bounds", status: 422) {
                try await attempt(category, .init(kind: kind, start: Self.now, end: Self.days(-1, from: Self.years(min!))), subject)
            }
            #expect(short?.detail.contains("at least \(min!) year") == true, "\(label): \(short?.detail ?? "")")
            await expectServiceError("credit.term-out-of-bounds") {
                try await attempt(category, .init(kind: kind, start: Self.now, end: Self.days(1, from: Self.years(max!))), subject)
            }
            await expectServiceError("credit.term-out-of-bounds") { try await attempt(category, .init(kind: kind, start: Self.now, permanent: true), subject) }
        }
        // Evaluators taking benefits: permanently disqualified, nothing less (Law art. 56).
        try await attempt(.evaluatorBribery, .init(kind: .evaluationBan, start: Self.now, permanent: true), Self.expert)
        await expectServiceError("credit.term-out-of-bounds") {
            try await attempt(.evaluatorBribery, .init(kind: .evaluationBan, start: Self.now, end: Self.years(10)), Self.expert)
        }
        // Other evaluator misconduct: a term, or permanent when serious (Reg. art. 71).
        try await attempt(.evaluatorMisconduct, .init(kind: .evaluationBan, start: Self.now, end: Self.days(180)), Self.expert)
        try await attempt(.evaluatorMisconduct, .init(kind: .evaluationBan, start: Self.now, permanent: true), Self.expert)
        // A decryption failure gives no ground for any restriction; a collusion decision none for an evaluation ban.
        for kind in [PenaltyKind.debarment, .agencyBan] {
            await expectServiceError("credit.term-out-of-bounds") {
                try await attempt(.decryptionFailure, .init(kind: kind, start: Self.now, end: Self.years(1)), Self.company)
            }
        }
        await expectServiceError("credit.term-out-of-bounds") {
            try await attempt(.collusion, .init(kind: .evaluationBan, start: Self.now, end: Self.years(1)), Self.expert)
        }
        // "other": any term, never permanent.
        try await attempt(.other, .init(kind: .debarment, start: Self.now, end: Self.days(90)), Self.company)
        await expectServiceError("credit.term-out-of-bounds") { try await attempt(.other, .init(kind: .debarment, start: Self.now, permanent: true), Self.company) }
        // Warnings and fines have no term; fines are exact decimals.
        try await attempt(.decryptionFailure, .init(kind: .warning), Self.company)
        try await attempt(.fraud, .init(kind: .fine, fineAmount: "50000.00"), Self.company)
        await expectServiceError("credit.invalid") { try await attempt(.fraud, .init(kind: .fine, fineAmount: "5e4"), Self.company) }
        await expectServiceError("credit.invalid") { try await attempt(.fraud, .init(kind: .warning, start: Self.now), Self.company) }
        // The restriction fits the subject: an evaluation ban is for a person, a debarment for an organisation.
        await expectServiceError("credit.invalid") {
            try await attempt(.evaluatorBribery, .init(kind: .evaluationBan, start: Self.now, permanent: true), Self.company)
        }
        await expectServiceError("credit.invalid") { try await attempt(.collusion, Self.debarment(), Self.expert) }
        // A decision in the future, an invalid credit code, a missing field.
        await expectServiceError("credit.invalid") { try await register.record(Self.decision("F1", penalty: .init(kind: .warning), date: Self.days(1)), by: actor) }
        var badCode = Self.decision("F2", penalty: .init(kind: .warning))
        badCode.subject.code = "91350100MA3AGGLU12"
        await expectServiceError("credit.invalid") { try await register.record(badCode, by: actor) }
        var noFacts = Self.decision("F3", penalty: .init(kind: .warning))
        noFacts.facts = " "
        await expectServiceError("credit.invalid") { try await register.record(noFacts, by: actor) }
    }

    // MARK: Publication

    @Test("2008 公告暂行办法 art. 9: public for 6 months from the decision — day 0, the last day, the day after — and queryable by subject afterwards")
    func publicationWindow() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        try await register.record(Self.decision("W1", category: .decryptionFailure, penalty: .init(kind: .warning)), by: try await supervisor(fixture))
        func listed() async throws -> Bool { try await register.listing(category: nil, subject: Self.company.code, from: nil, to: nil, before: nil, limit: 10).records.contains { $0.id == "W1" } }
        #expect(try await listed(), "day 0")
        let end = Self.calendar.date(byAdding: .month, value: 6, to: Self.now)!
        fixture.clock.advance(by: Self.days(-1, from: end).timeIntervalSince(fixture.clock.now()))
        #expect(try await listed(), "the last day")
        fixture.clock.advance(by: 86_400 - 1)
        #expect(try await listed(), "the last second")
        fixture.clock.advance(by: 1)
        #expect(try await !listed(), "the day after")
        // Still queryable by subject, free of charge, marked as no longer listed.
        let page = try await register.subjectPage(Self.company.code, history: false)
        let entry = try #require(page.records.first { $0.id == "W1" })
        #expect(!entry.listed)
        #expect(page.activeRestrictions.isEmpty)
    }

    @Test("a restriction longer than 6 months is published for as long as it lasts")
    func publicationFollowsRestriction() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        try await register.record(Self.decision("W2", penalty: Self.debarment(years: 2)), by: try await supervisor(fixture))
        let entry = try #require(try await register.subjectPage(Self.company.code, history: false).records.first)
        #expect(entry.listedUntil == Self.years(2))
        fixture.clock.advance(by: Self.years(2).timeIntervalSince(Self.now) - 1)
        #expect(try await register.listing(category: .collusion, subject: nil, from: nil, to: nil, before: nil, limit: 10).records.map(\.id) == ["W2"])
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment)?.id == "W2")
        fixture.clock.advance(by: 1)
        #expect(try await register.listing(category: .collusion, subject: nil, from: nil, to: nil, before: nil, limit: 10).records.isEmpty)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment) == nil)
    }

    // MARK: Chains

    @Test("records are never edited: corrections, appeals, revocations and repairs change the current effect and keep the history")
    func chains() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let base = Self.decision("C1", penalty: Self.debarment(years: 2))
        try await register.record(base, by: actor)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment, at: Self.days(400))?.id == "C1")

        // A correction: the term was one year, not two.
        try await register.record(Self.follow(.correction, "C1", id: "C2", base: base, penalty: Self.debarment(years: 1)), by: actor)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment, at: Self.days(400)) == nil)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment, at: Self.days(300))?.id == "C1")
        // New records reference the newest record of the chain, never an older one.
        await expectServiceError("credit.reference-superseded", status: 409) {
            try await register.record(Self.follow(.revocation, "C1", id: "C3", base: base), by: actor)
        }
        // An appeal varies the term (bounds still apply), then the record of it is immutable too.
        await expectServiceError("credit.term-out-of-bounds") {
            try await register.record(Self.follow(.appeal, "C2", id: "C3", base: base, outcome: .varied,
                                                  penalty: .init(kind: .debarment, start: Self.now, end: Self.days(100))), by: actor)
        }
        try await register.record(Self.follow(.appeal, "C2", id: "C3", base: base, outcome: .varied, penalty: Self.debarment(years: 1, days: 60)), by: actor)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment, at: Self.days(400))?.id == "C1")
        await expectServiceError("credit.exists", status: 409) { try await register.record(base, by: actor) }
        // Credit repair is refused while the restriction is in force…
        await expectServiceError("credit.repair-restriction-active") {
            try await register.record(Self.follow(.repair, "C3", id: "C4", base: base), by: actor)
        }
        // … and granted once it has ended: the decision leaves the public listings and pages.
        fixture.clock.advance(by: Self.days(500).timeIntervalSince(Self.now))
        let repairedAt = fixture.clock.now()
        try await register.record(Self.follow(.repair, "C3", id: "C4", base: base, date: repairedAt), by: actor)
        #expect(try await register.subjectPage(Self.company.code, history: true).records.isEmpty)
        await expectServiceError("credit.not-found", status: 404) { _ = try await register.signedRecord(id: "C1", for: nil) }
        // Supervisors keep everything: four records, in order, each signed.
        let file = try await register.supervisorFile(Self.company.code)
        let decision = try #require(file.decisions.first)
        #expect(decision.entry.history?.map(\.id) == ["C1", "C2", "C3", "C4"])
        #expect(decision.entry.history?.map(\.input.kind) == [.decision, .correction, .appeal, .repair])
        #expect(decision.entry.status == .repaired)
        #expect(decision.entry.current.penalty == Self.debarment(years: 1, days: 60))
        #expect(decision.events.map(\.event.action) == ["credit.decision", "credit.correction", "credit.appeal", "credit.repair"])
        #expect(decision.events.map(\.event.object) == ["credit/C1", "credit/C2", "credit/C3", "credit/C4"])
        #expect(try await register.signedRecord(id: "C2", for: try await fixture.identity("supervisor-01")).record.input.kind == .correction)
    }

    @Test("a revocation or a quashing appeal ends the effect and the publication; nothing can follow it")
    func revocationAndQuashing() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let first = Self.decision("R1", penalty: Self.debarment())
        try await register.record(first, by: actor)
        try await register.record(Self.follow(.appeal, "R1", id: "R2", base: first, outcome: .quashed), by: actor)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment) == nil)
        #expect(try await register.subjectPage(Self.company.code, history: false).records.isEmpty)
        await expectServiceError("credit.chain-closed") { try await register.record(Self.follow(.revocation, "R2", id: "R3", base: first), by: actor) }
        let second = Self.decision("R4", penalty: Self.debarment())
        try await register.record(second, by: actor)
        try await register.record(Self.follow(.revocation, "R4", id: "R5", base: second), by: actor)
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment) == nil)
        let file = try await register.supervisorFile(Self.company.code)
        #expect(file.decisions.map(\.entry.status) == [.quashed, .revoked])
        // Malformed follow-ups: no reference, a penalty on a revocation, an outcome on a correction.
        var loose = Self.follow(.revocation, "R4", id: "R6", base: second)
        loose.references = nil
        await expectServiceError("credit.invalid") { try await register.record(loose, by: actor) }
        await expectServiceError("credit.invalid") {
            try await register.record(Self.follow(.revocation, "R5", id: "R6", base: second, penalty: .init(kind: .warning)), by: actor)
        }
        await expectServiceError("credit.invalid") {
            try await register.record(Self.follow(.correction, "R5", id: "R6", base: second, outcome: .upheld, penalty: Self.debarment()), by: actor)
        }
        await expectServiceError("credit.unknown-reference") {
            try await register.record(Self.follow(.correction, "NOPE", id: "R6", base: second, penalty: Self.debarment()), by: actor)
        }
    }

    // MARK: Effects

    @Test("effects: a debarred bidder sees its restriction at login; an agency under a ban cannot be named; banned experts are left out of draws")
    func effects() async throws {
        let fixture = try await ServiceFixture(now: Self.now)  // inside the seeded debarment of bidder-07 and the ban of expert-03
        let register = register(fixture)
        let desk = IdentityDesk(fixture.environment)
        let challenge = try await desk.challenge(certificatePEM: try ServiceFixture.certificate("bidder-07").pem)
        let session = try await desk.login(challengeId: challenge.challengeId,
                                           signature: try ServiceFixture.key("bidder-07").sign(Array(challenge.message.utf8)), address: "test")
        #expect(session.restrictions.map(\.id) == ["CR-2026-FZ-0007"])

        // Experts: the seeded permanent ban of 潘志远 (expert-03), and a debarment recorded now for expert-05.
        let experts = try await fixture.store.read { try $0.parties(role: .expert) }
        var barred = try await register.barredFromEvaluation(experts)
        #expect(Set(barred.keys) == ["expert-03"])
        let expert5 = try #require(experts.first { $0.id == "expert-05" })
        try await register.record(Self.decision("E1", subject: .init(kind: .person, code: expert5.subjectCode, name: expert5.name),
                                                category: .evaluatorMisconduct, penalty: .init(kind: .evaluationBan, start: Self.now, end: Self.days(365))),
                                  by: try await supervisor(fixture))
        barred = try await register.barredFromEvaluation(experts)
        #expect(Set(barred.keys) == ["expert-03", "expert-05"])
        #expect(try await register.barredFromEvaluation(experts, at: Self.days(366)).keys.sorted() == ["expert-03"])

        // The agency: banned from agency work (Law art. 50), it cannot be named on a tender.
        let agency = try #require(try await fixture.store.read { try $0.party(id: "agency-01") })
        try await register.record(Self.decision("A1", subject: .init(kind: .organization, code: agency.subjectCode, name: agency.name),
                                                penalty: .init(kind: .agencyBan, start: Self.now, end: Self.years(1))), by: try await supervisor(fixture))
        let error = await expectServiceError("tender.agency-banned", status: 403) { try await fixture.publishTender(try fixture.spec(id: "T-BANNED")) }
        #expect(error?.extra["creditRecord"] == "A1")
    }

    @Test("imports are all or none; re-running one skips what is there")
    func imports() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let good = [Self.decision("I1", penalty: .init(kind: .warning)), Self.decision("I2", penalty: Self.debarment())]
        let bad = good + [Self.decision("I3", penalty: .init(kind: .debarment, start: Self.now, end: Self.days(10)))]
        let error = await expectServiceError("credit.term-out-of-bounds") { _ = try await register.importRecords(bad, by: actor) }
        #expect(error?.detail.hasPrefix("record 3 (I3)") == true)
        #expect(try await register.supervisorFile(Self.company.code).decisions.isEmpty)
        // A chain within one file: a decision and its correction.
        let correction = Self.follow(.correction, "I2", id: "I4", base: good[1], penalty: Self.debarment(years: 2))
        #expect(try await register.importRecords(good + [correction], by: actor) == (3, 0))
        #expect(try await register.importRecords(good + [correction], by: actor) == (0, 3))
        #expect(try await register.activeRestriction(subject: Self.company.code, kind: .debarment, at: Self.days(500))?.id == "I2")
    }

    // MARK: Signatures

    @Test("records are signed by the platform and verifiable offline; a changed byte fails")
    func signatures() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        try await register.record(Self.decision("S1", penalty: Self.debarment()), by: try await supervisor(fixture))
        let served = try await register.signedRecord(id: "S1", for: nil)
        var signed = try #require(served.signed.signed)
        let platform = fixture.environment.platform.certificate
        #expect(try signed.verify(with: platform))
        #expect(try signed.decode(CreditRecord.self) == served.record)
        #expect(served.record.format == "ebid-credit-record")
        #expect(served.record.platformCertificateFingerprint == platform.fingerprint)
        signed.document[signed.document.count / 2] ^= 1
        #expect(try !signed.verify(with: platform))
        // The ledger event's payload digest is the record's SM3.
        let event = try #require(try await fixture.store.read { try $0.ledgerEvents(LedgerQuery(objects: ["credit/S1"])) }.first)
        #expect(event.payloadDigest == Hex.encode(StreamingDigest.hash(try #require(served.signed.signed).document, using: .sm3)))
    }

    // MARK: Leads

    @Test("process events become leads, not records: a supervisor records or dismisses each, and both are logged")
    func leads() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-LEADS", policy: .bidder, bidders: ["bidder-01", "bidder-02", "bidder-05", "bidder-06"])
        setup.passDeadline()
        try await setup.start()
        for bidder in ["bidder-02", "bidder-05", "bidder-06"] { try await setup.decrypt(bidder) }
        try await setup.passWindow()  // bidder-01 did not decrypt: revoked through its own fault
        let register = register(fixture)
        let leads = try await register.leads(status: .open, tender: setup.id)
        let failure = try #require(leads.first { $0.kind == .decryptionFailure })
        #expect(failure.subject.code == "91350100MA3AGGLU11")
        #expect(failure.suggestedCategory == .decryptionFailure)
        let collusion = leads.filter { $0.kind == .collusionSignal && $0.summary.contains("same-project-manager") }
        #expect(Set(collusion.compactMap(\.partyId)) == ["bidder-05", "bidder-06"])
        // No record exists until a supervisor makes one.
        #expect(try await register.supervisorFile(failure.subject.code).decisions.isEmpty)
        let actor = try await supervisor(fixture)
        // The record must be about the lead's subject.
        let wrongSubject = Self.decision("L0", subject: .init(kind: .organization, code: "91350100MA3W7WKK88", name: "x"), category: .decryptionFailure,
                                         penalty: .init(kind: .warning), date: fixture.clock.now())
        await expectServiceError("credit.lead-subject") { try await register.record(wrongSubject, by: actor, lead: failure.id) }
        var warning = Self.decision("L1", category: .decryptionFailure, penalty: .init(kind: .warning), date: fixture.clock.now())
        warning.tenderId = setup.id
        try await register.record(warning, by: actor, lead: failure.id)
        let recorded = try #require(try await register.leads(status: .recorded, tender: setup.id).first)
        #expect(recorded.recordId == "L1")
        await expectServiceError("credit.lead-not-open") { try await register.record(Self.decision("L2", penalty: .init(kind: .warning), date: fixture.clock.now()), by: actor, lead: failure.id) }
        // Dismissal needs a reason.
        await expectServiceError("credit.lead-reason") { _ = try await register.dismiss(lead: collusion[0].id, reason: " ", by: actor) }
        let dismissed = try await register.dismiss(lead: collusion[0].id, reason: "项目经理同名不同人，经核实身份证号不同", by: actor)
        #expect(dismissed.status == .dismissed)
        await expectServiceError("credit.lead-not-open") { _ = try await register.dismiss(lead: collusion[0].id, reason: "again", by: actor) }
        let events = try await fixture.store.read { try $0.ledgerEvents(LedgerQuery(tender: setup.id)) }.map(\.action)
        #expect(events.contains("credit.lead.record") && events.contains("credit.lead.dismiss"))
    }

    // MARK: Ledger queries

    @Test("the ledger by tender, actor, action and time, each event with its covering checkpoint; a tender's bid events stay withheld until its deadline")
    func ledgerQueries() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-LEDGER"))
        _ = try await fixture.submit(try fixture.seal(bidder: "bidder-02", tender: spec, openingKey: keys[0]), tender: spec.id, as: "bidder-02")
        let supervision = Supervision(fixture.environment)
        var page = try await supervision.events(LedgerQuery(tender: spec.id))
        #expect(!page.events.isEmpty && page.events.allSatisfy { $0.event.tenderId == spec.id })
        #expect(!page.events.contains { $0.event.action.hasPrefix("bid.") })
        #expect(try await supervision.events(LedgerQuery(actor: "bidder-02", action: "bid.submit")).events.isEmpty)
        // Not covered until a checkpoint is signed.
        #expect(page.events.allSatisfy { $0.checkpoint == nil })
        let checkpoint = try #require(try await supervision.checkpoint())
        page = try await supervision.events(LedgerQuery(tender: spec.id))
        #expect(page.events.allSatisfy { $0.checkpoint?.number == checkpoint.number })
        // After the deadline the bid events appear, by tender and by actor.
        fixture.clock.advance(by: 26 * 86_400)
        page = try await supervision.events(LedgerQuery(tender: spec.id))
        #expect(page.events.contains { $0.event.action == "bid.submit" && $0.event.actor.party == "bidder-02" })
        #expect(try await supervision.events(LedgerQuery(actor: "bidder-02", action: "bid.submit")).events.count == 1)
        // Time ranges and paging.
        let all = try await supervision.events(LedgerQuery(limit: 1000)).events
        let middle = all[all.count / 2].event
        let since = try await supervision.events(LedgerQuery(since: middle.at, limit: 1000)).events
        #expect(since.allSatisfy { $0.event.at >= middle.at } && since.contains { $0.event.hash == middle.hash })
        let first = try await supervision.events(LedgerQuery(limit: 5))
        #expect(first.events.count == 5)
        let second = try JSONDecoder.ebid.decode(LedgerPage.self, from: Data(try await supervision.eventsJSON(LedgerQuery(limit: 5), cursor: first.next)))
        // The pages follow each other: the second starts with the event after the first's last.
        #expect(second.events.first?.event.hash == all[5].event.hash)
        await expectServiceError("ledger.cursor-invalid", status: 400) { _ = try await supervision.eventsJSON(LedgerQuery(limit: 5), cursor: "nope") }
    }

    @Test("supervisor-only routes refuse every other role (403) and anonymous callers (401)")
    func supervisorOnly() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let routes: [(HTTPRequest.Method, String, String)] = [
            (.post, "/v1/credit/records", #"{"record":{}}"#), (.post, "/v1/credit/import", "{}"), (.get, "/v1/credit/leads", ""),
            (.get, "/v1/supervision/credit/subjects/91350800MATWMFMA1M", ""), (.get, "/v1/supervision/credit/records", ""),
            (.get, "/v1/ledger/events", ""), (.post, "/v1/credit/leads/LD-x/dismiss", #"{"reason":"x"}"#),
        ]
        try await fixture.app.test(.router) { client in
            for (method, path, body) in routes {
                for (role, party) in RouteAccessTests.partyForRole {
                    let token = try await fixture.token(party)
                    let status = try await client.execute(uri: path, method: method, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                                          body: ByteBuffer(string: body)) { $0.status.code }
                    if role == .supervisor {
                        #expect(status != 401 && status != 403, "\(path) as supervisor: \(status)")
                    } else {
                        #expect(status == 403, "\(path) as \(role): \(status)")
                    }
                }
                let anonymous = try await client.execute(uri: path, method: method, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { $0.status.code }
                #expect(anonymous == 401, "\(path) anonymously")
            }
            // The public reads: the seeded debarment by subject, and the listing; bad query parameters are named.
            try await client.execute(uri: "/v1/credit/subjects/91350800MATWMFMA1M", method: .get) { response in
                let page = try JSONDecoder.ebid.decode(SubjectPage.self, from: Data(buffer: response.body))
                #expect(page.activeRestrictions.map(\.id) == ["CR-2026-FZ-0007"])
            }
            for query in ["category=nope", "from=yesterday", "limit=0", "beforeId=x"] {
                try await client.execute(uri: "/v1/credit/records?\(query)", method: .get) { response in
                    #expect(response.status == .badRequest, "\(query)")
                    #expect(RouteAccessTests.problemCode(response.body) == "request.query-invalid", "\(query)")
                }
            }
        }
    }

    @Test("the public subject page assembled from stored JSON is byte for byte what JSONEncoder makes of the page, as time passes")
    func subjectPageBytes() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let base = Self.decision("P1", penalty: Self.debarment(years: 2))
        try await register.record(base, by: actor)
        try await register.record(Self.follow(.correction, "P1", id: "P2", base: base, penalty: Self.debarment(years: 1)), by: actor)
        var fine = Self.decision("P3", category: .fraud, penalty: .init(kind: .fine, fineAmount: "12345.60"))
        fine.facts = "含\"引号\"与换行\n的事实"
        fine.tenderId = "T-X"
        try await register.record(fine, by: actor)
        try await register.record(Self.decision("P4", category: .decryptionFailure, penalty: .init(kind: .warning)), by: actor)
        let revoked = Self.decision("P5", penalty: Self.debarment())
        try await register.record(revoked, by: actor)
        try await register.record(Self.follow(.revocation, "P5", id: "P6", base: revoked), by: actor)
        for days in [0, 200, 400, 800] {
            fixture.clock.advance(by: Self.days(days).timeIntervalSince(fixture.clock.now()))
            let page = try await register.subjectPage(Self.company.code, history: false)
            let expected = [UInt8](try JSONEncoder.ebid.encode(page))
            let assembled = try await register.subjectPageJSON(Self.company.code)
            #expect(Data(assembled) == Data(expected), "day \(days):\n\(String(decoding: assembled, as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))")
        }
        #expect(try await register.subjectPageJSON("91350100MA3W7WKK88") == [UInt8](try JSONEncoder.ebid.encode(try await register.subjectPage("91350100MA3W7WKK88", history: false))))
    }

    @Test("a database from before the page sources gets them built when it is opened (migration 4), the same as kept ones")
    func pageSourcesMigration() async throws {
        let fixture = try await ServiceFixture(now: Self.now, embedded: true)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let base = Self.decision("M1", penalty: Self.debarment(years: 2))
        try await register.record(base, by: actor)
        try await register.record(Self.follow(.correction, "M1", id: "M2", base: base, penalty: Self.debarment(years: 1)), by: actor)
        try await register.record(Self.decision("M3", category: .decryptionFailure, penalty: .init(kind: .warning)), by: actor)
        func sources(_ database: SQLiteDatabase) throws -> [String: [UInt8]?] {
            try database.readNow { tx in Dictionary(uniqueKeysWithValues: try tx.creditSubjectPageCodes().map { ($0, try tx.creditSubjectPageSource(subject: $0)) }) }
        }
        let kept = try sources(fixture.store.sqlite.database)
        #expect(kept.count >= 3)  // this company, and the seeded bidder and expert
        let page = try await register.subjectPageJSON(Self.company.code)
        // Back to version 3: no page table.
        try fixture.store.executeNow("DROP TABLE credit_subject_pages")
        try fixture.store.executeNow("DELETE FROM schema_migrations WHERE version = 4")
        let reopened = try SQLiteDatabase(path: "\(fixture.directory.path)/ebid.sqlite")
        #expect(try sources(reopened) == kept)
        let source = try reopened.readNow { try $0.creditSubjectPageSource(subject: Self.company.code) }
        #expect(try SubjectPageSource.render(subject: Self.company.code, source: source, at: fixture.clock.now()) == page)
    }

    @Test("a subject whose only decision is revoked has no page source left, and its page is the empty one")
    func revokedLeavesNoPageSource() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let other = CreditRecordInput.Subject(kind: .organization, code: "91350100MA3W7WKK88", name: "另一家公司")
        let base = Self.decision("RV1", subject: other, penalty: Self.debarment())
        try await register.record(base, by: actor)
        #expect(try fixture.store.readNow { try $0.creditSubjectPageSource(subject: other.code) } != nil)
        try await register.record(Self.follow(.revocation, "RV1", id: "RV2", base: base), by: actor)
        #expect(try fixture.store.readNow { try $0.creditSubjectPageSource(subject: other.code) } == nil)
        let page = try await register.subjectPageJSON(other.code)
        #expect(Data(page) == (try JSONEncoder.ebid.encode(try await register.subjectPage(other.code, history: false))))
        #expect(try fixture.audit().isIntact)
    }

    @Test("a damaged page source is an error, not a wrong page")
    func damagedPageSource() throws {
        let rows = [CreditPageRow(id: "D1", head: "D1", status: .inForce, listedFrom: Self.now, listedUntil: nil, penalty: .init(kind: .warning),
                                  decisionNumber: "N", authority: "A", subjectName: "S", currentJSON: Array("{}".utf8))]
        let source = SubjectPageSource.encode(rows)
        #expect(try SubjectPageSource.render(subject: "X", source: source, at: Self.now).count > 0)
        for cut in [1, 5, source.count / 2, source.count - 1] {
            #expect(throws: StoreError.self) { try SubjectPageSource.render(subject: "X", source: Array(source.prefix(cut)), at: Self.now) }
        }
        var otherVersion = source
        otherVersion[0] = 9
        #expect(throws: StoreError.self) { try SubjectPageSource.render(subject: "X", source: otherVersion, at: Self.now) }
    }

    @Test("the audit checks every credit record against its signature and its ledger event, and the listed state against the records")
    func audit() async throws {
        let fixture = try await ServiceFixture(now: Self.now)
        let register = register(fixture)
        let actor = try await supervisor(fixture)
        let base = Self.decision("AU1", penalty: Self.debarment())
        try await register.record(base, by: actor)
        try await register.record(Self.follow(.correction, "AU1", id: "AU2", base: base, penalty: Self.debarment(years: 2)), by: actor)
        let certificates = [fixture.environment.platform.certificate]
        var report = try fixture.audit(certificates)
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.creditRecords == 4)  // the two seeded ones too
        // Someone shortens the debarment in the listings' table behind the register's back.
        try fixture.store.executeNow("UPDATE credit_chains SET restriction_end = restriction_end - 86400000 WHERE id = 'AU1'")
        report = try fixture.audit(certificates)
        // The decision's state, and the subject page that still shows the full term.
        #expect(report.problems.map(\.kind) == ["credit-derived", "credit-page"], "\(report.problems)")
        try fixture.store.executeNow("UPDATE credit_chains SET restriction_end = restriction_end + 86400000 WHERE id = 'AU1'")
        #expect(try fixture.audit(certificates).isIntact)
        // Someone drops the decision from the public page alone.
        let source = try #require(try fixture.store.readNow { try $0.creditSubjectPageSource(subject: Self.company.code) })
        _ = try fixture.store.writeNow { tx in
            try tx.rawSQL("UPDATE credit_subject_pages SET source = ? WHERE subject_code = ?", [.blob(SubjectPageSource.encode([])), .text(Self.company.code)])
        }
        report = try fixture.audit(certificates)
        #expect(report.problems.map(\.kind) == ["credit-page"], "\(report.problems)")
        _ = try fixture.store.writeNow { tx in
            try tx.rawSQL("UPDATE credit_subject_pages SET source = ? WHERE subject_code = ?", [.blob(source), .text(Self.company.code)])
        }
        // Someone rewrites a record's facts (and even re-signs it with a key of its own: the ledger still disagrees).
        try fixture.store.executeNow(fixture.store.isPostgres
            ? "UPDATE credit_records SET document = convert_to(replace(convert_from(document, 'UTF8'), '测试事实', '篡改事实'), 'UTF8') WHERE id = 'AU2'"
            : "UPDATE credit_records SET document = replace(document, '测试事实', '篡改事实') WHERE id = 'AU2'")
        report = try fixture.audit(certificates)
        #expect(Set(report.problems.map(\.kind)).isSuperset(of: ["credit-signature", "credit-mismatch"]), "\(report.problems)")
    }
}
