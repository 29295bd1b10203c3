@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Revocation bites: a CRL is put in force without a restart, the sessions it revokes end at
/// once, and every request checks its session's certificate against the CRLs in force.
@Suite("Revocation bites: CRLs in force without a restart, sessions end")
struct RevocationTests {
    static func ca() throws -> CertificateAuthority {
        try CertificateAuthority(certificate: try Certificate(file: "\(ServiceFixture.keys)/gm/ca.crt.pem"),
                                 key: try PrivateKey(pemFile: "\(ServiceFixture.keys)/gm/ca.key.pem"))
    }

    /// A CRL of the demo GM CA, newer than keys/gm/crl.pem, revoking `revoked` (and bidder-09 still).
    static func newerCRL(revoking revoked: [String], at time: Date) throws -> CertificateRevocationList {
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(ServiceFixture.keys)/gm/ca.crt.pem"),
                                          key: try PrivateKey(pemFile: "\(ServiceFixture.keys)/gm/ca.key.pem"))
        let listed = try (["bidder-09"] + revoked).map { (try ServiceFixture.certificate($0), time.addingTimeInterval(-60)) }
        return try ca.issueCRL(revoked: listed, thisUpdate: time.addingTimeInterval(-30), nextUpdate: time.addingTimeInterval(30 * 86_400), number: 99)
    }

    @Test("a token issued before the certificate's revocation stops working when the CRL is loaded: the session ends, a withdrawal is refused")
    func revocationEndsSessions() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-REVOKE"))
        _ = try await fixture.submit(try fixture.seal(bidder: "bidder-01", tender: spec, openingKey: keys[0]), tender: spec.id, as: "bidder-01")
        let token = try await fixture.token("bidder-01")
        let other = try await fixture.token("bidder-02")
        _ = try await IdentityDesk(fixture.environment).authenticate(token: token)
        let admin = try await fixture.identity("admin-01")
        let loaded = try await TrustDesk(fixture.environment).load(try Self.newerCRL(revoking: ["bidder-01"], at: fixture.clock.now()),
                                                                    by: admin.actor(role: .admin, address: "test"))
        #expect(loaded.sessionsEnded == 1 && loaded.crl.revoked == 2)
        await expectServiceError("auth.token-invalid", status: 401) { _ = try await IdentityDesk(fixture.environment).authenticate(token: token) }
        // The attack of the issue: the old token withdraws the bid after the new CRL — refused, the bid stays.
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/v1/tenders/\(spec.id)/bid", method: .delete, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status.code == 401)
            }
        }
        #expect(try await fixture.store.read { try $0.activeBid(tender: spec.id, party: "bidder-01") } != nil)
        // Others are not touched; a new login with the revoked certificate is refused.
        _ = try await IdentityDesk(fixture.environment).authenticate(token: other)
        await expectServiceError("cert.revoked", status: 401) {
            _ = try await IdentityDesk(fixture.environment).challenge(certificatePEM: try ServiceFixture.certificate("bidder-01").pem)
        }
        let event = try #require(try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 10_000) }.last { $0.action == "trust.crl" })
        #expect(event.actor.party == "admin-01")
    }

    @Test("every request checks its session's certificate against the CRLs in force, even when no session was ended")
    func everyRequestChecks() async throws {
        let fixture = try await ServiceFixture()
        let token = try await fixture.token("bidder-03")
        _ = try await IdentityDesk(fixture.environment).authenticate(token: token)
        // The trust store changes underneath (as a CRL file picked up, or another instance's load).
        let crl = try Self.newerCRL(revoking: ["bidder-03"], at: fixture.clock.now())
        try fixture.environment.trustHolder.update { try $0.updating(with: crl) }
        await expectServiceError("cert.revoked", status: 401) { _ = try await IdentityDesk(fixture.environment).authenticate(token: token) }
        // A certificate that expires during a session ends it too (checked at most a minute late).
        let expiring = try await fixture.token("bidder-04")
        let notAfter = try ServiceFixture.certificate("bidder-04").notAfter
        fixture.clock.advance(by: notAfter.timeIntervalSince(fixture.clock.now()) + 61)
        await expectServiceError("auth.token-expired", status: 401) { _ = try await IdentityDesk(fixture.environment).authenticate(token: expiring) }
    }

    @Test("a CRL that is older, from an unknown issuer or badly signed is refused; the newest is kept across a restart")
    func crlRules() async throws {
        let fixture = try await ServiceFixture()
        let desk = TrustDesk(fixture.environment)
        let actor = try await fixture.identity("admin-01").actor(role: .admin, address: "test")
        await expectServiceError("crl.not-newer", status: 422) { _ = try await desk.load(try CertificateRevocationList(file: "\(ServiceFixture.keys)/gm/crl.pem"), by: actor) }
        let stranger = try CertificateAuthority.root(subject: DistinguishedName(commonName: "Stranger CA"), key: try PrivateKey.generate(.sm2),
                                                     notBefore: Date(timeIntervalSinceNow: -86_400), notAfter: Date(timeIntervalSinceNow: 86_400))
        await expectServiceError("crl.unknown-issuer", status: 422) {
            _ = try await desk.load(try stranger.issueCRL(revoked: [], thisUpdate: Date(), nextUpdate: Date(timeIntervalSinceNow: 86_400)), by: actor)
        }
        let newer = try Self.newerCRL(revoking: ["bidder-05"], at: fixture.clock.now())
        var tampered = newer.der
        tampered[tampered.count - 5] ^= 1
        await expectServiceError("crl.signature-invalid", status: 422) { _ = try await desk.load(try CertificateRevocationList(der: tampered), by: actor) }
        // Another instance (or a concurrent load) kept a newer CRL meanwhile: an older one is refused in the transaction.
        let newest = try Self.ca().issueCRL(revoked: [], thisUpdate: fixture.clock.now().addingTimeInterval(-5), nextUpdate: fixture.clock.now().addingTimeInterval(86_400), number: 120)
        try fixture.store.writeNow { try $0.setMeta(TrustDesk.metaKey(newest), newest.pem) }
        await expectServiceError("crl.not-newer", status: 422) { _ = try await desk.load(newer, by: actor) }
        try fixture.store.writeNow { try $0.rawSQL("DELETE FROM meta WHERE key = ?", [.text(TrustDesk.metaKey(newest))]) }
        _ = try await desk.load(newer, by: actor)
        #expect(desk.crls().contains { $0.revoked == 2 })
        // At the next start the configured (older) CRL file is read, and the kept newer one wins.
        let kept = try await fixture.store.read { try $0.meta(prefix: TrustDesk.metaPrefix) }.map(\.value)
        let restarted = TrustDesk.restore(try TrustStore(anchorFiles: ["\(ServiceFixture.keys)/gm/ca.crt.pem"], crlFiles: ["\(ServiceFixture.keys)/gm/crl.pem"]), kept: kept)
        expectCode(.certificateRevoked) { try restarted.verify(try ServiceFixture.certificate("bidder-05"), at: fixture.clock.now()) }
    }

    /// What a CA's distribution point serves: set by the test, read by the live server.
    final class Served: @unchecked Sendable {
        private let lock = NSLock()
        private var body: [UInt8]?
        func set(_ bytes: [UInt8]?) { lock.withLock { body = bytes } }
        func get() -> [UInt8]? { lock.withLock { body } }
    }

    @Test("a certificate naming a CRL distribution point is revoked when its CA publishes a CRL there: fetched over HTTP, checked, sessions end")
    func distributionPoints() async throws {
        let fixture = try await ServiceFixture()
        let served = Served()
        let router = Router()
        router.get("/gm.crl") { _, _ -> Response in
            guard let body = served.get() else { return Response(status: .notFound) }
            return Response(status: .ok, headers: [.contentType: "application/pkix-crl"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/moved.crl") { _, _ -> Response in Response(status: .found, headers: [.location: "/gm.crl"]) }
        router.get("/huge.crl") { _, _ -> Response in
            Response(status: .ok, headers: [.contentType: "application/pkix-crl"], body: .init(byteBuffer: ByteBuffer(repeating: 0x30, count: 200_000)))
        }
        let distribution = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await distribution.test(.live) { client in
            let port = try #require(client.port)
            let ca = try CertificateAuthority(certificate: try Certificate(file: "\(ServiceFixture.keys)/gm/ca.crt.pem"),
                                              key: try PrivateKey(pemFile: "\(ServiceFixture.keys)/gm/ca.key.pem"))
            let key = try PrivateKey.generate(.sm2)
            let subject = try ServiceFixture.certificate("bidder-06").subject
            let now = fixture.clock.now()
            let certificate = try ca.issue(subject: subject, publicKey: key.publicKey, notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(300 * 86_400),
                                           profile: .dualUse, crlDistributionPoints: ["http://127.0.0.1:\(port)/gm.crl", "ldap://ldap.example.cn/cn=GM"])
            try await fixture.store.write { try $0.addCertificate(certificate, party: "bidder-06", at: now) }
            let desk = IdentityDesk(fixture.environment)
            let challenge = try await desk.challenge(certificatePEM: certificate.pem)
            let session = try await desk.login(challengeId: challenge.challengeId, signature: try key.sign(Array(challenge.message.utf8)), address: "test")
            let trust = TrustDesk(fixture.environment)
            // Only http(s) points are fetched; the ldap one is not; nor the points of a certificate no trust anchor issued.
            let strangerCA = try CertificateAuthority.root(subject: DistinguishedName(commonName: "Stranger CA"), key: try PrivateKey.generate(.sm2),
                                                           notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(86_400))
            let foreign = try strangerCA.issue(subject: DistinguishedName(commonName: "Foreign"), publicKey: try PrivateKey.generate(.sm2).publicKey,
                                             notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(3600), profile: .dualUse,
                                             crlDistributionPoints: ["http://10.0.0.1/internal"])
            try await fixture.store.write { try $0.addCertificate(foreign, party: "bidder-07", at: now) }
            #expect(try await trust.distributionPoints() == ["http://127.0.0.1:\(port)/gm.crl"])
            let fetcher = CRLFetcher.http(timeout: 10)
            // A redirect is not followed; an answer over the limit is cut.
            await #expect(throws: CRLFetchError.self) { _ = try await fetcher.fetch(URL(string: "http://127.0.0.1:\(port)/moved.crl")!) }
            do {
                _ = try await CRLFetcher.http(timeout: 10, maxBytes: 50_000).fetch(URL(string: "http://127.0.0.1:\(port)/huge.crl")!)
                Issue.record("a 200 kB answer passed a 50 kB limit")
            } catch let error as CRLFetchError {
                #expect(error.detail.contains("bytes"), "\(error.detail)")
            }

            // Nothing there yet, then garbage, then a CRL from a CA nobody trusts: refused, the session goes on.
            var fetched = try await trust.refreshDistributionPoints(using: fetcher)
            #expect(fetched.count == 1)
            guard case .failed(let reason)? = fetched.first?.outcome else { Issue.record("a 404 was not a failure: \(fetched)"); return }
            #expect(reason.contains("404"))
            served.set(Array("not a CRL".utf8))
            fetched = try await trust.refreshDistributionPoints(using: fetcher)
            guard case .failed? = fetched.first?.outcome else { Issue.record("garbage was not refused: \(fetched)"); return }
            let stranger = try CertificateAuthority.root(subject: ca.certificate.subject, key: try PrivateKey.generate(.sm2),
                                                         notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(86_400))
            served.set(try stranger.issueCRL(revoked: [(certificate, now.addingTimeInterval(-60))], thisUpdate: now.addingTimeInterval(-30),
                                             nextUpdate: now.addingTimeInterval(86_400), number: 500).der)
            fetched = try await trust.refreshDistributionPoints(using: fetcher)
            guard case .failed(let forged)? = fetched.first?.outcome else { Issue.record("a forged CRL was not refused: \(fetched)"); return }
            #expect(forged.contains("crl.signature-invalid") || forged.contains("crl.unknown-issuer"))
            _ = try await desk.authenticate(token: session.token)

            // The CA publishes a CRL revoking the certificate: the next round puts it in force and ends the session.
            let crl = try ca.issueCRL(revoked: [(certificate, now.addingTimeInterval(-60))], thisUpdate: now.addingTimeInterval(-30),
                                      nextUpdate: now.addingTimeInterval(7 * 86_400), number: 100)
            served.set(Array(crl.pem.utf8))
            fetched = try await trust.refreshDistributionPoints(using: fetcher)
            #expect(fetched == [TrustDesk.Fetched(uri: "http://127.0.0.1:\(port)/gm.crl", outcome: .loaded(revoked: 1, sessionsEnded: 1))])
            await expectServiceError("auth.token-invalid", status: 401) { _ = try await desk.authenticate(token: session.token) }
            await expectServiceError("cert.revoked", status: 401) { _ = try await desk.challenge(certificatePEM: certificate.pem) }
            // The same CRL again changes nothing; the event names the platform, not a person.
            fetched = try await trust.refreshDistributionPoints(using: fetcher)
            #expect(fetched.first?.outcome == .unchanged)
            let events = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 10_000) }.filter { $0.action == "trust.crl" }
            #expect(events.count == 1 && events.first?.actor.party == "platform")
        }
    }
}
