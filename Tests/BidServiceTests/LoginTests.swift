@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStorePostgres
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import Testing
import TestSupport

@Suite("Login by certificate challenge-response")
struct LoginTests {
    func login(_ fixture: ServiceFixture, certificate: Certificate, key: PrivateKey) async throws -> IdentityDesk.Session {
        let desk = IdentityDesk(fixture.environment)
        let challenge = try await desk.challenge(certificatePEM: certificate.pem)
        return try await desk.login(challengeId: challenge.challengeId, signature: try key.sign(Array(challenge.message.utf8)), address: "192.0.2.7")
    }

    @Test("a registered party logs in; its roles come from the registry; the login is in the ledger with the address")
    func login() async throws {
        let fixture = try await ServiceFixture()
        let session = try await login(fixture, certificate: try ServiceFixture.certificate("agency-01"), key: try ServiceFixture.key("agency-01"))
        #expect(session.party.id == "agency-01")
        #expect(session.party.roles == [.agency])
        let identity = try await IdentityDesk(fixture.environment).authenticate(token: session.token)
        #expect(identity.party.creditCode == "91350100MANJ90UN4D")
        let event = try #require(try await fixture.store.read { try $0.ledgerHead() })
        #expect(event.action == "auth.login")
        #expect(event.actor.address == "192.0.2.7")
        #expect(event.actor.party == "agency-01")
        // NIST certificates of the same party work as well.
        let nist = try await login(fixture, certificate: try ServiceFixture.certificate("agency-01", suite: "nist"), key: try ServiceFixture.key("agency-01", suite: "nist"))
        #expect(nist.party.id == "agency-01")
    }

    @Test("tokens are stored hashed, expire, and a forged one is refused")
    func tokens() async throws {
        let fixture = try await ServiceFixture()
        let session = try await login(fixture, certificate: try ServiceFixture.certificate("bidder-01"), key: try ServiceFixture.key("bidder-01"))
        let stored = try await fixture.store.read { tx in
            try (tx as! SQLTransaction).connection.query("SELECT hash FROM tokens") { $0.text(0) }
        }
        #expect(!stored.contains(session.token))
        #expect(stored.contains(IdentityDesk.hashToken(session.token)))
        let database = String(decoding: try fixture.databaseBytes(), as: UTF8.self)
        #expect(!database.contains(session.token))
        await expectServiceError("auth.token-invalid", status: 401) { _ = try await IdentityDesk(fixture.environment).authenticate(token: session.token + "x") }
        fixture.clock.advance(by: 8 * 3600 + 1)
        await expectServiceError("auth.token-expired", status: 401) { _ = try await IdentityDesk(fixture.environment).authenticate(token: session.token) }
    }

    @Test("revoked, expired and untrusted certificates cannot log in", arguments: [("bidder-09", "cert.revoked"), ("bidder-10", "cert.expired")])
    func refusedCertificates(party: String, code: String) async throws {
        let fixture = try await ServiceFixture()
        await expectServiceError(code, status: 401) {
            _ = try await login(fixture, certificate: try ServiceFixture.certificate(party), key: try ServiceFixture.key(party))
        }
    }

    @Test("an unknown certificate, a wrong signature and a replayed challenge are refused")
    func refusals() async throws {
        let fixture = try await ServiceFixture()
        let pki = try CertificateAuthority.root(subject: DistinguishedName(commonName: "Stranger CA"), key: try PrivateKey.generate(.sm2),
                                                notBefore: DemoPKI.validFrom, notAfter: DemoPKI.validTo)
        let strangerKey = try PrivateKey.generate(.sm2)
        let stranger = try pki.issue(subject: DistinguishedName(commonName: "x", organization: "x", serialNumber: "91350100MA3AGGLU11"),
                                     publicKey: strangerKey.publicKey, notBefore: DemoPKI.validFrom, notAfter: DemoPKI.validTo, profile: .dualUse)
        await expectServiceError("cert.untrusted", status: 401) { _ = try await login(fixture, certificate: stranger, key: strangerKey) }

        // Trusted, but nobody registered holds it.
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(ServiceFixture.keys)/gm/ca.crt.pem"),
                                          key: try PrivateKey(pemFile: "\(ServiceFixture.keys)/gm/ca.key.pem"))
        let nobodyKey = try PrivateKey.generate(.sm2)
        let nobody = try ca.issue(subject: DistinguishedName(commonName: "Nobody Co", organization: "Nobody Co", serialNumber: "91350100M000100Y43"),
                                  publicKey: nobodyKey.publicKey, notBefore: DemoPKI.validFrom, notAfter: DemoPKI.validTo, profile: .dualUse)
        await expectServiceError("auth.unknown-party", status: 401) { _ = try await login(fixture, certificate: nobody, key: nobodyKey) }

        let desk = IdentityDesk(fixture.environment)
        let challenge = try await desk.challenge(certificatePEM: try ServiceFixture.certificate("bidder-02").pem)
        let wrongKey = try ServiceFixture.key("bidder-03")
        await expectServiceError("auth.signature-invalid", status: 401) {
            _ = try await desk.login(challengeId: challenge.challengeId, signature: try wrongKey.sign(Array(challenge.message.utf8)), address: "test")
        }
        // The challenge was consumed by the failed attempt: it cannot be replayed.
        let right = try ServiceFixture.key("bidder-02").sign(Array(challenge.message.utf8))
        await expectServiceError("auth.challenge-invalid", status: 401) { _ = try await desk.login(challengeId: challenge.challengeId, signature: right, address: "test") }
        // Nor answered after it expired.
        let late = try await desk.challenge(certificatePEM: try ServiceFixture.certificate("bidder-02").pem)
        fixture.clock.advance(by: 301)
        await expectServiceError("auth.challenge-invalid", status: 401) {
            _ = try await desk.login(challengeId: late.challengeId, signature: try ServiceFixture.key("bidder-02").sign(Array(late.message.utf8)), address: "test")
        }
    }
}
