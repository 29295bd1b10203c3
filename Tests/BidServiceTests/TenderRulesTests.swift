@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Tender publication rules")
struct TenderRulesTests {
    @Test("Law art. 24: fewer than 20 days from document issue to the deadline is refused; 20 is enough")
    func twentyDays() async throws {
        let fixture = try await ServiceFixture()
        await expectServiceError("tender.bid-period-too-short", status: 422) {
            try await fixture.publishTender(try fixture.spec(id: "T-19", deadlineIn: 19.9))
        }
        try await fixture.publishTender(try fixture.spec(id: "T-20", deadlineIn: 20.01))
    }

    @Test("Reg. art. 16: documents on issue for fewer than 5 days is refused")
    func fiveDays() async throws {
        let fixture = try await ServiceFixture()
        var spec = try fixture.spec(id: "T-ISSUE")
        spec.documentIssueEnd = fixture.clock.now().addingTimeInterval(4 * 86_400)
        await expectServiceError("tender.issue-period-too-short", status: 422) { try await fixture.publishTender(spec) }
    }

    @Test("the demo profile shortens the periods: a day lasts a second")
    func demoPeriods() async throws {
        let fixture = try await ServiceFixture(profile: .demo)
        await expectServiceError("tender.bid-period-too-short") { try await fixture.publishTender(try fixture.spec(id: "T-D1", deadlineIn: 19)) }
        let (spec, _) = try await fixture.publishTender(try fixture.spec(id: "T-D2", deadlineIn: 21))
        let view = try await TenderDesk(fixture.environment).view(spec.id, for: nil)
        #expect(view.notice?.contains("demo profile") == true)
        #expect(view.profile == .demo)
    }

    @Test("draft then publish: a retried publish is refused, nothing is published twice")
    func publishOnce() async throws {
        let fixture = try await ServiceFixture()
        let (spec, _) = try await fixture.publishTender()
        let agency = try await fixture.identity("agency-01")
        await expectServiceError("tender.already-published", status: 409) {
            _ = try await TenderDesk(fixture.environment).publish(spec.id, by: agency, role: .agency, address: "test")
        }
        await expectServiceError("tender.exists", status: 409) {
            _ = try await TenderDesk(fixture.environment).createDraft(spec, openingKeys: [], by: agency, role: .agency, address: "test")
        }
        let events = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 1000) }
        #expect(events.filter { $0.action == "tender.publish" && $0.tenderId == spec.id }.count == 1)
    }

    @Test("drafts are invisible to everyone but their owner; only the owner may change a tender")
    func draftsAndOwnership() async throws {
        let fixture = try await ServiceFixture()
        let spec = try fixture.spec(id: "T-DRAFT")
        let agency = try await fixture.identity("agency-01")
        let desk = TenderDesk(fixture.environment)
        try await fixture.ceremony(tender: spec.id)
        _ = try await desk.createDraft(spec, openingKeys: [], by: agency, role: .agency, address: "test")
        #expect(try await desk.view(spec.id, for: agency).status == .draft)
        await expectServiceError("tender.not-found", status: 404) { _ = try await desk.view(spec.id, for: nil) }
        await expectServiceError("tender.not-found", status: 404) { _ = try await desk.view(spec.id, for: try await fixture.identity("bidder-01")) }
        #expect(try await desk.list().isEmpty)
        let tenderer = try await fixture.identity("tenderer-01")
        await expectServiceError("tender.not-found", status: 404) { _ = try await desk.publish(spec.id, by: tenderer, role: .tenderer, address: "test") }
        await expectServiceError("tender.no-documents", status: 422) { _ = try await desk.publish(spec.id, by: agency, role: .agency, address: "test") }
    }

    @Test("a tender must name registered parties, fit its suites' opening keys, and be valid")
    func invalidSpecs() async throws {
        let fixture = try await ServiceFixture(dealerKeys: true)
        let agency = try await fixture.identity("agency-01")
        let desk = TenderDesk(fixture.environment)
        func create(_ spec: TenderSpec, _ keys: [OpeningKeyFile]? = nil) async throws {
            _ = try await desk.createDraft(spec, openingKeys: try keys ?? fixture.dealerKeys(spec.acceptedSuites), by: agency, role: .agency, address: "test")
        }
        var noNIST = try fixture.spec(id: "T-K1", suites: [.gm, .nist])
        await expectServiceError("tender.opening-key-missing") { try await create(noNIST, try fixture.dealerKeys([.gm])) }
        noNIST.acceptedSuites = [.gm]
        await expectServiceError("tender.opening-key-extra") { try await create(noNIST, try fixture.dealerKeys([.gm, .nist])) }
        // Shares held by someone who is not a registered opening official.
        let strangers = try OpeningKeyDealer.generate(suite: .gm, officials: [try ServiceFixture.certificate("bidder-01"), try ServiceFixture.certificate("bidder-02")], threshold: 2)
        await expectServiceError("tender.unknown-official") { try await create(try fixture.spec(id: "T-K2"), [strangers]) }
        var price = try fixture.spec(id: "T-P")
        price.maximumPrice = "1e9"
        await expectServiceError("tender.invalid") { try await create(price) }
        var tenderer = try fixture.spec(id: "T-T")
        tenderer.tenderer = "bidder-01"
        await expectServiceError("tender.unknown-tenderer") { try await create(tenderer) }
        var item = try fixture.spec(id: "T-I")
        item.openingRecordItems = ["price", "secretSauce"]
        await expectServiceError("tender.invalid") { try await create(item) }
        var method = try fixture.spec(id: "T-M")
        method.evaluation.rubric.candidates = 4  // Reg. art. 53: at most 3
        await expectServiceError("rubric.invalid") { try await create(method) }
        var committee = try fixture.spec(id: "T-C")
        committee.evaluation.committee?.size = 6  // Law art. 37: an odd number, 5 or more
        await expectServiceError("committee.invalid") { try await create(committee) }
        var slash = try fixture.spec(id: "T-S")
        slash.id = "../T"
        await expectServiceError("tender.invalid") { try await create(slash) }
        // A tenderer may publish its own tender; the agency of another tenderer may not act for a tenderer it is not named for.
        let other = try await fixture.identity("tenderer-01")
        var mine = try fixture.spec(id: "T-OWN")
        mine.agency = nil
        _ = try await desk.createDraft(mine, openingKeys: try fixture.dealerKeys([.gm]), by: other, role: .tenderer, address: "test")
        let bidder = try await fixture.identity("bidder-02")
        await expectServiceError("tender.not-a-party", status: 403) {
            _ = try await desk.createDraft(try fixture.spec(id: "T-X"), openingKeys: try fixture.dealerKeys([.gm]), by: bidder, role: .tenderer, address: "test")
        }
    }

    @Test("Law art. 23: an amendment less than 15 days before the deadline must move it; deadlines never move earlier")
    func amendments() async throws {
        let fixture = try await ServiceFixture()
        let (spec, _) = try await fixture.publishTender(try fixture.spec(id: "T-AMEND", deadlineIn: 25))
        let agency = try await fixture.identity("agency-01")
        let desk = TenderDesk(fixture.environment)
        let deadline = spec.bidDeadline!
        // 11 days in: 14 days remain.
        fixture.clock.advance(by: 11 * 86_400)
        let first = try await desk.createAmendment(tender: spec.id, .init(title: "澄清一", text: "工程量清单更正", newDeadline: nil), by: agency, role: .agency, address: "test")
        _ = try await desk.addDocument(tender: spec.id, amendment: first.number, name: "澄清文件.txt", contentType: "text/plain",
                                       body: ByteBufferSequence([Array("更正".utf8)]), by: agency, role: .agency, address: "test")
        let refused = await expectServiceError("amendment.deadline-must-move", status: 422) {
            _ = try await desk.publishAmendment(tender: spec.id, number: first.number, by: agency, role: .agency, address: "test")
        }
        #expect(refused?.extra["earliestDeadline"] != nil)
        // The draft amendment and its document are not public meanwhile.
        #expect(try await desk.view(spec.id, for: nil).amendments.isEmpty)
        await expectServiceError("document.not-found") { _ = try await desk.document(tender: spec.id, name: "澄清文件.txt", for: nil) }
        // A second draft cannot be opened while one is open; an earlier deadline is refused.
        await expectServiceError("amendment.draft-open") {
            _ = try await desk.createAmendment(tender: spec.id, .init(title: "x", text: "y", newDeadline: nil), by: agency, role: .agency, address: "test")
        }
        await expectServiceError("amendment.deadline-earlier") {
            _ = try await desk.publishAmendment(tender: spec.id, number: first.number, newDeadline: deadline.addingTimeInterval(-86_400),
                                                by: agency, role: .agency, address: "test")
        }
        await expectServiceError("amendment.deadline-must-move") {
            _ = try await desk.publishAmendment(tender: spec.id, number: first.number, newDeadline: fixture.clock.now().addingTimeInterval(15 * 86_400 - 60),
                                                by: agency, role: .agency, address: "test")
        }
        let moved = fixture.clock.now().addingTimeInterval(15 * 86_400 + 60)
        let view = try await desk.publishAmendment(tender: spec.id, number: first.number, newDeadline: moved, by: agency, role: .agency, address: "test")
        #expect(abs(view.deadline.timeIntervalSince(moved)) < 0.01)
        #expect(view.amendments.map(\.status) == [.published])
        let publicView = try await desk.view(spec.id, for: nil)
        #expect(publicView.documents.map(\.name).contains("澄清文件.txt"))
        #expect(try await desk.document(tender: spec.id, name: "澄清文件.txt", for: nil).document.amendment == 1)
    }

    @Test("documents download anonymously and are recorded nowhere")
    func anonymousDownload() async throws {
        let fixture = try await ServiceFixture()
        let (spec, _) = try await fixture.publishTender()
        let before = try await fixture.store.read { try $0.ledgerHead()?.seq ?? 0 }
        try await fixture.app.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/v1/tenders/\(spec.id)/documents/" + "招标文件.txt".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                                         method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == "招标文件正文")
                }
            }
        }
        #expect(try await fixture.store.read { try $0.ledgerHead()?.seq ?? 0 } == before)
    }
}
