@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Testing
import TestSupport

/// The key ceremony through the service, and the rules for the opening key a tender may use:
/// one key, one tender; shareholders are registered, valid opening officials of the centre
/// (Law art. 22, 28, 36; E-Measures art. 28, 30).
@Suite("Key ceremony desk and the opening key rules")
struct KeyCeremonyDeskTests {
    static let demoCA = "\(ServiceFixture.keys)/gm/ca"

    /// Registers a party with the given roles and a certificate the test makes.
    func register(_ fixture: ServiceFixture, id: String, personId: String, roles: [PartyRole], certificate: Certificate) async throws {
        var record = PartyRecord(id: id, kind: .person, roles: roles, name: "测试人员 \(id)")
        record.personId = personId
        let now = fixture.clock.now()
        let party = record
        try await fixture.store.write { try $0.upsertParty(party, certificates: [certificate], at: now) }
    }

    /// A certificate issued by the demo CA (or self-signed), with its key.
    func certificate(_ name: String, serial: String, notBefore: Date, notAfter: Date, selfSigned: Bool = false) throws -> (Certificate, PrivateKey) {
        let key = try PrivateKey.generate(.sm2)
        let subject = DistinguishedName(commonName: name, organization: "福州市公共资源交易中心", serialNumber: serial)
        if selfSigned {
            return (try CertificateAuthority.root(subject: subject, key: key, notBefore: notBefore, notAfter: notAfter).certificate, key)
        }
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(Self.demoCA).crt.pem"), key: try PrivateKey(pemFile: "\(Self.demoCA).key.pem"))
        return (try ca.issue(subject: subject, publicKey: key.publicKey, notBefore: notBefore, notAfter: notAfter, profile: .dualUse), key)
    }

    @Test("officials deal, check and confirm through the service; the transcript verifies offline and becomes the tender's key")
    func ceremonyThroughTheDesk() async throws {
        let fixture = try await ServiceFixture()
        let transcript = try await fixture.ceremony(tender: "T-CER-1", threshold: 2)
        #expect(transcript.origin == .ceremony && transcript.tenderId == "T-CER-1" && transcript.section == "1")
        try transcript.verifyCeremony(trust: fixture.environment.trust, at: fixture.clock.now(), platformCertificate: fixture.environment.platform.certificate)
        for action in ["ceremony.start", "ceremony.deal", "ceremony.confirm", "ceremony.complete"] {
            let events = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 1000) }.filter { $0.action == action && $0.tenderId == "T-CER-1" }
            #expect(events.count == (action == "ceremony.deal" || action == "ceremony.confirm" ? 3 : 1), "\(action)")
        }
        // The tender takes the completed ceremony's key without being given one.
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-CER-1"), keys: [])
        let stored = try await fixture.store.read { try $0.openingKeys(tender: spec.id) }
        #expect(stored.map(\.keyId) == [transcript.keyId])
        #expect(keys.isEmpty)
        // Once used, the ceremony cannot be run again for that tender.
        await expectServiceError("ceremony.tender-published", status: 409) { try await fixture.ceremony(tender: "T-CER-1") }
    }

    @Test("the service holds nothing that decrypts: no share, no key, in the store or the data directory, after a whole ceremony")
    func serviceHoldsNothingSecret() async throws {
        let fixture = try await ServiceFixture()
        let transcript = try await fixture.ceremony(tender: "T-CER-SECRET", threshold: 2)
        // What the officials' machines know (computed here from their keys): their shares, and d.
        var shares: [(index: Int, value: Scalar)] = []
        for official in ServiceFixture.officials {
            shares.append(try transcript.share(officialKey: try ServiceFixture.key(official), officialCertificate: try ServiceFixture.certificate(official)))
        }
        let curve = transcript.curve
        let lambdas = try ThresholdMath.lagrangeAtZero([1, 2], curve: curve)
        let d = try curve.add(try curve.multiply(lambdas[0], shares[0].value), try curve.multiply(lambdas[1], shares[1].value))
        #expect(try curve.multiplyGenerator(d) == transcript.publicPoint())
        let secrets = [d.bytes] + shares.map(\.value.bytes)
        _ = try fixture.databaseBytes()  // PostgreSQL's rows, dumped into the directory searched
        try await expectNoFileHolds(secrets, in: fixture.directory.path)
    }

    @Test("a dealer that deals a bad share is named by the complaint; the ceremony fails and is run again without it")
    func faultyDealer() async throws {
        let fixture = try await ServiceFixture()
        let desk = KeyCeremonyDesk(fixture.environment)
        let agency = try await fixture.identity("agency-01")
        var view = try await desk.start(tender: "T-CER-BAD", .init(suite: .gm, section: "1", threshold: 2, officials: ServiceFixture.officials),
                                        by: agency, role: .agency, address: "test")
        let context = try view.parameters.contextDigest()
        for (offset, official) in ServiceFixture.officials.enumerated() {
            var dealing = try KeyCeremony.deal(view.parameters, as: offset + 1, key: try ServiceFixture.key(official))
            if offset == 2 {
                // official-03 gives official-01 a share off its polynomial, and signs it.
                let (algorithm, wrapped) = try KeyWrap.wrap(try Curve.sm2.randomScalar().bytes, to: try ServiceFixture.certificate("official-01").publicKey,
                                                            context: view.parameters.shareContext(context: context, dealer: 3, recipient: 1))
                dealing.shares[0] = .init(recipient: 1, algorithm: algorithm, wrapped: Data(wrapped).base64EncodedString())
                dealing.signature = Data(try ServiceFixture.key(official).sign(try dealing.message(context: context))).base64EncodedString()
            }
            // Nobody deals in another's name.
            if offset == 0 {
                await expectServiceError("ceremony.dealing-invalid") {
                    _ = try await desk.deal(tender: "T-CER-BAD", suite: .gm, dealing, by: try await fixture.identity("official-02"), address: "x")
                }
            }
            view = try await desk.deal(tender: "T-CER-BAD", suite: .gm, dealing, by: try await fixture.identity(official), address: "test")
        }
        #expect(view.status == .checking)
        let dealings = try await desk.dealings(tender: "T-CER-BAD", suite: .gm, by: try await fixture.identity("official-02"))
        // An unfounded complaint (official-02 against honest official-01) is refused and recorded.
        guard case .confirmed = try KeyCeremony.check(view.parameters, dealings: dealings, as: 2, key: try ServiceFixture.key("official-02")) else {
            Issue.record("official-02 should have nothing to complain about"); return
        }
        guard case .complaint(let complaint, _) = try KeyCeremony.check(view.parameters, dealings: dealings, as: 1, key: try ServiceFixture.key("official-01")) else {
            Issue.record("official-01 should complain"); return
        }
        await expectServiceError("ceremony.complaint-invalid") {
            _ = try await desk.complain(tender: "T-CER-BAD", suite: .gm, complaint, by: try await fixture.identity("official-02"), address: "x")
        }
        view = try await desk.complain(tender: "T-CER-BAD", suite: .gm, complaint, by: try await fixture.identity("official-01"), address: "test")
        #expect(view.status == .failed)
        #expect(view.failure?.faultyDealer == 3)
        #expect(view.failure?.faultyParty == "official-03")
        #expect(try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 1000) }.contains { $0.action == "ceremony.failed" })
        await expectServiceError("ceremony.failed") {
            _ = try await desk.confirm(tender: "T-CER-BAD", suite: .gm, signature: [1], by: try await fixture.identity("official-02"), address: "x")
        }
        // The tender cannot use a failed ceremony; run again without official-03 (and one other).
        await expectServiceError("tender.opening-key-missing") {
            _ = try await TenderDesk(fixture.environment).createDraft(try fixture.spec(id: "T-CER-BAD"), openingKeys: [], by: agency, role: .agency, address: "x")
        }
        let again = try await fixture.ceremony(tender: "T-CER-BAD", officials: ["official-01", "official-02"])
        #expect(again.attempt == 2 && again.officials.count == 2)
    }

    @Test("who may take part: registered officials with valid certificates, not bidders, not the host; steps in order, each once")
    func participants() async throws {
        let fixture = try await ServiceFixture()
        let desk = KeyCeremonyDesk(fixture.environment)
        let agency = try await fixture.identity("agency-01")
        func start(_ officials: [String], threshold: Int = 2, tender: String = "T-CER-WHO") async throws {
            _ = try await desk.start(tender: tender, .init(suite: .gm, section: "1", threshold: threshold, officials: officials), by: agency, role: .agency, address: "x")
        }
        await expectServiceError("tender.unknown-official") { try await start(["official-01", "bidder-01"]) }
        await expectServiceError("tender.unknown-official") { try await start(["official-01", "nobody"]) }
        await expectServiceError("ceremony.invalid") { try await start(["official-01", "official-01"]) }
        await expectServiceError("ceremony.invalid") { try await start(["official-01", "official-02"], threshold: 3) }
        // An official whose certificate expired, one whose certificate is self-signed, one who also bids.
        let now = fixture.clock.now()
        let (expired, _) = try certificate("过期人员", serial: "FZGGZY-OF-091", notBefore: now.addingTimeInterval(-400 * 86_400), notAfter: now.addingTimeInterval(-86_400))
        try await register(fixture, id: "official-91", personId: "FZGGZY-OF-091", roles: [.official], certificate: expired)
        await expectServiceError("ceremony.official-certificate") { try await start(["official-01", "official-91"]) }
        let (selfSigned, _) = try certificate("陈明", serial: "FZGGZY-OF-092", notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(86_400 * 365),
                                              selfSigned: true)
        try await register(fixture, id: "official-92", personId: "FZGGZY-OF-092", roles: [.official], certificate: selfSigned)
        await expectServiceError("ceremony.official-certificate") { try await start(["official-01", "official-92"]) }
        let (dual, _) = try certificate("兼职人员", serial: "FZGGZY-OF-093", notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(86_400 * 365))
        try await register(fixture, id: "official-93", personId: "FZGGZY-OF-093", roles: [.official, .bidder], certificate: dual)
        await expectServiceError("tender.shareholder-conflict") { try await start(["official-01", "official-93"]) }
        // Another party cannot hijack a tender id someone else's ceremony reserved, nor see it.
        try await start(ServiceFixture.officials)
        await expectServiceError("ceremony.not-starter", status: 403) {
            _ = try await desk.start(tender: "T-CER-WHO", .init(suite: .gm, section: "1", threshold: 2, officials: ServiceFixture.officials),
                                     by: try await fixture.identity("tenderer-01"), role: .tenderer, address: "x")
        }
        await expectServiceError("ceremony.not-found", status: 404) {
            _ = try await desk.view(tender: "T-CER-WHO", suite: .gm, for: try await fixture.identity("bidder-01"))
        }
        #expect(try await desk.view(tender: "T-CER-WHO", suite: .gm, for: try await fixture.identity("supervisor-01")).status == .dealing)
        // Dealings are shown only once all are in; confirmations only while checking.
        await expectServiceError("ceremony.dealing", status: 409) {
            _ = try await desk.dealings(tender: "T-CER-WHO", suite: .gm, by: try await fixture.identity("official-01"))
        }
        let view = try await desk.view(tender: "T-CER-WHO", suite: .gm, for: agency)
        let dealing = try KeyCeremony.deal(view.parameters, as: 1, key: try ServiceFixture.key("official-01"))
        _ = try await desk.deal(tender: "T-CER-WHO", suite: .gm, dealing, by: try await fixture.identity("official-01"), address: "x")
        await expectServiceError("ceremony.already-dealt", status: 409) {
            _ = try await desk.deal(tender: "T-CER-WHO", suite: .gm, dealing, by: try await fixture.identity("official-01"), address: "x")
        }
        await expectServiceError("ceremony.dealing", status: 409) {
            _ = try await desk.confirm(tender: "T-CER-WHO", suite: .gm, signature: [1], by: try await fixture.identity("official-01"), address: "x")
        }
        await expectServiceError("ceremony.not-an-official", status: 403) {
            _ = try await desk.deal(tender: "T-CER-WHO", suite: .gm, dealing, by: try await fixture.identity("supervisor-01"), address: "x")
        }
    }

    @Test("one key, one tender: a reused key, a key made for another tender, a keygen key (statutory) and shareholders who are not valid officials are refused")
    func keyRules() async throws {
        let fixture = try await ServiceFixture()
        let agency = try await fixture.identity("agency-01")
        let desk = TenderDesk(fixture.environment)
        func create(_ id: String, _ keys: [OpeningKeyFile]) async throws {
            _ = try await desk.createDraft(try fixture.spec(id: id), openingKeys: keys, by: agency, role: .agency, address: "x")
        }
        // A statutory centre refuses a key made on one machine.
        await expectServiceError("tender.opening-key-dealer") { try await create("T-KEY-DEALER", try fixture.dealerKeys([.gm])) }
        // Tender A's ceremony key, handed in for tender B (the attack of the issue: a short tender
        // published with a running tender's key, to get its bids decrypted early).
        let (a, aKeys) = try await fixture.publishTender(try fixture.spec(id: "T-KEY-A"))
        await expectServiceError("tender.opening-key-other-tender") { try await create("T-KEY-B", aKeys) }
        // The same key with its binding forged: every signature breaks.
        var rebound = aKeys[0]
        rebound.tenderId = "T-KEY-B"
        await expectServiceError("tender.opening-key-unverified") { try await create("T-KEY-B", [rebound]) }
        _ = a

        // Where keygen keys are allowed, one (unbound) key still serves a single tender.
        let lenient = try await ServiceFixture(dealerKeys: true)
        let shared = try lenient.dealerKeys([.gm])
        try await lenient.publishTender(try lenient.spec(id: "T-KEY-1"), keys: shared)
        await expectServiceError("tender.opening-key-reused", status: 409) { try await lenient.publishTender(try lenient.spec(id: "T-KEY-2"), keys: shared) }
        // Shareholders: a self-signed "official" copying a real official's name, an expired one, a bidder.
        let now = lenient.clock.now()
        let official01 = try ServiceFixture.certificate("official-01")
        let impostorKey = try PrivateKey.generate(.sm2)
        let impostor = try CertificateAuthority.root(subject: official01.subject, key: impostorKey, notBefore: now.addingTimeInterval(-86_400),
                                                     notAfter: now.addingTimeInterval(365 * 86_400)).certificate
        func keygen(_ certificates: [Certificate]) throws -> [OpeningKeyFile] {
            [try OpeningKeyDealer.generate(suite: .gm, officials: certificates, threshold: 2)]
        }
        let two = [try ServiceFixture.certificate("official-02"), try ServiceFixture.certificate("official-03")]
        await expectServiceError("tender.unknown-official") { try await lenient.publishTender(try lenient.spec(id: "T-KEY-3"), keys: try keygen([impostor] + two)) }
        let (expired, _) = try certificate("过期人员", serial: "FZGGZY-OF-081", notBefore: now.addingTimeInterval(-400 * 86_400), notAfter: now.addingTimeInterval(-86_400))
        try await register(lenient, id: "official-81", personId: "FZGGZY-OF-081", roles: [.official], certificate: expired)
        await expectServiceError("tender.official-certificate") { try await lenient.publishTender(try lenient.spec(id: "T-KEY-4"), keys: try keygen([expired] + two)) }
        let (bidderOfficial, _) = try certificate("兼职人员", serial: "FZGGZY-OF-082", notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(365 * 86_400))
        try await register(lenient, id: "official-82", personId: "FZGGZY-OF-082", roles: [.official, .bidder], certificate: bidderOfficial)
        await expectServiceError("tender.shareholder-conflict") {
            try await lenient.publishTender(try lenient.spec(id: "T-KEY-5"), keys: try keygen([bidderOfficial] + two))
        }
        await expectServiceError("tender.unknown-official") {
            try await lenient.publishTender(try lenient.spec(id: "T-KEY-6"), keys: try keygen([try ServiceFixture.certificate("bidder-01")] + two))
        }
    }
}

/// Fails if any file under `directory` (database, WAL, blobs, logs) contains one of `secrets`,
/// raw or as hex.
func expectNoFileHolds(_ secrets: [[UInt8]], in directory: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    let needles = secrets.flatMap { [Data($0), Data(Hex.encode($0).utf8), Data(Data($0).base64EncodedString().utf8)] }
    var files = 0
    for name in FileManager.default.enumerator(atPath: directory)?.allObjects as? [String] ?? [] {
        let path = "\(directory)/\(name)"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { continue }
        files += 1
        for needle in needles where data.range(of: needle) != nil {
            Issue.record("\(name) holds a secret (\(needle.count) bytes)", sourceLocation: sourceLocation)
        }
    }
    // The database's files, or (on PostgreSQL) its dump beside the blobs.
    let dumped = FileManager.default.fileExists(atPath: "\(directory)/pg_dump.sql")
    #expect(files >= (dumped ? 1 : 2), "the data directory was searched", sourceLocation: sourceLocation)
}
