@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Testing
import TestSupport

@Suite("The opening (开标): remote and threshold decryption, the record, objections")
struct OpeningTests {
    static let four = ["bidder-01", "bidder-02", "bidder-03", "bidder-04"]

    // MARK: Starting

    @Test("Law art. 34: the opening starts at the deadline, by the host only; before it, it is refused")
    func startRules() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-START", policy: .bidder, bidders: Self.four)
        await expectServiceError("opening.before-deadline", status: 409) { try await setup.start() }
        setup.passDeadline()
        await expectServiceError("opening.not-host", status: 403) { try await setup.start(as: "bidder-01", role: .bidder) }
        await expectServiceError("opening.not-host", status: 403) { try await setup.start(as: "supervisor-01", role: .supervisor) }
        let view = try await setup.start(as: "official-02", role: .official)
        #expect(view.status == .decrypting)
        #expect(view.bidCount == 4)
        #expect(view.bids?.count == 4)
        #expect(view.windowEndsAt == view.startedAt.addingTimeInterval(30 * 60))
        await expectServiceError("opening.already-started", status: 409) { try await setup.start() }
        let tender = try #require(try await fixture.store.read { try $0.tender(id: setup.id) })
        #expect(tender.status == .opening)
        #expect(try await setup.ledger(action: "opening.start").count == 1)
    }

    @Test("Law art. 28, Reg. art. 44: fewer than three bids — no opening, a signed failed record, and a re-tender")
    func tooFewBids() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-FEW", policy: .bidder, bidders: ["bidder-01", "bidder-02"])
        setup.passDeadline()
        let view = try await setup.start()
        #expect(view.status == .failed)
        let (record, signed) = try await setup.record()
        #expect(record.outcome == .failed)
        #expect(record.bidCount == 2)
        #expect(record.failureReason?.contains("fewer than three") == true)
        #expect(record.bids.map(\.bidder).sorted() == ["bidder-01", "bidder-02"])
        #expect(try signed.verify(with: fixture.environment.platform.certificate))
        #expect(try #require(try await fixture.store.read { try $0.tender(id: setup.id) }).status == .failed)
        // The failed record's digest is in the ledger.
        let event = try #require(try await setup.ledger(action: "opening.failed").first)
        #expect(event.payloadDigest == Hex.encode(StreamingDigest.hash(signed.document, using: .sm3)))
        // Nothing can be decrypted in a failed opening.
        await expectServiceError("opening.closed") { try await setup.decrypt("bidder-01", key: [UInt8](repeating: 1, count: 32)) }

        // A re-tender names the failed one; a re-tender of a tender that did not fail is refused.
        var again = try fixture.spec(id: "T-OPEN-FEW-2")
        again.retenderOf = setup.id
        try await fixture.publishTender(again)
        var wrong = try fixture.spec(id: "T-OPEN-FEW-3")
        wrong.retenderOf = "T-OPEN-FEW-2"
        await expectServiceError("tender.retender-invalid") { try await fixture.publishTender(wrong) }
    }

    // MARK: Bidder policy (远程解密)

    @Test("bidder policy: bidders decrypt remotely; items read from the verified manifest; the record is signed and its hash is in the ledger")
    func bidderPolicy() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-BIDDER", policy: .bidder, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        for bidder in Self.four.prefix(3) {
            let view = try await setup.decrypt(bidder)
            #expect(view.state == .opened)
            #expect(view.openedBy == .bidder)
        }
        // The fourth does not decrypt: still waiting until the window closes, then revoked.
        #expect(try await setup.state("bidder-04").state == .pending)
        #expect(try await fixture.store.read { try $0.opening(tender: setup.id) }?.status == .decrypting)
        try await setup.passWindow()
        let late = try await setup.state("bidder-04")
        #expect(late.state == .revoked)
        #expect(late.failure?.fault == .bidder)
        #expect(late.failure?.code == "opening.not-decrypted")

        let (record, signed) = try await setup.record()
        #expect(record.outcome == .completed)
        #expect(record.tender.maximumPrice == "38000000.00")
        #expect(record.bids.count == 4)
        let first = try #require(record.bids.first { $0.bidder == "bidder-01" })
        let summary = try JSONDecoder.ebid.decode(BidSummary.self, from: Data(contentsOf: URL(fileURLWithPath: "\(ServiceFixture.seeds)/bids/bidder-01.summary.json")))
        #expect(first.items["price"] == summary.price)
        #expect(first.items["durationDays"] == String(summary.durationDays))
        #expect(first.items["projectManager"] == summary.projectManager)
        #expect(first.openedBy == .bidder)
        #expect(first.packageDigest == setup.receipts["bidder-01"]?.bid.packageDigest)
        #expect(abs(first.receivedAt.timeIntervalSince(try #require(setup.receipts["bidder-01"]).receivedAt)) < 1)  // JSON times are to the second
        #expect(record.bids.first { $0.bidder == "bidder-04" }?.items.isEmpty == true)
        // Signed by the platform, checkable with its certificate only; a changed byte fails.
        #expect(try signed.verify(with: fixture.environment.platform.certificate))
        var altered = signed
        altered.document[altered.document.count / 2] ^= 1
        #expect(try !altered.verify(with: fixture.environment.platform.certificate))
        let event = try #require(try await setup.ledger(action: "opening.complete").first)
        #expect(event.payloadDigest == Hex.encode(StreamingDigest.hash(signed.document, using: .sm3)))
        #expect(try #require(try await fixture.store.read { try $0.tender(id: setup.id) }).status == .opened)
        // The opened parts are stored for the evaluation, byte for byte as sealed.
        let parts = try await fixture.store.read { try $0.openedParts(bid: try #require(setup.receipts["bidder-01"]).bid.id) }
        #expect(parts.count == 2)
        let technical = try Data(contentsOf: URL(fileURLWithPath: "\(ServiceFixture.seeds)/bids/parts/bidder-01/technical.txt"))
        #expect(parts.contains { FileManager.default.contents(atPath: fixture.store.blobs.path($0.blob)) == technical })
    }

    @Test("the price is read as an exact decimal from the manifest")
    func exactPrice() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-PRICE", policy: .bidder, bidders: Self.four,
                                           overrides: ["bidder-02": .init(mutateManifest: { $0.summary.price = "36123456.07" })])
        setup.passDeadline()
        try await setup.start()
        for bidder in Self.four { try await setup.decrypt(bidder) }
        let (record, _) = try await setup.record()
        #expect(record.bids.first { $0.bidder == "bidder-02" }?.items["price"] == "36123456.07")
    }

    @Test("a wrong content key is refused without changing the bid's state; the right one still opens it; after the window it is revoked")
    func wrongContentKey() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-WRONGKEY", policy: .bidder, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        await expectServiceError("opening.content-key-mismatch", status: 422) { try await setup.decrypt("bidder-01", key: SecureRandom.bytes(32)) }
        await expectServiceError("opening.content-key-mismatch", status: 422) { try await setup.decrypt("bidder-01", key: SecureRandom.bytes(32)) }
        var state = try await setup.state("bidder-01")
        #expect(state.state == .pending)
        #expect(state.refusedAttempts == 2)
        #expect(try await setup.ledger(action: "opening.decrypt.refused").count == 2)
        #expect(try await setup.decrypt("bidder-01").state == .opened)
        // bidder-02 only ever sends wrong keys: pending until the window closes, then revoked with the cause.
        await expectServiceError("opening.content-key-mismatch") { try await setup.decrypt("bidder-02", key: SecureRandom.bytes(32)) }
        #expect(try await setup.state("bidder-02").state == .pending)
        try await setup.decrypt("bidder-03")
        try await setup.decrypt("bidder-04")
        try await setup.passWindow()
        state = try await setup.state("bidder-02")
        #expect(state.state == .revoked)
        #expect(state.failure?.detail.contains("1 wrong content key") == true)
        await expectServiceError("opening.closed") { try await setup.decrypt("bidder-02") }
    }

    @Test("a bidder cannot fetch another bidder's header or open another bidder's bid")
    func otherBiddersBid() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-OTHER", policy: .bidder, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        // Each bidder gets its own header only.
        let own = try await setup.room.sealedHeader(tender: setup.id, by: try await fixture.identity("bidder-02"))
        #expect(own.bidId == setup.receipts["bidder-02"]?.bid.id)
        #expect(own.bidId != setup.receipts["bidder-01"]?.bid.id)
        // bidder-02 cannot unwrap bidder-01's key (not a recipient); sending bidder-01's key opens nothing of bidder-01's.
        let foreign = try await setup.contentKey(of: "bidder-01")
        await expectServiceError("opening.content-key-mismatch") { try await setup.decrypt("bidder-02", key: foreign) }
        #expect(try await setup.state("bidder-01").state == .pending)
        #expect(try await setup.state("bidder-02").state == .pending)
        // A party without a bid has nothing to fetch.
        await expectServiceError("opening.no-bid", status: 404) { _ = try await setup.room.sealedHeader(tender: setup.id, by: try await fixture.identity("bidder-05")) }
        // The view shows a bidder its own bid only; the public sees no bid.
        let view = try await setup.room.view(tender: setup.id, for: try await fixture.identity("bidder-03"))
        #expect(view.bids?.map(\.bidderParty) == ["bidder-03"])
        #expect(try await setup.room.view(tender: setup.id, for: nil).bids == nil)
        #expect(try await setup.room.view(tender: setup.id, for: try await fixture.identity("expert-01")).bids == nil)
    }

    @Test("E-Measures art. 31: a bad inner manifest is the bidder's fault (revoked); a corrupted or missing blob the platform's (withdrawn); the others still open")
    func failureClassification() async throws {
        let fixture = try await ServiceFixture()
        let other = try ServiceFixture.certificate("bidder-06")
        let otherKey = try ServiceFixture.key("bidder-06")
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-FAULT", policy: .bidder, bidders: Self.four + ["bidder-05", "bidder-06"],
                                           overrides: ["bidder-02": .init(innerSigner: (other, otherKey)),
                                                       "bidder-05": .init(corruptInnerSignature: true),
                                                       // bidder-06 signs, inside and out, a manifest that names bidder-01's company.
                                                       "bidder-06": .init(mutateManifest: { $0.bidder.name = "福建闽江建设工程有限公司"; $0.bidder.creditCode = "91350100MA3AGGLU11" })])
        setup.passDeadline()
        try await setup.start()
        // The platform damages bidder-03's stored package and loses bidder-04's.
        let stored = try await fixture.store.read { try $0.bids(tender: setup.id, status: .active) }
        let damaged = try #require(stored.first { $0.bidderParty == "bidder-03" })
        let handle = try #require(FileHandle(forUpdatingAtPath: fixture.store.blobs.path(damaged.blob)))
        try handle.seek(toOffset: UInt64(damaged.size / 2))
        let byte = try #require(try handle.read(upToCount: 1))
        try handle.seek(toOffset: UInt64(damaged.size / 2))
        try handle.write(contentsOf: Data([byte[0] ^ 0x40]))
        try handle.close()
        let lost = try #require(stored.first { $0.bidderParty == "bidder-04" })
        try FileManager.default.removeItem(atPath: fixture.store.blobs.path(lost.blob))

        var view = try await setup.decrypt("bidder-02")
        #expect(view.state == .revoked)
        #expect(view.failure?.fault == .bidder)
        #expect(view.failure?.code == BidCoreError.Code.sealedSignerMismatch.rawValue)
        view = try await setup.decrypt("bidder-05")
        #expect(view.state == .revoked)
        #expect(view.failure?.code == BidCoreError.Code.sealedInnerSignatureInvalid.rawValue)
        view = try await setup.decrypt("bidder-03")
        #expect(view.state == .withdrawn)
        #expect(view.failure?.fault == .platform)
        #expect(view.failure?.code == "opening.blob-corrupt")
        await expectServiceError("opening.blob-unreadable", status: 500) { try await setup.decrypt("bidder-04") }
        #expect(try await setup.decrypt("bidder-01").state == .opened)
        // The manifest's whole identity must be its signer's: a package that says it is from another company is revoked, with the evidence.
        view = try await setup.decrypt("bidder-06")
        #expect(view.state == .revoked && view.failure?.fault == .bidder)
        #expect(view.failure?.code == BidCoreError.Code.sealedSignerMismatch.rawValue)
        #expect(view.failure?.detail.contains("福建闽江建设工程有限公司") == true, "\(view.failure?.detail ?? "")")
        try await setup.passWindow()
        // bidder-04 could not even fetch its header: when the window closes, the missing package is
        // found to be the platform's fault, not the bidder's.
        let (record, _) = try await setup.record()
        let states = Dictionary(uniqueKeysWithValues: record.bids.map { ($0.bidder, $0.state) })
        #expect(states == ["bidder-01": .opened, "bidder-02": .revoked, "bidder-03": .withdrawn, "bidder-04": .withdrawn, "bidder-05": .revoked,
                           "bidder-06": .revoked])
        #expect(record.bids.first { $0.bidder == "bidder-04" }?.failure?.code == "opening.blob-missing")
        #expect(try await setup.ledger(action: "opening.decrypt.failed").count == 5)
        // Nothing of the failed bids was kept as opened parts.
        #expect(try await fixture.store.read { try $0.openedParts(bid: damaged.id) }.isEmpty)
    }

    // MARK: Committee policy (threshold decryption)

    @Test("committee policy: partials before the deadline, from non-shareholders and with wrong proofs are refused and logged; K officials open every bid, K−1 none")
    func committeePolicy() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-COMMITTEE", policy: .committee, bidders: Self.four)
        // Before the deadline: refused and logged (Law art. 28: bids stay sealed).
        await expectServiceError("opening.before-deadline", status: 409) { try await setup.share("official-01") }
        #expect(try await setup.ledger(action: "opening.partials.refused").count == 1)
        setup.passDeadline()
        await expectServiceError("opening.not-started", status: 409) { try await setup.share("official-01") }
        try await setup.start()
        // Bidders cannot decrypt in a committee opening.
        await expectServiceError("opening.no-bidder-decryption") { _ = try await setup.room.sealedHeader(tender: setup.id, by: try await fixture.identity("bidder-01")) }
        // official-02 hands in official-01's partials: not its share.
        let stolen = try await setup.partials("official-01")
        #expect(stolen.partials.count == 4)
        await expectServiceError("opening.not-a-shareholder", status: 403) {
            _ = try await setup.room.submitPartials(tender: setup.id, stolen, by: try await fixture.identity("official-02"), address: "x")
        }
        // A forged partial: a valid point that is not s₁·E (another bid's partial), under the honest proof.
        var forged = stolen
        forged.partials[0].partial.point = stolen.partials[1].partial.point
        let refusal = await expectServiceError("opening.partial-invalid", status: 422) {
            _ = try await setup.room.submitPartials(tender: setup.id, forged, by: try await fixture.identity("official-01"), address: "x")
        }
        #expect(refusal?.detail.contains("陈明") == true, "the refusal names the official: \(refusal?.detail ?? "")")
        // A partial for a bid that is not in this opening.
        var stray = stolen
        stray.partials[0].bidId = "no-such-bid"
        await expectServiceError("opening.partial-unknown-bid") {
            _ = try await setup.room.submitPartials(tender: setup.id, stray, by: try await fixture.identity("official-01"), address: "x")
        }
        #expect(try await setup.ledger(action: "opening.partials.refused").count == 5)
        // The refused requests stored nothing: one at a time, the wrong ones changed nothing.
        for bidder in Self.four { #expect(try await fixture.store.read { try $0.partials(bid: setup.receipts[bidder]!.bid.id) }.isEmpty) }

        let receipt = try await setup.share("official-01")
        #expect(receipt.accepted == 4 && receipt.officials == 1 && receipt.threshold == 2)
        #expect(try await setup.share("official-01").accepted == 0, "the same partials again are not stored twice")
        for bidder in Self.four { #expect(try await setup.state(bidder).state == .pending) }
        try await setup.share("official-03")
        for bidder in Self.four {
            let state = try await setup.state(bidder)
            #expect(state.state == .opened)
            #expect(state.openedBy == .committee)
        }
        let (record, signed) = try await setup.record()
        #expect(record.bids.allSatisfy { $0.openedBy == .committee })
        // The record carries the evidence: anyone recomputes each committee opening from it alone.
        #expect(record.bids.allSatisfy { $0.committee?.partials.map(\.index) == [1, 3] })
        #expect(try record.verifyCommitteeOpenings() == 4)
        #expect(record.openingKeys.first?.verificationKeys.map(\.point) == setup.keys[0].officials.map(\.verificationKey))
        // A record whose evidence was altered does not recompute.
        var altered = record
        altered.bids[0].committee?.partials[0].point = record.bids[1].committee!.partials[0].point
        expectCode(.partialInvalid) { try altered.verifyCommitteeOpenings() }
        var otherKey = record
        otherKey.bids[0].committee?.keyCommitment = String(repeating: "0", count: 64)
        expectCode(.sealedContentKeyMismatch) { try otherKey.verifyCommitteeOpenings() }
        #expect(try signed.verify(with: fixture.environment.platform.certificate))
    }

    // MARK: Bidder then committee (补救方案)

    @Test("bidder-then-committee: the committee opens what bidders did not decrypt in the window; the record says which way each was opened")
    func remedy() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-REMEDY", policy: .bidderThenCommittee, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        for bidder in Self.four.prefix(3) { try await setup.decrypt(bidder) }
        // Partials handed in during the window open nothing yet: bidders decrypt first.
        try await setup.share("official-01")
        try await setup.share("official-02")
        #expect(try await setup.state("bidder-04").state == .pending)
        try await setup.passWindow()
        let remedied = try await setup.state("bidder-04")
        #expect(remedied.state == .opened)
        #expect(remedied.openedBy == .committee)
        let (record, _) = try await setup.record()
        #expect(record.outcome == .completed)
        #expect(Dictionary(uniqueKeysWithValues: record.bids.map { ($0.bidder, $0.openedBy) })
            == ["bidder-01": .bidder, "bidder-02": .bidder, "bidder-03": .bidder, "bidder-04": .committee])
    }

    @Test("bidder-then-committee without enough partials: the host closes after the window; undecrypted bids count as revoked")
    func remedyImpossible() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-CLOSE", policy: .bidderThenCommittee, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        for bidder in Self.four.prefix(3) { try await setup.decrypt(bidder) }
        await expectServiceError("opening.window-open") {
            _ = try await setup.room.close(tender: setup.id, by: try await fixture.identity("agency-01"), role: .agency, address: "x")
        }
        try await setup.passWindow()
        #expect(try await setup.state("bidder-04").state == .pending)
        await expectServiceError("opening.not-host", status: 403) {
            _ = try await setup.room.close(tender: setup.id, by: try await fixture.identity("bidder-01"), role: .bidder, address: "x")
        }
        let view = try await setup.room.close(tender: setup.id, by: try await fixture.identity("agency-01"), role: .agency, address: "x")
        await setup.room.settle(setup.id)
        #expect(view.status == .completed)
        #expect(try await setup.state("bidder-04").state == .revoked)
    }

    @Test("E-Measures art. 31: a committee opening the officials cannot complete — the bids are withdrawn, not the bidders' fault")
    func committeeShort() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-SHORT", policy: .committee, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        try await setup.share("official-02")
        try await setup.passWindow()
        #expect(try await setup.state("bidder-01").state == .pending)
        _ = try await setup.room.close(tender: setup.id, by: try await fixture.identity("official-01"), role: .official, address: "x")
        await setup.room.settle(setup.id)
        for bidder in Self.four {
            let state = try await setup.state(bidder)
            #expect(state.state == .withdrawn)
            #expect(state.failure?.fault == .committee)
            #expect(state.failure?.code == "opening.partials-missing")
        }
        #expect(try await setup.record().0.outcome == .completed)
    }

    // MARK: Before the deadline

    @Test("Law art. 28: content keys and partial decryptions sent before the deadline are refused and logged")
    func beforeDeadline() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-EARLY", policy: .bidderThenCommittee, bidders: Self.four)
        let key = try SealedBidOpener.unwrapContentKey(header: try SealedBidHeader.peek(file: fixture.store.blobs.path(
            try #require(try await fixture.store.read { try $0.activeBid(tender: setup.id, party: "bidder-01") }).blob)), with: try ServiceFixture.key("bidder-01"))
        await expectServiceError("opening.before-deadline", status: 409) { try await setup.decrypt("bidder-01", key: key) }
        await expectServiceError("opening.before-deadline", status: 409) { try await setup.share("official-02") }
        await expectServiceError("opening.before-deadline", status: 409) { _ = try await setup.room.sealedHeader(tender: setup.id, by: try await fixture.identity("bidder-01")) }
        #expect(try await setup.ledger(action: "opening.decrypt.refused").count == 1)
        #expect(try await setup.ledger(action: "opening.partials.refused").count == 1)
        #expect(try await fixture.store.read { try $0.opening(tender: setup.id) } == nil)
        #expect(try await fixture.store.read { try $0.partialIndices(tender: setup.id) }.isEmpty)
    }

    // MARK: After the record

    @Test("Reg. art. 44: bidders confirm or object within the confirmation window; the host answers; all recorded")
    func confirmAndObject() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-OBJECT", policy: .bidder, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        await expectServiceError("opening.no-record") { try await setup.room.confirm(tender: setup.id, by: try await fixture.identity("bidder-01"), address: "x") }
        for bidder in Self.four { try await setup.decrypt(bidder) }
        let room = setup.room
        try await room.confirm(tender: setup.id, by: try await fixture.identity("bidder-01"), address: "x")
        try await room.confirm(tender: setup.id, by: try await fixture.identity("bidder-01"), address: "x")
        #expect(try await setup.ledger(action: "opening.confirm").count == 1)
        await expectServiceError("opening.not-a-bidder", status: 403) { try await room.confirm(tender: setup.id, by: try await fixture.identity("bidder-05"), address: "x") }
        await expectServiceError("objection.invalid") { _ = try await room.object(tender: setup.id, text: "  ", by: try await fixture.identity("bidder-02"), address: "x") }
        let objection = try await room.object(tender: setup.id, text: "我方报价读取有误", by: try await fixture.identity("bidder-02"), address: "x")
        #expect(objection.number == 1)
        await expectServiceError("opening.not-host", status: 403) {
            _ = try await room.answer(tender: setup.id, number: 1, text: "x", by: try await fixture.identity("bidder-03"), role: .bidder, address: "x")
        }
        let answered = try await room.answer(tender: setup.id, number: 1, text: "经核对，报价以开标记录为准", by: try await fixture.identity("tenderer-01"), role: .tenderer, address: "x")
        #expect(answered.answeredBy == "tenderer-01")
        await expectServiceError("objection.not-found", status: 404) {
            _ = try await room.answer(tender: setup.id, number: 1, text: "again", by: try await fixture.identity("agency-01"), role: .agency, address: "x")
        }
        #expect(try await room.objections(tender: setup.id, for: try await fixture.identity("supervisor-01")) == [answered])
        #expect(try await room.objections(tender: setup.id, for: try await fixture.identity("bidder-04")).count == 1)
        await expectServiceError("opening.not-a-participant", status: 403) { _ = try await room.objections(tender: setup.id, for: try await fixture.identity("bidder-06")) }
        #expect(try await setup.ledger(action: "opening.objection").count == 1)
        #expect(try await setup.ledger(action: "opening.objection.answer").count == 1)
        // After the confirmation window (30 minutes by default) nothing more is taken.
        fixture.clock.advance(by: 31 * 60)
        await expectServiceError("opening.confirmation-closed") { try await room.confirm(tender: setup.id, by: try await fixture.identity("bidder-03"), address: "x") }
        await expectServiceError("opening.confirmation-closed") { _ = try await room.object(tender: setup.id, text: "late", by: try await fixture.identity("bidder-03"), address: "x") }
    }

    // MARK: Collusion signals

    @Test("Reg. art. 40: signals are computed at completion with their evidence, shown to the host and supervisors, never to bidders")
    func signals() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-SIGNALS", policy: .bidder, bidders: ["bidder-03", "bidder-04", "bidder-05", "bidder-06"])
        setup.passDeadline()
        try await setup.start()
        try await setup.decrypt("bidder-03")
        try await setup.decrypt("bidder-04")
        try await setup.decrypt("bidder-05", address: "198.51.100.7")
        try await setup.decrypt("bidder-06", address: "198.51.100.7")
        let signals = try await setup.room.signals(tender: setup.id, for: try await fixture.identity("supervisor-01"))
        let kinds = Set(signals.map(\.kind))
        #expect(kinds.contains(.sameProjectManager))
        #expect(kinds.contains(.identicalDocuments))
        #expect(kinds.contains(.sameDecryptionAddress))
        // bidder-03 and bidder-04 share their legal representative 王海 (Reg. art. 34).
        let representative = try #require(signals.first { $0.kind == .sameLegalRepresentative })
        #expect(Set(representative.bidIds) == Set(["bidder-03", "bidder-04"].compactMap { setup.receipts[$0]?.bid.id }))
        #expect(representative.evidence.contains("王海"))
        let manager = try #require(signals.first { $0.kind == .sameProjectManager })
        #expect(Set(manager.bidIds) == Set(["bidder-05", "bidder-06"].compactMap { setup.receipts[$0]?.bid.id }))
        #expect(manager.evidence.contains("陈国强"))
        #expect(try await setup.room.signals(tender: setup.id, for: try await fixture.identity("official-01")) == signals)
        for bidder in ["bidder-03", "bidder-05"] {
            await expectServiceError("opening.signals-forbidden", status: 403) { _ = try await setup.room.signals(tender: setup.id, for: try await fixture.identity(bidder)) }
        }
        // Never a rejection: the bids stay opened, and the record says nothing of the signals.
        #expect(try await setup.state("bidder-05").state == .opened)
        let (_, signed) = try await setup.record()
        #expect(!String(decoding: signed.document, as: UTF8.self).contains("same-project-manager"))
        #expect(try await setup.ledger(action: "opening.signals").count == 1)
    }

    // MARK: Sealing at the deadline

    @Test("the audit checks each tender's bid events against the first checkpoint after its deadline; a backdated bid event is caught")
    func deadlineCheckpoint() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-SEAL", policy: .bidder, bidders: Self.four)
        setup.passDeadline()
        try await setup.start()
        var report = try fixture.audit()
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.sealedTenders == 1)
        // An insider appends a "bid" after the sealing checkpoint and backdates it before the
        // deadline, with a correct hash (it is the head, so no later event breaks).
        let deadline = setup.deadline
        try fixture.store.writeNow { tx in
            var event = try tx.appendLedger(LedgerEntry(actor: Actor(certificateFingerprint: "x", party: "bidder-05", role: "bidder", address: "x"),
                                                        action: "bid.submit", object: "bid/forged", tenderId: setup.id, payload: []), at: deadline)
            event.at = deadline.addingTimeInterval(-10)
            event.hash = event.recomputedHash
            try tx.rawSQL("UPDATE ledger_events SET at = ?, hash = ? WHERE seq = ?", [.time(event.at), .text(event.hash), .integer(event.seq)])
        }
        report = try fixture.audit()
        #expect(report.problems.map(\.kind) == ["bid-backdated"], "\(report.problems)")
    }

    @Test("once the sealing checkpoint is signed, a bid commit that lagged behind it is refused as late")
    func sealedRefusesLaggingCommit() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-OPEN-LAG", policy: .bidder, bidders: ["bidder-01"])
        let bytes = try fixture.seal(bidder: "bidder-02", tender: setup.spec, openingKey: setup.keys[0])
        // The sealing checkpoint is signed (at the deadline plus the grace) while this upload's commit
        // still waits: the upload's clock reading is before the deadline, the checkpoint's after it.
        let platform = fixture.environment.platform
        let at = setup.deadline.addingTimeInterval(Supervision.sealingGrace)
        try await fixture.store.write { tx in
            let head = try #require(try tx.ledgerHead())
            let number = (try tx.lastCheckpoint()?.number ?? 0) + 1
            let signature = try platform.sign(LedgerCheckpoint.signedBytes(number: number, at: at, headHash: head.hash))
            try tx.insertCheckpoint(LedgerCheckpoint(number: number, at: at, seq: head.seq, headHash: head.hash, signature: signature,
                                                     scheme: platform.scheme, certificateFingerprint: platform.certificate.fingerprint))
        }
        #expect(fixture.clock.now() < setup.deadline)
        await expectServiceError("bid.deadline-passed") { _ = try await fixture.submit(bytes, tender: setup.id, as: "bidder-02") }
        #expect(try await fixture.store.read { try $0.bids(tender: setup.id, party: "bidder-02") }.isEmpty)
    }
}

/// Drops opened parts (for attempts that must fail anyway).
final class DiscardingPartSink: OpenedPartSink {
    func beginPart(index: Int, size: UInt64) throws {}
    func writePart(_ bytes: UnsafeRawBufferPointer) throws {}
    func endPart() throws {}
    func commit(manifest: BidManifest, manifestBytes: [UInt8], innerSignature: [UInt8]) throws {}
    func abort() {}
}
