@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Hummingbird
import Testing
import TestSupport

@Suite("Bid upload, receipts, replacement, withdrawal")
struct BidUploadTests {
    @Test("a good bid is stored durably and receipted; the receipt verifies and carries the ledger position")
    func receipt() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender()
        let bytes = try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0])
        let result = try await fixture.submit(bytes, tender: spec.id, as: "bidder-01")
        let receipt = result.receipt
        #expect(receipt.kind == .bidSubmitted)
        #expect(receipt.tender.id == spec.id)
        #expect(receipt.bidder.creditCode == "91350100MA3AGGLU11")
        #expect(receipt.bid.size == Int64(bytes.count))
        #expect(receipt.bid.packageDigest == "sm3:" + Hex.encode(StreamingDigest.hash(bytes, using: .sm3)))
        // Offline: the platform certificate alone checks it.
        let signed = try #require(result.signed.signed)
        #expect(try signed.verify(with: fixture.environment.platform.certificate))
        var altered = signed
        altered.document[10] ^= 1
        #expect(try !altered.verify(with: fixture.environment.platform.certificate))
        // The ledger event at the receipt's position is this bid's.
        let event = try #require(try await fixture.store.read { try $0.ledgerEvent(seq: receipt.ledger.seq) })
        #expect(event.hash == receipt.ledger.eventHash)
        #expect(event.action == "bid.submit")
        #expect(event.object == "bid/\(receipt.bid.id)")
        // The stored package is byte for byte what was sent.
        let stored = try await fixture.store.read { try $0.activeBid(tender: spec.id, party: "bidder-01") }
        #expect(FileManager.default.contents(atPath: fixture.store.blobs.path(try #require(stored).blob)) == Data(bytes))
        #expect(fixture.temporaryCount() == 0)
    }

    @Test("replacing and withdrawing before the deadline: the newest bid counts; every step is receipted")
    func replaceAndWithdraw() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender()
        let first = try await fixture.submit(try fixture.seal(bidder: "bidder-02", tender: spec, openingKey: keys[0]), tender: spec.id, as: "bidder-02")
        let second = try await fixture.submit(try fixture.seal(bidder: "bidder-02", tender: spec, openingKey: keys[0]), tender: spec.id, as: "bidder-02")
        #expect(second.receipt.kind == .bidReplaced)
        #expect(second.receipt.replaces?.id == first.receipt.bid.id)
        let identity = try await fixture.identity("bidder-02")
        var status = try await BidDesk(fixture.environment).status(tender: spec.id, by: identity)
        #expect(status.active?.id == second.receipt.bid.id)
        #expect(status.history.map(\.status) == [.active, .replaced])
        let withdrawn = try await BidDesk(fixture.environment).withdraw(tender: spec.id, by: identity, address: "test")
        #expect(withdrawn.receipt.kind == .bidWithdrawn)
        #expect(withdrawn.receipt.bid.id == second.receipt.bid.id)
        status = try await BidDesk(fixture.environment).status(tender: spec.id, by: identity)
        #expect(status.active == nil)
        #expect(status.receipts.count == 3)
        await expectServiceError("bid.none", status: 404) { _ = try await BidDesk(fixture.environment).withdraw(tender: spec.id, by: identity, address: "test") }
    }

    @Test("Law art. 28: after the deadline nothing can be submitted, replaced or withdrawn")
    func afterDeadline() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender()
        let bytes = try fixture.seal(bidder: "bidder-03", tender: spec, openingKey: keys[0])
        _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-03")
        fixture.clock.advance(by: 26 * 86_400)
        let blobs = fixture.blobCount()
        await expectServiceError("bid.deadline-passed", status: 409) { _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-03") }
        await expectServiceError("bid.deadline-passed", status: 409) {
            _ = try await BidDesk(fixture.environment).withdraw(tender: spec.id, by: try await fixture.identity("bidder-03"), address: "test")
        }
        #expect(fixture.blobCount() == blobs)
    }

    @Test("several instances: once another instance's clock has written past the deadline, this one's slower clock cannot accept a bid or a withdrawal")
    func slowerClockOfAnotherInstance() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender()
        let bytes = try fixture.seal(bidder: "bidder-03", tender: spec, openingKey: keys[0])
        _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-03")
        let deadline = try #require(try fixture.store.readNow { try $0.tender(id: spec.id) }).deadline
        // Another instance, whose clock is a minute past the deadline, records an event; this
        // instance's clock is still an hour before it.
        fixture.clock.advance(by: deadline.timeIntervalSince(fixture.clock.now()) - 3600)
        let actor = fixture.environment.platformActor
        try fixture.store.writeNow { tx in
            _ = try tx.appendLedger(try LedgerEntry(actor: actor, action: "test.other-instance", object: "test/clock", tenderId: nil, json: ["clock": "ahead"]),
                                    at: deadline.addingTimeInterval(60))
        }
        let blobs = fixture.blobCount()
        await expectServiceError("bid.deadline-passed", status: 409) { _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-03") }
        await expectServiceError("bid.deadline-passed", status: 409) {
            _ = try await BidDesk(fixture.environment).withdraw(tender: spec.id, by: try await fixture.identity("bidder-03"), address: "test")
        }
        #expect(fixture.blobCount() == blobs)
    }

    @Test("the deadline is judged when the last byte is durable: an upload that ends after it is refused and leaves nothing")
    func deadlineAtLastByte() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-LAST", deadlineIn: 20.5))
        let bytes = try fixture.seal(bidder: "bidder-04", tender: spec, openingKey: keys[0])
        let blobs = fixture.blobCount()
        let clock = fixture.clock
        // The upload starts before the deadline; the clock passes it while the body streams in.
        await expectServiceError("bid.deadline-passed", status: 409) {
            _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-04", pieceSize: 1000) { index in
                if index == 2 { clock.advance(by: 21 * 86_400) }
            }
        }
        #expect(fixture.blobCount() == blobs)
        #expect(fixture.temporaryCount() == 0)
        #expect(try await fixture.store.read { try $0.bids(tender: spec.id, party: "bidder-04") }.isEmpty)
    }

    @Test("refused packages: malformed, truncated, tampered, another tender, wrong opening key, wrong signer, too large — nothing is stored")
    func refusals() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-REFUSE", maxBidBytes: 200_000))
        let (other, otherKeys) = try await fixture.publishTender(try fixture.spec(id: "T-OTHER"))
        let good = try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0])
        var tampered = good
        tampered[good.count - 300] ^= 0x01
        let foreignKey = try fixture.dealerKeys([.gm])[0]
        let bigPart = TemporaryDirectory()
        let blobs = fixture.blobCount()
        let cases: [(String, Int, [UInt8], String, String)] = [
            ("sealed.not-a-sealed-bid", 400, Array("hello".utf8), "bidder-01", spec.id),
            ("sealed.truncated", 400, Array(good.prefix(good.count / 2)), "bidder-01", spec.id),
            ("sealed.signature-invalid", 422, tampered, "bidder-01", spec.id),
            ("sealed.wrong-tender", 422, try fixture.seal(bidder: "bidder-01", tender: other, openingKey: otherKeys[0]), "bidder-01", spec.id),
            ("bid.opening-key-missing", 422, try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: foreignKey), "bidder-01", spec.id),
            ("bid.signer-not-bidder", 403, good, "bidder-02", spec.id),
        ]
        for (code, status, bytes, bidder, tender) in cases {
            await expectServiceError(code, status: status) { _ = try await fixture.submit(bytes, tender: tender, as: bidder) }
        }
        // Too large: the declared length, and the body itself when no length is declared.
        bigPart.write("big.bin", testBytes(300_000, seed: 9))
        await expectServiceError("upload.too-large", status: 413) {
            _ = try await BidDesk(fixture.environment).submit(tender: spec.id, by: try await fixture.identity("bidder-01"), contentType: "application/vnd.ebid.sealed-bid",
                                                              contentLength: 300_000, body: ByteBufferSequence([good]), address: "test")
        }
        await expectServiceError("upload.too-large", status: 413) {
            _ = try await BidDesk(fixture.environment).submit(tender: spec.id, by: try await fixture.identity("bidder-01"), contentType: "application/vnd.ebid.sealed-bid",
                                                              contentLength: nil, body: ByteBufferSequence([good, bigPart.read("big.bin")]), address: "test")
        }
        await expectServiceError("bid.content-type", status: 415) { _ = try await fixture.submit(good, tender: spec.id, as: "bidder-01", contentType: "text/plain") }
        #expect(fixture.blobCount() == blobs)
        #expect(fixture.temporaryCount() == 0)
        #expect(try await fixture.store.read { try $0.bids(tender: spec.id, status: .active) }.isEmpty)
        // And the good one still goes through afterwards.
        _ = try await fixture.submit(good, tender: spec.id, as: "bidder-01")
    }

    @Test("certificates: an expired, revoked or untrusted signing certificate is refused; a renewed one is accepted")
    func signerCertificates() async throws {
        // Issue two more certificates for bidder-01's organisation under the demo CA: one expired, one revoked.
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(ServiceFixture.keys)/gm/ca.crt.pem"),
                                          key: try PrivateKey(pemFile: "\(ServiceFixture.keys)/gm/ca.key.pem"))
        let subject = try ServiceFixture.certificate("bidder-01").subject
        func issue(_ from: Date, _ to: Date) throws -> (Certificate, PrivateKey) {
            let key = try PrivateKey.generate(.sm2)
            return (try ca.issue(subject: subject, publicKey: key.publicKey, notBefore: from, notAfter: to, profile: .dualUse), key)
        }
        let expired = try issue(Date(timeIntervalSince1970: 1_700_000_000), Date(timeIntervalSince1970: 1_730_000_000))
        let revoked = try issue(DemoPKI.validFrom, DemoPKI.validTo)
        let crl = try ca.issueCRL(revoked: [(revoked.0, Date().addingTimeInterval(-3600))], thisUpdate: Date().addingTimeInterval(-3600),
                                  nextUpdate: DemoPKI.validTo, number: 2)
        let fixture = try await ServiceFixture(extraCRLs: [crl])
        let (spec, keys) = try await fixture.publishTender()
        await expectServiceError("cert.expired", status: 422) {
            _ = try await fixture.submit(try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0], signer: expired), tender: spec.id, as: "bidder-01")
        }
        await expectServiceError("cert.revoked", status: 422) {
            _ = try await fixture.submit(try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0], signer: revoked), tender: spec.id, as: "bidder-01")
        }
        // A certificate from a CA the service does not trust, even naming the bidder's credit code.
        let stranger = try CertificateAuthority.root(subject: DistinguishedName(commonName: "Stranger CA"), key: try PrivateKey.generate(.sm2),
                                                     notBefore: DemoPKI.validFrom, notAfter: DemoPKI.validTo)
        let strangerKey = try PrivateKey.generate(.sm2)
        let strangerCertificate = try stranger.issue(subject: subject, publicKey: strangerKey.publicKey, notBefore: DemoPKI.validFrom,
                                                     notAfter: DemoPKI.validTo, profile: .dualUse)
        await expectServiceError("cert.untrusted", status: 422) {
            _ = try await fixture.submit(try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0], signer: (strangerCertificate, strangerKey)),
                                         tender: spec.id, as: "bidder-01")
        }
        // A new, valid certificate of the same organisation is accepted (the credit code binds it).
        let renewed = try issue(DemoPKI.validFrom, DemoPKI.validTo)
        let result = try await fixture.submit(try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0], signer: renewed), tender: spec.id, as: "bidder-01")
        #expect(result.receipt.bidder.certificateFingerprint == renewed.0.fingerprint)
    }

    @Test("a debarred bidder is refused with the record that bars it; its restriction ends on time")
    func debarred() async throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18: inside bidder-07's debarment (2026-07-01 … 2027-07-01)
        let fixture = try await ServiceFixture(now: now)
        let (spec, keys) = try await fixture.publishTender()
        let bytes = try fixture.seal(bidder: "bidder-07", tender: spec, openingKey: keys[0])
        let error = await expectServiceError("bid.debarred", status: 403) { _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-07") }
        #expect(error?.extra["creditRecord"] == "CR-2026-FZ-0007")
        #expect(error?.extra["decisionNumber"] == "榕建罚〔2026〕第0007号")
        // The register is read live: a revocation record lifts the debarment at once.
        let register = CreditRegister(fixture.environment)
        let original = try #require(try await register.activeRestriction(subject: "91350800MATWMFMA1M", kind: .debarment))
        var revocation = original.content.input
        revocation.id = "CR-REVOKE-1"
        revocation.kind = .revocation
        revocation.references = original.head.id
        revocation.decisionNumber = "榕建复〔2026〕第0001号"
        revocation.decisionDate = now
        revocation.penalty = .init(kind: .none)
        try await register.record(revocation, by: fixture.environment.platformActor)
        _ = try await fixture.submit(bytes, tender: spec.id, as: "bidder-07")
    }

    @Test("the streamed upload matches the router path: a real HTTP PUT through the router gets a receipt")
    func throughRouter() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender()
        let bytes = try fixture.seal(bidder: "bidder-05", tender: spec, openingKey: keys[0])
        let token = try await fixture.token("bidder-05")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/v1/tenders/\(spec.id)/bid", method: .put,
                                     headers: [.authorization: "Bearer \(token)", .contentType: "application/vnd.ebid.sealed-bid"],
                                     body: ByteBuffer(bytes: bytes)) { response in
                #expect(response.status == .created)
                let result = try JSONDecoder.ebid.decode(BidDesk.ReceiptResult.self, from: Data(buffer: response.body))
                #expect(result.receipt.bid.size == Int64(bytes.count))
            }
        }
    }
}
