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

extension EvaluationSetup {
    /// Draw, score both rounds, report, sign, publish for 3 days and award (the first candidate).
    func runToAward(objection: Bool = false) async throws {
        _ = try await draw()
        try await declareAll()
        try await scoreRound(.technical, EvaluationSetup.typical)
        try await complianceAll()
        try await scoreRound(.commercial, EvaluationSetup.typical)
        let host = try await identity("agency-01")
        _ = try await room.generateReport(tender: id, deadlineMinutes: 60, by: host, role: .agency, address: "x")
        for member in try await state().members { try await sign(member) }
        _ = try await room.finalizeReport(tender: id, by: host, role: .agency, address: "x")
        _ = try await room.publish(tender: id, days: 3, by: host, role: .agency, address: "x")
        if objection {
            _ = try await room.objectToResult(tender: id, text: "请复核业绩", by: try await identity("bidder-04"), address: "x")
            fixture.clock.advance(by: 86_400)
            _ = try await room.answerResultObjection(tender: id, number: 1, text: "经核查属实", by: host, role: .agency, address: "x")
        }
        fixture.clock.advance(by: 3 * 86_400 + 1)
        _ = try await room.award(tender: id, winnerRank: nil, reason: nil, by: host, role: .agency, address: "x")
    }
}

/// E-supervision (电子监察): the time limits of RULES.md watched by the service itself.
@Suite("E-supervision")
struct ESupervisionTests {
    func statement(_ fixture: ServiceFixture, tender: String, _ step: SupervisedStep, doneAt: Date, amount: String? = nil, by party: String = "agency-01",
                   signer: String? = nil) async throws -> StepStatement {
        let document = StepStatementDocument(tenderId: tender, step: step, doneAt: doneAt, amount: amount.flatMap(ExactDecimal.init), text: "合同编号 HT-2026-001")
        let statement = try EvaluationSetup.statement(document, by: signer ?? party)
        return try await ESupervision(fixture.environment).recordStatement(tender: tender, statement, by: try await fixture.identity(party), role: .agency, address: "10.0.0.9")
    }

    @Test("cards by themselves: a reminder before the contract limit (Law art. 46), yellow and red for the late report (Law art. 47), closed by signed statements, never deleted")
    func cardsRaisedAndClosed() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-WATCH")
        try await setup.runToAward(objection: true)
        let watch = ESupervision(fixture.environment)
        // Everything done by the service was on time: the opening at the deadline, the report within
        // the tender's 5 days, the candidates at once, the objection answered within 3 days.
        // (The opening's collusion signals — bidders 05 and 06 — are an alert, not a card.)
        let first = try await watch.scan()
        #expect(first.raised.map(\.id) == ["T-WATCH/anomaly/collusion"], "\(first.raised.map(\.id))")
        let awardedAt = try #require(try await setup.state().awardedAt)

        // 29.5 days after the award: the contract is due within a day (reminder); the report to the
        // supervisors was due after 15 days and is 14.5 days late (yellow, and red: more than 2 days).
        fixture.clock.advance(by: 29.5 * 86_400)
        let late = try await watch.scan()
        let ids = Set(late.raised.map(\.id))
        #expect(ids == ["T-WATCH/contract-signed/reminder", "T-WATCH/report-filed/yellow", "T-WATCH/report-filed/red"], "\(ids)")
        #expect(late.raised.allSatisfy { $0.responsible == "agency-01" && $0.tenderId == "T-WATCH" })
        #expect(late.raised.first { $0.level == .red }?.article == "《招标投标法》第四十七条")
        #expect(try await watch.scan().raised.isEmpty)  // a card exists once

        // The owner records the contract (signed on day 20) and the report with signed statements:
        // the cards close. Bid security was due 5 days after the contract (Reg. art. 57): 4.5 days
        // late, so yellow and red at once.
        let contract = try await statement(fixture, tender: "T-WATCH", .contractSigned, doneAt: awardedAt.addingTimeInterval(20 * 86_400), amount: "35960500.00")
        #expect(contract.statement.certificate != nil && contract.amount == ExactDecimal("35960500.00"))
        _ = try await statement(fixture, tender: "T-WATCH", .reportFiled, doneAt: fixture.clock.now())
        let closing = try await watch.scan()
        #expect(Set(closing.closed) == ids)
        #expect(Set(closing.raised.map(\.id)) == ["T-WATCH/security-returned/yellow", "T-WATCH/security-returned/red"])
        let all = try await watch.alerts(open: nil, tender: "T-WATCH", limit: 100)
        #expect(all.count == 6 && all.filter { $0.closedAt != nil }.count == 3)  // closed, kept
        #expect(Set(try await watch.alerts(open: true, tender: nil, limit: 100).map(\.id))
                == ["T-WATCH/security-returned/yellow", "T-WATCH/security-returned/red", "T-WATCH/anomaly/collusion"])

        // Efficiency: 7 steps (opening, evaluation, candidates, the objection's answer, contract,
        // report, security); 6 done, 5 of 7 on time; the report 14.5 days late.
        let report = try await watch.efficiency()
        let centre = try #require(report.rows.first)
        #expect(centre.scope == "centre")
        #expect(centre.steps == 7 && centre.done == 6 && centre.overdue == 1)
        #expect(centre.onTime == 5)
        #expect(centre.onTimePercent == ExactDecimal("71.4"))
        #expect(centre.cardsRaised == 5 && centre.cardsClosed == 3)
        let reportRow = try #require(report.rows.first { $0.scope == "step" && $0.name == "report-filed" })
        #expect(reportRow.worstDelayDays == ExactDecimal("14.50"))
        #expect(report.summary.onTimePercent == ExactDecimal("71.4"))

        // Every card is a ledger event; the audit binds the rows to them.
        let events = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 100_000) }
        #expect(events.filter { $0.action == "supervision.card" }.count == 6)
        #expect(events.filter { $0.action == "supervision.card-closed" }.count == 3)
        #expect(events.filter { $0.action == "supervision.statement" }.count == 2)
        #expect(try fixture.audit().problems.isEmpty)
    }

    @Test("statements: signed by the owner's own key, for its tender, once, the contract before the security; else refused with a code")
    func statementsRefused() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-STATE")
        await expectServiceError("statement.not-awarded") { _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: fixture.clock.now()) }
        try await setup.runToAward()
        let now = fixture.clock.now()
        await expectServiceError("statement.signature-invalid") { _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now, signer: "tenderer-01") }
        await expectServiceError("statement.no-contract") { _ = try await statement(fixture, tender: "T-STATE", .securityReturned, doneAt: now) }
        await expectServiceError("statement.step") { _ = try await statement(fixture, tender: "T-STATE", .openingAtDeadline, doneAt: now) }
        await expectServiceError("statement.before-award") {
            _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now.addingTimeInterval(-30 * 86_400))
        }
        await expectServiceError("statement.invalid") { _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now.addingTimeInterval(86_400)) }
        await expectServiceError("statement.amount") { _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now, amount: "-5") }
        await expectServiceError("tender.not-owner") { _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now, by: "tenderer-01") }
        // A statement for another tender, presented here.
        let other = try EvaluationSetup.statement(StepStatementDocument(tenderId: "T-OTHER", step: .contractSigned, doneAt: now, amount: nil, text: "x"), by: "agency-01")
        await expectServiceError("statement.wrong-tender") {
            _ = try await ESupervision(fixture.environment).recordStatement(tender: "T-STATE", other, by: try await fixture.identity("agency-01"), role: .agency, address: "x")
        }
        _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now)
        await expectServiceError("statement.exists") { _ = try await statement(fixture, tender: "T-STATE", .contractSigned, doneAt: now) }
        #expect(try await ESupervision(fixture.environment).statements(tender: "T-STATE").count == 1)
    }

    @Test("objections to the documents (Reg. art. 22): 10 days before the deadline at the latest, answered within 3 days or carded; nobody learns who objected")
    func documentObjections() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.publishTender(try fixture.spec(id: "T-DOCS", deadlineIn: 25))
        let desk = TenderDesk(fixture.environment)
        let bidder = try await fixture.identity("bidder-02")
        let first = try await desk.raiseDocumentObjection(tender: "T-DOCS", text: "工期要求与图纸不一致", by: bidder, address: "10.1.1.1")
        #expect(first.number >= 100_000 && first.party == "bidder")  // a random number: it says nothing of how many others objected
        await expectServiceError("objection.invalid") { _ = try await desk.raiseDocumentObjection(tender: "T-DOCS", text: "  ", by: bidder, address: "x") }
        // The owner sees it without the objector; another bidder sees nothing; the objector its own.
        let owner = try await desk.documentObjections(tender: "T-DOCS", for: try await fixture.identity("agency-01"))
        #expect(owner.count == 1 && owner[0].objection.party == "bidder" && !owner[0].mine)
        #expect(try await desk.documentObjections(tender: "T-DOCS", for: try await fixture.identity("bidder-03")).isEmpty)
        #expect(try await desk.documentObjections(tender: "T-DOCS", for: bidder).map(\.mine) == [true])
        let name = bidder.party.name
        let number = first.number
        let watch = ESupervision(fixture.environment)
        // Answered after 4 days: late. Before the deadline nothing shows it — no card, no figure,
        // no ledger event in the supervisors' view (each would say a potential bidder exists).
        fixture.clock.advance(by: 4 * 86_400)
        await expectServiceError("tender.not-owner") {
            _ = try await desk.answerDocumentObjection(tender: "T-DOCS", number: number, text: "x", by: try await fixture.identity("tenderer-01"), role: .tenderer, address: "x")
        }
        _ = try await desk.answerDocumentObjection(tender: "T-DOCS", number: number, text: "以图纸为准，见第1号澄清", by: try await fixture.identity("agency-01"), role: .agency, address: "x")
        await expectServiceError("objection.answered") {
            _ = try await desk.answerDocumentObjection(tender: "T-DOCS", number: number, text: "again", by: try await fixture.identity("agency-01"), role: .agency, address: "x")
        }
        #expect(try await watch.scan().raised.isEmpty)
        #expect(try await watch.efficiency().rows.first?.steps == 0)
        let before = try await Supervision(fixture.environment).events(LedgerQuery(tender: "T-DOCS")).events.map(\.event.action)
        #expect(!before.contains("tender.objection") && !before.contains("tender.objection-answer"))
        // Less than 10 days before the deadline: too late (Reg. art. 22).
        fixture.clock.advance(by: 13 * 86_400)
        await expectServiceError("objection.too-late") { _ = try await desk.raiseDocumentObjection(tender: "T-DOCS", text: "还有问题", by: bidder, address: "x") }
        // After the deadline: judged, carded (the owner named, never the objector), and the answer shown.
        fixture.clock.advance(by: 9 * 86_400)
        // Done late: the yellow card is raised and closed in the same scan, and kept.
        let scan = try await watch.scan()
        let raised = scan.raised.filter { $0.step == .documentObjectionAnswered }
        #expect(Set(raised.map(\.id)) == ["T-DOCS/document-objection-answered/\(number)/yellow"])
        #expect(raised.allSatisfy { $0.responsible == "agency-01" && !$0.text.contains(name) && $0.article == "《实施条例》第二十二条" })
        #expect(scan.closed.contains("T-DOCS/document-objection-answered/\(number)/yellow"))
        let after = try await Supervision(fixture.environment).events(LedgerQuery(tender: "T-DOCS")).events.map(\.event.action)
        #expect(after.contains("tender.objection-answer"))
        #expect(try fixture.audit().problems.isEmpty)
    }

    @Test("an insider who answers an objection to the documents in the database, or deletes one, is named by the audit")
    func objectionRowsAudited() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.publishTender(try fixture.spec(id: "T-OBJ", deadlineIn: 25))
        let objection = try await TenderDesk(fixture.environment).raiseDocumentObjection(tender: "T-OBJ", text: "图纸不全", by: try await fixture.identity("bidder-02"),
                                                                                         address: "x")
        #expect(try fixture.audit().problems.isEmpty)
        _ = try await fixture.store.write { tx in
            try tx.rawSQL(fixture.store.isPostgres ? """
                UPDATE document_objections SET body = jsonb_set(jsonb_set(body::jsonb, '{answer}', '"已答复"'), '{answeredAt}', '"2026-01-01T00:00:00Z"')::text
                WHERE number = \(objection.number)
                """ : """
                UPDATE document_objections SET body = json_set(body, '$.answer', '已答复', '$.answeredAt', '2026-01-01T00:00:00Z') WHERE number = \(objection.number)
                """)
        }
        #expect(try fixture.audit().problems.contains { $0.kind == "document-objection" })
        _ = try await fixture.store.write { tx in try (tx as! SQLTransaction).connection.run("DELETE FROM document_objections") }
        #expect(try fixture.audit().problems.contains { $0.kind == "document-objection" && $0.detail.contains("row is gone") })
    }

    @Test("anomalies are alerts: the opening's collusion signals, the platform's own errors")
    func anomalies() async throws {
        let fixture = try await ServiceFixture()
        _ = try await EvaluationSetup(fixture, id: "T-ODD")  // bidders 05 and 06 name the same project manager
        fixture.environment.faults.record("HTTP 500")
        let raised = try await ESupervision(fixture.environment).scan().raised
        #expect(raised.contains { $0.id == "T-ODD/anomaly/collusion" && $0.level == .alert && $0.article == "《实施条例》第四十条" })
        #expect(raised.contains { $0.anomaly == "platform-errors" && $0.text.contains("HTTP 500") })
        #expect(try await ESupervision(fixture.environment).scan().raised.isEmpty)
    }

    @Test("an insider who deletes or edits a card, or deletes a statement, is named by the audit")
    func insiderCaught() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-HIDE")
        try await setup.runToAward()
        fixture.clock.advance(by: 20 * 86_400)
        _ = try await ESupervision(fixture.environment).scan()
        _ = try await statement(fixture, tender: "T-HIDE", .contractSigned, doneAt: fixture.clock.now())
        #expect(try fixture.audit().problems.isEmpty)
        _ = try await fixture.store.write { tx in
            try (tx as! SQLTransaction).connection.run("UPDATE supervision_cards SET body = replace(body, '黄牌', '提醒') WHERE id = 'T-HIDE/report-filed/yellow'")
        }
        #expect(try fixture.audit().problems.contains { $0.kind == "supervision-card" })
        _ = try await fixture.store.write { tx in
            _ = try (tx as! SQLTransaction).connection.run("DELETE FROM supervision_cards WHERE id = 'T-HIDE/report-filed/red'")
            return try (tx as! SQLTransaction).connection.run("DELETE FROM supervision_statements")
        }
        let kinds = Set(try fixture.audit().problems.map(\.kind))
        #expect(kinds.isSuperset(of: ["supervision-card", "supervision-card-missing", "supervision-statement"]), "\(kinds)")
        // The next scan raises the deleted card again: a card raised twice is named too.
        _ = try await ESupervision(fixture.environment).scan()
        #expect(try fixture.audit().problems.contains { $0.kind == "supervision-card-missing" && $0.detail.contains("raised twice") })
    }

    @Test("an insider who marks an open card closed in the database is named by the audit")
    func closedColumnForged() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await EvaluationSetup(fixture, id: "T-SHUT")
        try await setup.runToAward()
        fixture.clock.advance(by: 20 * 86_400)
        _ = try await ESupervision(fixture.environment).scan()
        #expect(try await ESupervision(fixture.environment).alerts(open: true, tender: "T-SHUT", limit: 10).contains { $0.level == .red })
        _ = try await fixture.store.write { tx in
            try (tx as! SQLTransaction).connection.run("UPDATE supervision_cards SET closed_at = 1 WHERE id = 'T-SHUT/report-filed/red'")
        }
        #expect(try fixture.audit().problems.contains { $0.kind == "supervision-card" && $0.detail.contains("closed_at") })
    }

    @Test("the dashboard: a one-time link opens one browser session; the cookie works for GET pages only; nobody else gets in")
    func dashboardLogin() async throws {
        let fixture = try await ServiceFixture()
        let supervisor = try await fixture.token("supervisor-01")
        let bidder = try await fixture.token("bidder-01")
        try await fixture.app.test(.router) { client in
            // Only supervisors get a link.
            let refused = try await client.execute(uri: "/v1/auth/web-link", method: .post, headers: [.authorization: "Bearer \(bidder)"]) { $0.status }
            #expect(refused == .forbidden)
            struct Link: Decodable { var path: String }
            let link = try await client.execute(uri: "/v1/auth/web-link", method: .post, headers: [.authorization: "Bearer \(supervisor)"]) { response in
                try JSONDecoder.ebid.decode(Link.self, from: Data(buffer: response.body))
            }
            let (status, cookie) = try await client.execute(uri: link.path, method: .get) { ($0.status, $0.headers[.setCookie] ?? "") }
            #expect(status == .seeOther)
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/supervise"))
            let session = try #require(cookie.split(separator: ";").first.map(String.init))
            // Used once.
            #expect(try await client.execute(uri: link.path, method: .get) { $0.status } == .unauthorized)
            let page = try await client.execute(uri: "/supervise", method: .get, headers: [.cookie: session]) { ($0.status, String(buffer: $0.body)) }
            #expect(page.0 == .ok && page.1.contains("效能评估") && page.1.contains("<html lang=\"zh-CN\""))
            // No cookie: a page that says how to log in.
            let anonymous = try await client.execute(uri: "/supervise", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(anonymous.0 == .unauthorized && anonymous.1.contains("ebid supervise login"))
            // The cookie never authorises a change, nor a JSON route.
            #expect(try await client.execute(uri: "/v1/auth/web-link", method: .post, headers: [.cookie: session]) { $0.status } == .unauthorized)
            #expect(try await client.execute(uri: "/v1/supervision/alerts", method: .get, headers: [.cookie: session]) { $0.status } == .unauthorized)
            // An API token in the cookie does not open the page; the page's token is no API token.
            #expect(try await client.execute(uri: "/supervise", method: .get, headers: [.cookie: "ebid_session=\(bidder)"]) { $0.status } == .unauthorized)
            let token = String(session.dropFirst("ebid_session=".count))
            #expect(try await client.execute(uri: "/v1/supervision/alerts", method: .get, headers: [.authorization: "Bearer \(token)"]) { $0.status } == .unauthorized)
        }
        // A link lives two minutes.
        let (code, _) = try await ESupervision(fixture.environment).webLink(for: try await fixture.identity("supervisor-01"))
        fixture.clock.advance(by: 121)
        await expectServiceError("auth.link-invalid") { _ = try await IdentityDesk(fixture.environment).openWebSession(code: code, address: "x") }
        let logins = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 10_000) }.filter { $0.action == "auth.web-login" }
        #expect(logins.count == 1)
    }
}
