@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Testing
import TestSupport

/// The registry's refusals and its audit, on the desk (the CLI path is PartyRegistryCLITests).
@Suite("The party registry: refusals, the last administrator, and the audit of its rows")
struct PartyRegistryTests {
    static func admin(_ fixture: ServiceFixture) async throws -> Actor { try await fixture.identity("admin-01").actor(role: .admin, address: "test") }

    /// A new organisation certificate of the demo CA (the fixture trusts it).
    static func organisationCertificate(code: String, name: String) throws -> (Certificate, PrivateKey) {
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(ServiceFixture.keys)/gm/ca.crt.pem"),
                                          key: try PrivateKey(pemFile: "\(ServiceFixture.keys)/gm/ca.key.pem"))
        let key = try PrivateKey.generate(.sm2)
        let now = Date()
        let certificate = try ca.issue(subject: DistinguishedName([.init("C", "CN"), .init("O", name), .init("serialNumber", code), .init("CN", name)]),
                                       publicKey: key.publicKey, notBefore: now.addingTimeInterval(-3600), notAfter: now.addingTimeInterval(86_400 * 30), profile: .dualUse)
        return (certificate, key)
    }

    @Test("a self-registration must be signed by the certificate's key for exactly what it registers; a taken id or certificate is refused")
    func selfRegistration() async throws {
        let fixture = try await ServiceFixture()
        let registry = PartyRegistry(fixture.environment)
        let code = try UnifiedSocialCreditCode.make(division: "350100", organizationBody: "55667788").value
        let (certificate, key) = try Self.organisationCertificate(code: code, name: "榕城建设有限公司")
        func request(id: String = "rongcheng", name: String = "榕城建设有限公司", signedName: String? = nil, signer: PrivateKey? = nil) throws -> PartyRegistry.SelfRegistration {
            let message = PartyRegistry.SelfRegistration.message(id: id, name: signedName ?? name, creditCode: code, legalRepresentative: nil,
                                                                 certificateFingerprint: certificate.fingerprint)
            let signature = try (signer ?? key).sign(Array(message.utf8))
            return .init(id: id, name: name, creditCode: code, legalRepresentative: nil, certificate: certificate.pem, signature: Data(signature).base64EncodedString())
        }
        // Signed for another name, or by another key: refused.
        await #expect(throws: ServiceError.self) { _ = try await registry.selfRegister(try request(signedName: "别的公司"), address: "test") }
        let other = try PrivateKey.generate(.sm2)
        do {
            _ = try await registry.selfRegister(try request(signer: other), address: "test")
            Issue.record("a registration signed by another key was accepted")
        } catch let error as ServiceError { #expect(error.code == "registration.signature-invalid") }
        // An id already registered: refused.
        do {
            _ = try await registry.selfRegister(try request(id: "bidder-01"), address: "test")
            Issue.record("a self-registration took a registered id")
        } catch let error as ServiceError { #expect(error.code == "party.exists") }
        let state = try await registry.selfRegister(try request(), address: "test")
        #expect(state.status == .pending && state.record.roles == [.bidder] && state.certificates.map(\.fingerprint) == [certificate.fingerprint])
        // Pending: no login.
        let desk = IdentityDesk(fixture.environment)
        do {
            _ = try await desk.challenge(certificatePEM: certificate.pem)
            Issue.record("a pending registration logged in")
        } catch let error as ServiceError { #expect(error.code == "auth.registration-pending") }
        _ = try await registry.approve("rongcheng", reason: nil, actor: try await Self.admin(fixture))
        _ = try await desk.challenge(certificatePEM: certificate.pem)
        #expect(try fixture.audit().problems.isEmpty)
    }

    @Test("the last administrator keeps its role and a certificate; a certificate of another party cannot be taken")
    func lastAdministrator() async throws {
        let fixture = try await ServiceFixture()
        let registry = PartyRegistry(fixture.environment)
        let actor = try await Self.admin(fixture)
        var record = try await registry.entry("admin-01").record
        record.roles = [.supervisor]
        do {
            _ = try await registry.register(.init(party: record, certificates: []), actor: actor)
            Issue.record("the last administrator lost its role")
        } catch let error as ServiceError { #expect(error.code == "party.last-admin") }
        // Another party's certificate given to a new party: refused, nothing written.
        let bidderCertificate = try ServiceFixture.certificate("bidder-01")
        let thief = PartyRecord(id: "thief", kind: .person, roles: [.admin], name: "Thief", personId: "P-THIEF")
        do {
            _ = try await registry.register(.init(party: thief, certificates: [bidderCertificate.pem]), actor: actor, create: true)
            Issue.record("a certificate of bidder-01 was registered to another party")
        } catch let error as ServiceError { #expect(error.code == "party.certificate-mismatch", "a certificate serves the party its serialNumber names") }
        // Nor can an administrator give bidder-02 a certificate of bidder-01's (a key it might hold).
        do {
            _ = try await registry.addCertificate("bidder-02", pem: bidderCertificate.pem, actor: actor)
            Issue.record("bidder-01's certificate was added to bidder-02")
        } catch let error as ServiceError { #expect(error.code == "party.certificate-mismatch") }
        // Nor change a party's credit code (its credit decisions name it).
        var bidder = try await registry.entry("bidder-02").record
        bidder.creditCode = try UnifiedSocialCreditCode.make(division: "350100", organizationBody: "11223344").value
        do {
            _ = try await registry.register(.init(party: bidder, certificates: []), actor: actor)
            Issue.record("a party's credit code was changed")
        } catch let error as ServiceError { #expect(error.code == "party.identity-fixed") }
        #expect(try await fixture.store.read { try $0.party(id: "thief") } == nil)
    }

    @Test("the audit names a party whose rows were changed or deleted behind the registry's back")
    func auditOfRows() async throws {
        let fixture = try await ServiceFixture()
        #expect(try fixture.audit().problems.isEmpty)
        try fixture.store.writeNow { tx in try tx.setPartyStatus("bidder-02", .suspended, reason: "shell") }
        #expect(try fixture.audit().problems.map(\.kind) == ["party"])
        // No change builds on the altered rows (it would record them as legitimate and hide them from the audit).
        do {
            _ = try await PartyRegistry(fixture.environment).setStatus("bidder-02", suspended: false, reason: "restore", actor: try await Self.admin(fixture))
            Issue.record("a change was recorded on top of altered rows")
        } catch let error as ServiceError { #expect(error.code == "party.registry-altered") }
        #expect(try fixture.audit().problems.map(\.kind) == ["party"], "the refused change recorded nothing")
        try fixture.store.writeNow { tx in try tx.setPartyStatus("bidder-02", .active, reason: nil) }
        #expect(try fixture.audit().problems.isEmpty, "restoring the rows exactly restores the audit")
        // A party added from a shell, with no event.
        try fixture.store.writeNow { tx in
            try tx.upsertParty(PartyRecord(id: "ghost", kind: .person, roles: [.admin], name: "Ghost", personId: "P-GHOST"), certificates: [], at: Date())
        }
        #expect(try fixture.audit().problems.contains { $0.kind == "party" && $0.detail.contains("ghost") })
    }
}
