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

/// Sealed evaluation through the desks (RULES.md, "Evaluation" and "Result"; Law art. 37, 45;
/// Reg. arts. 46, 49, 51, 53–55).
@Suite("Sealed evaluation")
struct EvaluationRoomTests {
    @Test("a whole tender: draw with recusal reasons, sealed scoring in two rounds, report, publicity, award")
    func wholeTender() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-ALL")
        let state = try await setup.draw()
        // Law art. 37: 7 members, an odd number; 6 drawn, one tenderer's representative named.
        #expect(state.members.count == 7)
        #expect(state.representatives == ["expert-15"] && state.members.last == "expert-15")
        #expect(state.phase == .scoring)
        let record = try #require(try await setup.room.draw(tender: setup.id, for: try await setup.identity("supervisor-01")).record)
        // Anyone can recompute the committee from the record.
        #expect(try record.verify().map(\.expert) + (record.representatives ?? []) == state.members)
        // The exclusions, each with its reason (RULES.md recusal; the credit register).
        let reasons = Dictionary(uniqueKeysWithValues: record.excluded.map { ($0.expert, Set($0.reasons.map(\.code))) })
        #expect(reasons["expert-03"]?.contains("evaluation-ban") == true)  // seeds/credit-records.json
        #expect(reasons["expert-07"]?.contains("bidder-staff") == true)  // works for bidder-08
        #expect(reasons["expert-12"]?.contains("bidder-relation") == true)  // former employee of bidder-01
        #expect(reasons["expert-15"]?.contains("tenderer-staff") == true && reasons["expert-15"]?.contains("representative") == true)
        #expect(reasons["expert-16"]?.contains("agency-staff") == true)
        #expect(reasons["expert-17"]?.contains("supervisor") == true)
        #expect(Set(state.members).subtracting(state.representatives).isDisjoint(with: reasons.keys))
        // Seats from other regions hold experts registered outside 350100.
        for pick in record.picks where record.committee.seats[pick.seat].origin == .otherRegions {
            #expect(record.pool.first { $0.id == pick.expert }?.region != "350100")
        }
        // δ drawn from the published set.
        #expect(["0.01", "0.02", "0.03", "0.04", "0.05"].compactMap(ExactDecimal.init).contains(try #require(state.delta)))

        try await setup.declareAll()
        try await setup.scoreRound(.technical, EvaluationSetup.typical)
        #expect(try await setup.state().rounds[.technical] == .locked)
        try await setup.complianceAll()
        try await setup.scoreRound(.commercial, EvaluationSetup.typical)
        let host = try await setup.identity("agency-01")
        let signed = try await setup.room.generateReport(tender: setup.id, deadlineMinutes: 60, by: host, role: .agency, address: "10.9.0.1")
        #expect(try signed.verify(with: fixture.environment.platform.certificate))
        let report = try signed.decode(EvaluationRoom.Report.self)
        #expect(report.candidates.count == 3)
        #expect(report.committee.map(\.expert) == state.members)
        // The ranking follows from the rubric and the revealed scores alone.
        let bids = report.bids.map { ScoringBid(id: $0.code, price: $0.price, rejected: $0.rejected) }
        var merged: [String: [String: [String: ExactDecimal]]] = [:]
        for round in ScoringRound.allCases {
            for (member, sheet) in report.scores[round] ?? [:] { for (code, scores) in sheet { merged[member, default: [:]][code, default: [:]].merge(scores) { $1 } } }
        }
        let again = try Evaluator.evaluate(method: .comprehensive, rubric: setup.opening.spec.evaluation.rubric, bids: bids, sheets: merged, delta: state.delta,
                                           tieSeed: Hex.decode(state.seed!)!, hash: state.hash)
        #expect(again.ranking.map(\.id) == report.ranking)
        // Bid cleaning found bidder-05's unbalanced unit price and bidder-06's missing item.
        #expect(report.bids.first { $0.bidder.hasPrefix("漳州") }?.cleaning?.findings.contains { $0.kind == .unbalancedHigh } == true)
        #expect(report.bids.first { $0.bidder.hasPrefix("莆田") }?.cleaning?.findings.contains { $0.kind == .itemMissing } == true)

        // Signing: one dissents with reasons, one stays silent until the deadline (counts as agreeing).
        let members = state.members
        await expectServiceError("evaluation.dissent-reasons") { try await setup.sign(members[0], .dissent) }
        try await setup.sign(members[0], .dissent, reasons: "施工组织设计评分标准理解不同")
        for member in members.dropFirst().dropLast() { try await setup.sign(member) }
        await expectServiceError("evaluation.signatures-missing") { _ = try await setup.room.finalizeReport(tender: setup.id, by: host, role: .agency, address: "x") }
        fixture.clock.advance(by: 3601)
        await expectServiceError("evaluation.signing-closed") { try await setup.sign(members.last!) }
        let final = try await setup.room.finalizeReport(tender: setup.id, by: host, role: .agency, address: "x").decode(EvaluationRoom.FinalReport.self)
        #expect(final.opinions.first { $0.expert == members.last! }?.silent == true)
        #expect(final.opinions.first { $0.expert == members.last! }?.opinion == .agree)
        #expect(final.opinions.first { $0.expert == members[0] }?.opinion == .dissent)

        // Nothing is public before the publicity; the committee only after the award.
        await expectServiceError("result.not-published") { _ = try await setup.room.result(tender: setup.id) }
        await expectServiceError("result.publicity-days") { _ = try await setup.room.publish(tender: setup.id, days: 2, by: host, role: .agency, address: "x") }
        _ = try await setup.room.publish(tender: setup.id, days: 3, by: host, role: .agency, address: "x")
        let during = try await setup.room.result(tender: setup.id)
        #expect(during.drawRecord == nil && during.award == nil)
        // Objections: bidders of the tender only; the award waits for the answers (Reg. art. 54).
        await expectServiceError("result.not-a-bidder") { _ = try await setup.room.objectToResult(tender: setup.id, text: "异议", by: try await setup.identity("bidder-07"), address: "x") }
        _ = try await setup.room.objectToResult(tender: setup.id, text: "第一中标候选人业绩不实", by: try await setup.identity("bidder-04"), address: "x")
        await expectServiceError("result.publicity-running") { _ = try await setup.room.award(tender: setup.id, winnerRank: nil, reason: nil, by: host, role: .agency, address: "x") }
        fixture.clock.advance(by: 3 * 86_400)
        await expectServiceError("result.objections-open") { _ = try await setup.room.award(tender: setup.id, winnerRank: nil, reason: nil, by: host, role: .agency, address: "x") }
        _ = try await setup.room.answerResultObjection(tender: setup.id, number: 1, text: "经核查业绩属实", by: host, role: .agency, address: "x")
        await expectServiceError("result.reason-required") { _ = try await setup.room.award(tender: setup.id, winnerRank: 2, reason: nil, by: host, role: .agency, address: "x") }
        let award = try await setup.room.award(tender: setup.id, winnerRank: nil, reason: nil, by: host, role: .agency, address: "x").decode(EvaluationRoom.Award.self)
        #expect(award.winner.bidder == report.bids.first { $0.rank == 1 }!.bidder)
        #expect(award.notices.count == EvaluationSetup.bidders.count - 1)
        let after = try await setup.room.result(tender: setup.id)
        #expect(try after.drawRecord.map { try $0.verify().map(\.expert) + ($0.representatives ?? []) } == members)
        #expect(after.objections?.first?.party == "bidder")  // who objected is not published
        // Every step is in the ledger and the audit still passes.
        let actions = Set(try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 100_000) }.filter { $0.tenderId == setup.id }.map(\.action))
        for action in ["draw.start", "draw.commit", "draw.reveal", "draw.complete", "evaluation.declare", "evaluation.commit", "evaluation.reveal",
                       "evaluation.compliance", "evaluation.report", "evaluation.sign", "evaluation.finalize", "result.publicity", "result.object",
                       "result.answer", "result.award"] {
            #expect(actions.contains(action), "\(action)")
        }
        #expect(try fixture.audit().problems.isEmpty)
        // A checkpoint was signed right after each milestone: the award is covered at once.
        let awardEvent = try #require(try await setup.opening.ledger(action: "result.award").first)
        #expect(try await fixture.store.read { try $0.checkpoint(covering: awardEvent.seq) } != nil)
        let drawEvent = try #require(try await setup.opening.ledger(action: "draw.complete").first)
        let drawCheckpoint = try #require(try await fixture.store.read { try $0.checkpoint(covering: drawEvent.seq) })
        #expect(drawCheckpoint.seq <= (try await setup.opening.ledger(action: "evaluation.declare").first?.seq ?? 0))
    }

    @Test("nobody sees a score before every member committed; a reveal must open its commitment")
    func scoresStaySealed() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-SEAL", bidders: Array(EvaluationSetup.bidders.prefix(5)))
        let members = try await setup.draw().members
        try await setup.declareAll()
        let criteria = EvaluationRoom.criteria(.technical, setup.opening.spec.evaluation.rubric)
        var scores: [String: [String: ExactDecimal]] = [:]
        for code in try await setup.codes(.technical, as: members[0]) { scores[code] = Dictionary(uniqueKeysWithValues: criteria.map { ($0.id, ExactDecimal("7.25")!) }) }
        try await setup.commit(members[0], .technical, scores: scores)
        // Before the others commit: no reveal, no scores anywhere — not for the host, not in the database.
        await expectServiceError("evaluation.round-not-revealing") { try await setup.reveal(members[0], .technical) }
        let view = try await setup.room.scores(tender: setup.id, for: try await setup.identity("agency-01"))
        #expect(view.rounds.allSatisfy { $0.sheets == nil })
        let database = try fixture.databaseBytes()
        #expect(database.firstRange(of: Array("ebid-score-sheet".utf8)) == nil)
        #expect(database.firstRange(of: Array("7.25".utf8)) == nil)
        // A second commitment for the round is refused (no changing one's mind once others are in).
        await expectServiceError("evaluation.committed") { try await setup.commit(members[0], .technical, scores: scores) }
        for member in members.dropFirst() {
            var sheet: [String: [String: ExactDecimal]] = [:]
            for code in try await setup.codes(.technical, as: member) { sheet[code] = Dictionary(uniqueKeysWithValues: criteria.map { ($0.id, ExactDecimal("7")!) }) }
            try await setup.commit(member, .technical, scores: sheet)
        }
        // A changed sheet or salt does not open the commitment.
        let (sheet, salt) = try #require(setup.secrets.sheets["\(members[0])/technical"])
        var changed = sheet
        changed[changed.firstRange(of: Array("7.25".utf8))!.lowerBound] = UInt8(ascii: "9")
        let identity = try await setup.identity(members[0])
        await expectServiceError("evaluation.reveal-mismatch") {
            _ = try await setup.room.reveal(tender: setup.id, .init(round: .technical, sheet: Data(changed).base64EncodedString(), salt: Hex.encode(salt)), by: identity, address: "x")
        }
        await expectServiceError("evaluation.reveal-mismatch") {
            _ = try await setup.room.reveal(tender: setup.id, .init(round: .technical, sheet: Data(sheet).base64EncodedString(), salt: Hex.encode(ScoreCommitment.freshSalt())),
                                            by: identity, address: "x")
        }
        // Someone else's sheet and salt do not open this member's commitment (the context names the member).
        let (otherSheet, otherSalt) = try #require(setup.secrets.sheets["\(members[1])/technical"])
        await expectServiceError("evaluation.reveal-mismatch") {
            _ = try await setup.room.reveal(tender: setup.id, .init(round: .technical, sheet: Data(otherSheet).base64EncodedString(), salt: Hex.encode(otherSalt)),
                                            by: identity, address: "x")
        }
        try await setup.reveal(members[0], .technical)
        await expectServiceError("evaluation.revealed") { try await setup.reveal(members[0], .technical) }
        for member in members.dropFirst() { try await setup.reveal(member, .technical) }
        let locked = try await setup.room.scores(tender: setup.id, for: try await setup.identity("agency-01"))
        #expect(locked.rounds.first { $0.round == .technical }?.sheets?[members[0]]?.values.first?.values.first == ExactDecimal("7.25"))
        // 7.25 against the others' 7 is within 30 %: no flag.
        #expect(locked.rounds.first { $0.round == .technical }?.flags?.isEmpty == true)
    }

    @Test("members review under codes: no bidder name before the technical scores are locked; identity leaks flagged")
    func anonymisedReview() async throws {
        let fixture = try await ServiceFixture()
        let bidders = Array(EvaluationSetup.bidders.prefix(4))
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-ANON", bidders: bidders, technical: ["bidder-02": "本方案由福州榕城路桥集团有限公司编制。"])
        let members = try await setup.draw().members
        let member = try await setup.identity(members[0])
        await expectServiceError("evaluation.declaration-missing") { _ = try await setup.room.bids(tender: setup.id, for: member) }
        try await setup.declareAll()
        let view = try await setup.room.bids(tender: setup.id, for: member)
        let json = String(decoding: try JSONEncoder.ebid.encode(view), as: UTF8.self)
        let parties = try await fixture.store.read { tx in try bidders.map { try tx.party(id: $0)! } }
        for party in parties {
            #expect(!json.contains(party.name), "\(party.name) shown under codes")
            #expect(!json.contains(party.creditCode!))
            #expect(!json.contains(party.id))
        }
        #expect(view.bids.allSatisfy { $0.parts.allSatisfy { $0.kind == "technical" } })
        #expect(!json.contains("36880000"))  // no price either
        // The leak is flagged on the part that names a bidder, without saying whose.
        let leaking = view.bids.flatMap(\.parts).filter { $0.leaks != nil }
        #expect(leaking.count == 1)
        #expect(leaking.first?.leaks == ["bidder-name"])
        let code = try #require(view.bids.first?.code)
        let bidId = try #require(try await setup.state().bid(code: code))
        let commercial = try #require(try await fixture.store.read { tx in try tx.openedParts(bid: bidId) }.first { $0.kind == "commercial" })
        await expectServiceError("evaluation.part-sealed") { _ = try await setup.room.part(tender: setup.id, code: code, index: commercial.position, for: member) }
        try await setup.scoreRound(.technical, EvaluationSetup.typical)
        let shown = try await setup.room.bids(tender: setup.id, for: member)
        #expect(shown.namesShown)
        #expect(Set(shown.bids.compactMap(\.bidder)) == Set(parties.map(\.name)))
        _ = try await setup.room.part(tender: setup.id, code: code, index: commercial.position, for: member)
    }

    @Test("the committee list is secret: no route shows a member to anyone but the host, supervisors and the member itself")
    func committeeListIsSecret() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-SECRET", bidders: Array(EvaluationSetup.bidders.prefix(4)))
        let state = try await setup.draw()
        try await setup.declareAll()
        // With the technical scores revealed, the scores views name every member.
        try await setup.scoreRound(.technical, EvaluationSetup.typical)
        let names = try await fixture.store.read { tx in try state.members.map { ($0, try tx.party(id: $0)!.name) } }
        let pool = try await fixture.store.read { try $0.experts().map(\.id) }
        let outsider = try #require(pool.first { !state.members.contains($0) && !["expert-03", "expert-07", "expert-12", "expert-15", "expert-16", "expert-17"].contains($0) })
        let callers: [(String?, Bool)] = [(nil, false), ("tenderer-01", false), ("bidder-01", false), ("official-01", false), ("admin-01", false),
                                          (outsider, false), (state.members[0], false), ("agency-01", true), ("supervisor-01", true)]
        var collected: [String: String] = [:]
        for case let (party?, _) in callers { collected[party] = try await fixture.token(party) }
        let tokens = collected
        try await fixture.app.test(.router) { client in
            // The registry's list names every registered party, the pool's experts among them, and
            // nothing of any committee: it is the administrators' directory, not a view of a tender.
            for spec in fixture.routes.specs where spec.method == .get && spec.path != "/v1/parties" {
                let path = RouteAccessTests.concretePath(spec.path).replacingOccurrences(of: "T-MATRIX", with: setup.id)
                    .replacingOccurrences(of: "91350100MA3AGGLU11", with: "T01").replacingOccurrences(of: ":index", with: "1")
                    .replacingOccurrences(of: ":id", with: "expert-01")
                for (party, allowed) in callers where !allowed {
                    var headers: HTTPFields = [:]
                    if let party { headers[.authorization] = "Bearer \(tokens[party]!)" }
                    let body = try await client.execute(uri: path, method: .get, headers: headers) { String(buffer: $0.body) }
                    for (member, name) in names where member != party {
                        #expect(!body.contains(member) && !body.contains(name), "GET \(spec.path) as \(party ?? "anonymous") shows member \(member)")
                    }
                }
            }
        }
    }

    @Test("a far-off score needs a written explanation before the report; a re-score is reasoned and recorded")
    func deviationsAndRescores() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-DEV", bidders: Array(EvaluationSetup.bidders.prefix(4)))
        let members = try await setup.draw().members
        try await setup.declareAll()
        let odd = members[2]
        try await setup.scoreRound(.technical) { member, code, criterion in
            member == odd && code == "T01" && criterion.id == "T1" ? ExactDecimal(5) : criterion.maximum - 2
        }
        try await setup.complianceAll()
        try await setup.scoreRound(.commercial, EvaluationSetup.typical)
        let host = try await setup.identity("agency-01")
        await expectServiceError("evaluation.explanations-missing") { _ = try await setup.room.generateReport(tender: setup.id, deadlineMinutes: 60, by: host, role: .agency, address: "x") }
        let identity = try await setup.identity(odd)
        await expectServiceError("evaluation.not-flagged") {
            _ = try await setup.room.explain(tender: setup.id, .init(round: .technical, code: "T02", criterion: "T1", text: "理由"), by: identity, address: "x")
        }
        // Only a flagged score is re-scored, and only into the others' range.
        await expectServiceError("evaluation.rescore-not-flagged") {
            _ = try await setup.room.rescore(tender: setup.id, .init(round: .technical, code: "T02", criterion: "T1", score: ExactDecimal(22), reason: "改"), by: identity, address: "x")
        }
        await expectServiceError("evaluation.rescore-still-flagged") {
            _ = try await setup.room.rescore(tender: setup.id, .init(round: .technical, code: "T01", criterion: "T1", score: ExactDecimal(6), reason: "改"), by: identity, address: "x")
        }
        // A re-score with its reason brings the score back; it is recorded with both values.
        let rescore = try await setup.room.rescore(tender: setup.id, .init(round: .technical, code: "T01", criterion: "T1", score: ExactDecimal(22), reason: "复核后更正笔误"),
                                                   by: identity, address: "x")
        #expect(rescore.from == ExactDecimal(5) && rescore.to == ExactDecimal(22))
        // Once back in range it is no longer flagged: no second change.
        await expectServiceError("evaluation.rescore-not-flagged") {
            _ = try await setup.room.rescore(tender: setup.id, .init(round: .technical, code: "T01", criterion: "T1", score: ExactDecimal(23), reason: "再改"), by: identity, address: "x")
        }
        let report = try await setup.room.generateReport(tender: setup.id, deadlineMinutes: 60, by: host, role: .agency, address: "x").decode(EvaluationRoom.Report.self)
        #expect(report.scores[.technical]?[odd]?["T01"]?["T1"] == ExactDecimal(22))
        #expect(report.rescores.map { [$0.member, $0.code, $0.criterion, $0.from.description, $0.to.description, $0.reason] }
                    == [[odd, "T01", "T1", "5", "22", "复核后更正笔误"]])
        #expect(try await setup.opening.ledger(action: "evaluation.rescore").count == 1)
    }

    @Test("recusal draws a replacement the same way; nobody joins after the technical reveals")
    func recusalAndReplacement() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-RECUSE", bidders: Array(EvaluationSetup.bidders.prefix(4)))
        let members = try await setup.draw().members
        try await setup.declare(members[1], .recusal)
        let after = try await setup.state()
        #expect(!after.members.contains(members[1]))
        #expect(after.members.count == members.count)
        let host = try await setup.identity("agency-01")
        let record = try #require(try await setup.room.draw(tender: setup.id, for: host).record)
        #expect(try record.verify().map(\.expert) + (record.representatives ?? []) == after.members)
        #expect(record.picks.last?.replaces == members[1] && record.picks.last?.reason == "recused")
        await expectServiceError("draw.recusal-by-member") { _ = try await setup.room.replaceMember(tender: setup.id, expert: members[2], reason: "recused", by: host, role: .agency, address: "x") }
        _ = try await setup.room.replaceMember(tender: setup.id, expert: members[2], reason: "absent", by: host, role: .agency, address: "x")
        // Not arriving is a lead for the credit register (Reg. art. 46).
        #expect(try await fixture.store.read { try $0.creditLeads(status: .open, tender: setup.id, limit: 1000) }.contains { $0.kind == .expertWithdrawal && $0.partyId == members[2] })
        // The replaced member is out: it sees nothing.
        await expectServiceError("evaluation.not-found") { _ = try await setup.room.bids(tender: setup.id, for: try await setup.identity(members[1])) }
        try await setup.declareAll()
        // A member who declared is not replaced by the host.
        await expectServiceError("draw.member-declared") {
            _ = try await setup.room.replaceMember(tender: setup.id, expert: try await setup.state().members[0], reason: "unreachable", by: host, role: .agency, address: "x")
        }
        try await setup.scoreRound(.technical, EvaluationSetup.typical)
        await expectServiceError("draw.replacement-closed") {
            _ = try await setup.room.replaceMember(tender: setup.id, expert: try await setup.state().members[0], reason: "absent", by: host, role: .agency, address: "x")
        }
    }

    @Test("the draw cannot be steered: commitments before reveals, the host and a supervisor both, values that match")
    func drawRules() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-DRAW", bidders: Array(EvaluationSetup.bidders.prefix(4)))
        let room = setup.room
        await expectServiceError("evaluation.host-only") { _ = try await room.startDraw(tender: setup.id, by: try await setup.identity("tenderer-01"), role: .tenderer, address: "x") }
        // The committee seats one representative: none, two, or one not on the tenderer's staff are refused.
        let host = try await setup.identity("agency-01")
        await expectServiceError("draw.representatives") { _ = try await room.startDraw(tender: setup.id, by: host, role: .agency, address: "x") }
        await expectServiceError("draw.representatives") { _ = try await room.startDraw(tender: setup.id, representatives: ["expert-15", "expert-16"], by: host, role: .agency, address: "x") }
        await expectServiceError("draw.representatives") { _ = try await room.startDraw(tender: setup.id, representatives: ["expert-20"], by: host, role: .agency, address: "x") }
        _ = try await room.startDraw(tender: setup.id, representatives: ["expert-15"], by: host, role: .agency, address: "x")
        await expectServiceError("draw.started") { _ = try await room.startDraw(tender: setup.id, representatives: ["expert-15"], by: host, role: .agency, address: "x") }
        try await setup.commitDraw("agency-01", role: .agency)
        // No reveal before a supervisor committed.
        await expectServiceError("draw.commitments-missing") { try await setup.revealDraw("agency-01", role: .agency) }
        // A party outside the evaluation learns nothing, not even that there is one.
        await expectServiceError("evaluation.not-found") { try await setup.commitDraw("tenderer-01", role: .tenderer) }
        try await setup.commitDraw("supervisor-01", role: .supervisor)
        await expectServiceError("draw.value-mismatch") {
            _ = try await room.revealDraw(tender: setup.id, value: Hex.encode([UInt8](repeating: 1, count: 32)), by: try await setup.identity("agency-01"), role: .agency, address: "x")
        }
        try await setup.revealDraw("agency-01", role: .agency)
        // Once someone revealed, nobody else may commit (a late value could be chosen to steer).
        await expectServiceError("draw.revealing") { try await setup.commitDraw("supervisor-02", role: .supervisor) }
        try await setup.revealDraw("supervisor-01", role: .supervisor)
        #expect(try await setup.state().phase == .scoring)
    }

    @Test("a draw before the opening record, or for a tender that draws no committee, is refused")
    func drawNeedsTheOpening() async throws {
        let fixture = try await ServiceFixture()
        let opening = try await OpeningSetup(fixture, id: "T-EVAL-EARLY", policy: .bidder, bidders: ["bidder-01", "bidder-02", "bidder-03"])
        let room = EvaluationRoom(fixture.environment)
        await expectServiceError("draw.not-opened") { _ = try await room.startDraw(tender: opening.id, by: try await fixture.identity("agency-01"), role: .agency, address: "x") }
        // A seat the pool can barely fill would be a chosen seat: refused.
        let narrow = try await EvaluationSetup(fixture, id: "T-EVAL-NARROW", bidders: Array(EvaluationSetup.bidders.prefix(3))) { spec in
            spec.evaluation.committee = CommitteeSpec(size: 5, seats: [.init(specialty: "水利", count: 1), .init(specialty: "市政道路", count: 4)], region: "350100")
        }
        await expectServiceError("draw.pool-too-small") { _ = try await room.startDraw(tender: narrow.id, by: try await fixture.identity("agency-01"), role: .agency, address: "x") }
    }

    @Test("an insider who edits a revealed score, a compliance review or a re-score is caught: the report refuses, the audit names it")
    func insiderEditsAreCaught() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-INSIDER", bidders: Array(EvaluationSetup.bidders.prefix(4)))
        let members = try await setup.draw().members
        try await setup.declareAll()
        try await setup.scoreRound(.technical, EvaluationSetup.typical)
        try await setup.complianceAll()
        try await setup.scoreRound(.commercial, EvaluationSetup.typical)
        #expect(try fixture.audit().problems.isEmpty)
        func sql(_ statement: String, _ values: [SQLValue]) throws {
            try fixture.store.writeNow { tx in _ = try tx.rawSQL(statement, values) }
        }
        let host = try await setup.identity("agency-01")

        // 1. A revealed sheet rewritten in the database (a higher T1 for T01), digest and all.
        let row = try #require(try await fixture.store.read { try $0.evaluationEntry(tender: setup.id, kind: .sheet, member: members[0], round: "technical") })
        let (salt, sheet) = EvaluationRoom.splitSheetEntry(row)
        var edited = try JSONDecoder.ebid.decode(ScoreSheet.self, from: Data(sheet))
        edited.scores["T01"]?["T1"] = ExactDecimal(25)
        let forged = EvaluationRoom.sheetEntry(salt: salt, sheet: [UInt8](try JSONEncoder.ebid.encode(edited)))
        try sql("UPDATE evaluation_entries SET body = ? WHERE tender_id = ? AND kind = 'sheet' AND member = ? AND round = 'technical'",
                [.blob(forged), .text(setup.id), .text(members[0])])
        await expectServiceError("evaluation.integrity") { _ = try await setup.room.generateReport(tender: setup.id, deadlineMinutes: 60, by: host, role: .agency, address: "x") }
        #expect(try fixture.audit().problems.contains { $0.kind == "evaluation" && $0.detail.contains("do not open its signed commitment") })
        try sql("UPDATE evaluation_entries SET body = ? WHERE tender_id = ? AND kind = 'sheet' AND member = ? AND round = 'technical'",
                [.blob(row), .text(setup.id), .text(members[0])])
        #expect(try fixture.audit().problems.isEmpty)

        // 2. A re-score slipped into the state, or a compliance review changed to reject a bid.
        var state = try await setup.state()
        let saved = state
        state.rescores.append(Rescore(member: members[1], round: .technical, code: "T02", criterion: "T1", from: 20, to: 5, reason: "—", at: Date()))
        let forgedState = state
        try await fixture.store.write { try $0.saveEvaluation(forgedState, at: Date()) }
        #expect(try fixture.audit().problems.contains { $0.detail.contains("the re-scores: 1 row(s) the ledger does not record") })
        try await fixture.store.write { try $0.saveEvaluation(saved, at: Date()) }
        let opinions = [UInt8](try JSONEncoder.ebid.encode(try await setup.codes(.technical, as: members[2]).map { ComplianceOpinion(code: $0, reject: $0 == "T01", reasons: ["伪造"]) }))
        try sql("UPDATE evaluation_entries SET body = ? WHERE tender_id = ? AND kind = 'compliance' AND member = ?", [.blob(opinions), .text(setup.id), .text(members[2])])
        let problems = try fixture.audit().problems.map(\.detail)
        #expect(problems.contains { $0.contains("the compliance reviews: 1 row(s) the ledger does not record") })
        #expect(problems.contains { $0.contains("the compliance decisions do not follow") })
        // 3. A member's sheet deleted: the ledger still records its reveal.
        try sql("UPDATE evaluation_entries SET body = ? WHERE tender_id = ? AND kind = 'compliance' AND member = ?",
                [.blob(try #require(try await fixture.store.read { try $0.evaluationEntry(tender: setup.id, kind: .compliance, member: members[3], round: "") })),
                 .text(setup.id), .text(members[2])])
        try sql("DELETE FROM evaluation_entries WHERE tender_id = ? AND kind = 'sheet' AND member = ? AND round = 'commercial'", [.text(setup.id), .text(members[4])])
        let afterDelete = try fixture.audit().problems.map(\.detail)
        #expect(afterDelete.contains { $0.contains("the revealed sheets: 0 row(s) the ledger does not record, 1 recorded in the ledger but missing") })
        #expect(afterDelete.contains { $0.contains("lacks sheets of members \(members[4])") })
        // 4. The maximum price raised in the tenders row (to let a bid above it be scored): the
        //    signed opening record still names the published one.
        try sql("UPDATE tenders SET spec = replace(spec, '38000000.00', '39000000.00') WHERE id = ?", [.text(setup.id)])
        #expect(try fixture.audit().problems.contains { $0.detail.contains("maximum price is not the one the opening record names") })
    }

    @Test("supervisors keep the pool: a suspended expert stays out of the draw with the reason; changes and referrals are in the ledger")
    func poolKeptBySupervisors() async throws {
        let fixture = try await ServiceFixture()
        let registry = ExpertRegistry(fixture.environment)
        let supervisor = try await fixture.identity("supervisor-01")
        let actor = supervisor.actor(role: .supervisor, address: "10.9.2.1")
        let suspended = try await registry.setStatus("expert-04", .suspended, reason: "健康原因暂停", by: actor)
        #expect(suspended.status == .suspended)
        await expectServiceError("expert.status-unchanged") { _ = try await registry.setStatus("expert-04", .suspended, reason: "再次", by: actor) }
        await expectServiceError("expert.reason-required") { _ = try await registry.setStatus("expert-04", .active, reason: " ", by: actor) }
        // Only a registered party with the expert role joins the pool, with valid relations.
        await expectServiceError("expert.not-registered") { _ = try await registry.add(ExpertProfile(id: "bidder-01", specialties: ["桥梁"], region: "350100"), by: actor) }
        await expectServiceError("expert.invalid") {
            _ = try await registry.add(ExpertProfile(id: "expert-05", specialties: ["桥梁"], region: "350100", relations: [.init(creditCode: "123", kind: "friend")]), by: actor)
        }
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-POOL", bidders: Array(EvaluationSetup.bidders.prefix(3)))
        let state = try await setup.draw()
        let record = try #require(try await setup.room.draw(tender: setup.id, for: supervisor).record)
        #expect(record.excluded.first { $0.expert == "expert-04" }?.reasons.map(\.code) == ["suspended"])
        #expect(!state.members.contains("expert-04"))
        _ = try await registry.setStatus("expert-04", .active, reason: "恢复", by: actor)
        let actions = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 100_000) }.filter { $0.object == "expert/expert-04" }.map(\.action)
        #expect(actions.suffix(2) == ["expert.suspend", "expert.restore"])
        // A supervisor refers a member to the credit register: a lead, not a record.
        let lead = try await setup.room.referExpert(tender: setup.id, .init(expert: state.members[0], summary: "评分明显偏离且拒不说明", evidence: "T01 T1"),
                                                    by: supervisor, role: .supervisor, address: "x")
        #expect(lead.kind == .expertMisconduct && lead.status == .open && lead.suggestedCategory == .evaluatorMisconduct)
        await expectServiceError("evaluation.not-a-member") {
            _ = try await setup.room.referExpert(tender: setup.id, .init(expert: "expert-03", summary: "x", evidence: ""), by: supervisor, role: .supervisor, address: "x")
        }
    }

    @Test("the lowest evaluated price method: no scores to seal, compliance review, the lowest compliant price first")
    func lowestEvaluatedPrice() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-LEP", bidders: Array(EvaluationSetup.bidders.prefix(4))) { spec in
            spec.evaluation = EvaluationSpec(method: .lowestEvaluatedPrice, rubric: Rubric(criteria: [], price: nil, tieBreaks: [.draw], candidates: 2),
                                             committee: CommitteeSpec(size: 5, seats: [.init(specialty: "市政道路", count: 3), .init(specialty: "工程造价", count: 2)], region: "350100"))
        }
        let state = try await setup.draw()
        // Nothing to score under codes: the technical round is locked at once and names are shown.
        #expect(state.rounds[.technical] == .locked)
        try await setup.declareAll()
        let view = try await setup.room.bids(tender: setup.id, for: try await setup.identity(state.members[0]))
        #expect(view.namesShown)
        let cheapest = try #require(view.bids.min { $0.price! < $1.price! })
        // The committee rejects the cheapest bid for not responding to a substantive term.
        try await setup.complianceAll(rejecting: Dictionary(uniqueKeysWithValues: state.members.prefix(3).map { ($0, [cheapest.code]) }))
        #expect(try await setup.state().rounds[.commercial] == .locked)
        let host = try await setup.identity("agency-01")
        let report = try await setup.room.generateReport(tender: setup.id, deadlineMinutes: 60, by: host, role: .agency, address: "x").decode(EvaluationRoom.Report.self)
        let ranked = report.bids.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! }
        #expect(ranked.count == 3 && !ranked.contains { $0.code == cheapest.code })
        #expect(ranked.map(\.price) == ranked.map(\.price).sorted())
        #expect(report.candidates.count == 2)
        #expect(report.bids.first { $0.code == cheapest.code }?.rejectionReasons == ["未实质性响应"])
    }

    @Test("a member who never reveals does not stall the tender: after the grace period the host replaces it, and the replacement scores")
    func silentMemberReplaced() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-EVAL-SILENT", bidders: Array(EvaluationSetup.bidders.prefix(3)))
        let members = try await setup.draw().members
        try await setup.declareAll()
        let criteria = EvaluationRoom.criteria(.technical, setup.opening.spec.evaluation.rubric)
        for member in members {
            let codes = try await setup.codes(.technical, as: member)
            try await setup.commit(member, .technical, scores: Dictionary(uniqueKeysWithValues: codes.map { ($0, Dictionary(uniqueKeysWithValues: criteria.map { ($0.id, $0.maximum) })) }))
        }
        let silent = members[0]
        for member in members.dropFirst() { try await setup.reveal(member, .technical) }
        let host = try await setup.identity("agency-01")
        // Not before the grace period (an hour): the host cannot pick off a member who is merely slow.
        await expectServiceError("draw.member-declared") { _ = try await setup.room.replaceMember(tender: setup.id, expert: silent, reason: "absent", by: host, role: .agency, address: "x") }
        // Nor a member who revealed.
        fixture.clock.advance(by: 3601)
        await expectServiceError("draw.member-declared") { _ = try await setup.room.replaceMember(tender: setup.id, expert: members[1], reason: "absent", by: host, role: .agency, address: "x") }
        let pick = try await setup.room.replaceMember(tender: setup.id, expert: silent, reason: "absent", by: host, role: .agency, address: "x")
        let replacement = pick.expert
        #expect(try await setup.state().rounds[.technical] == .revealing)
        try await setup.declare(replacement)
        let codes = try await setup.codes(.technical, as: replacement)
        try await setup.commit(replacement, .technical, scores: Dictionary(uniqueKeysWithValues: codes.map { ($0, Dictionary(uniqueKeysWithValues: criteria.map { ($0.id, $0.maximum) })) }))
        try await setup.reveal(replacement, .technical)
        let state = try await setup.state()
        #expect(state.rounds[.technical] == .locked)
        #expect(!state.members.contains(silent) && state.members.contains(replacement))
        // The silent member's commitment stays on record; the audit is still satisfied.
        #expect(try fixture.audit().problems.isEmpty)
    }
}
