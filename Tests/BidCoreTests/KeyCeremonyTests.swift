@testable import BidCore
import Foundation
import Testing
import TestSupport

/// The key ceremony (distributed key generation) run by officials on their own machines, with the
/// messages a relay (the service) would carry between them.
@Suite("Key ceremony: distributed key generation, complaints, the transcript")
struct KeyCeremonyTests {
    struct Ceremony {
        let pki: TestPKI
        let officials: [TestPKI.Party]
        let parameters: KeyCeremony.Parameters
        let platform: TestPKI.Party

        init(_ suite: Suite, threshold: Int = 2, count: Int = 3, tender: String = "T-DKG-001") throws {
            pki = TestPKI.forSuite(suite)
            let pki = self.pki
            let officials = count <= 3 ? Array(pki.officials.prefix(count)) : pki.officials + (try (4...count).map { try pki.issue("Official \($0)") })
            self.officials = officials
            parameters = KeyCeremony.Parameters(tenderId: tender, section: "1", suite: suite, threshold: threshold, attempt: 1,
                                                participants: officials.enumerated().map { .init(index: $0.offset + 1, party: "official-\($0.offset + 1)",
                                                                                                  certificate: $0.element.certificate) })
            platform = try pki.issue("Platform")
        }

        func dealings() throws -> [KeyCeremony.Dealing] {
            try officials.enumerated().map { try KeyCeremony.deal(parameters, as: $0.offset + 1, key: $0.element.key) }
        }

        /// Every official checks and confirms; the platform signs the transcript.
        func run(_ dealings: [KeyCeremony.Dealing]? = nil) throws -> OpeningKeyFile {
            let dealings = try dealings ?? self.dealings()
            var confirmations: [OpeningKeyFile.Confirmation] = []
            for (offset, official) in officials.enumerated() {
                guard case .confirmed(let signature, _, _, _) = try KeyCeremony.check(parameters, dealings: dealings, as: offset + 1, key: official.key) else {
                    Issue.record("official \(offset + 1) complained")
                    continue
                }
                confirmations.append(.init(index: offset + 1, signature: Data(signature).base64EncodedString()))
            }
            return try OpeningKeyFile.transcript(parameters, dealings: dealings, confirmations: confirmations, createdAt: TestPKI.now,
                                                 platformKey: platform.key, platformCertificate: platform.certificate)
        }
    }

    @Test("officials make a key no machine holds: every share matches its verification key, any k open a bid, the transcript verifies",
          arguments: Suite.allCases)
    func honestCeremony(suite: Suite) throws {
        let ceremony = try Ceremony(suite, threshold: 3, count: 5)
        let file = try ceremony.run()
        #expect(file.origin == .ceremony)
        let digest = try file.verifyCeremony(trust: ceremony.pki.trust, at: TestPKI.now, platformCertificate: ceremony.platform.certificate)
        #expect(digest == (try file.transcriptDigest()))
        let reloaded = try OpeningKeyFile.load(try file.encoded())
        #expect(reloaded == file)
        // Each official's share, decrypted from all five dealings on its own machine.
        let shares = try ceremony.officials.map { try file.share(officialKey: $0.key, officialCertificate: $0.certificate) }
        #expect(shares.map(\.index) == [1, 2, 3, 4, 5])
        // A bid sealed to the ceremony's public key opens with the partials of any 3 officials.
        let fixture = try SealingFixture(suite: suite)
        var request = fixture.request()
        request.openingKey = try file.openingPublicKey
        let bytes = try fixture.seal(request)
        let header = try fixture.verify(bytes).header
        let partials = try shares.map { try CommitteeOpening.partial(for: header, key: file, share: $0.value, index: $0.index) }
        for subset in subsets(of: partials, size: 3) {
            let contentKey = try CommitteeOpening.contentKey(header: header, key: file, partials: subset)
            let (opened, _) = try fixture.open(bytes, key: .contentKey(contentKey))
            #expect(opened.manifest.summary == SealingFixture.summary)
        }
        expectCode(.notEnoughShares) { _ = try CommitteeOpening.contentKey(header: header, key: file, partials: Array(partials.prefix(2))) }
        expectCode(.notEnoughShares) { _ = try CommitteeOpening.contentKey(header: header, key: file, partials: [partials[0], partials[0], partials[1]]) }
        // The secret d is Σ of the dealers' constant terms: nobody computed it, but a test can check
        // it is not written anywhere in the transcript (and neither is any share).
        let text = String(decoding: try file.encoded(), as: UTF8.self)
        for share in shares { #expect(!text.contains(share.value.hex)) }
    }

    @Test("a dealer that sends one official a bad share is named by that official's complaint, which anyone can check", arguments: Suite.allCases)
    func faultyDealer(suite: Suite) throws {
        let ceremony = try Ceremony(suite)
        var dealings = try ceremony.dealings()
        // Dealer 3 gives official 2 a share that does not lie on its committed polynomial, and signs.
        let context = try ceremony.parameters.contextDigest()
        let bogus = try Curve.of(suite).randomScalar()
        let (algorithm, wrapped) = try KeyWrap.wrap(bogus.bytes, to: ceremony.officials[1].certificate.publicKey,
                                                    context: ceremony.parameters.shareContext(context: context, dealer: 3, recipient: 2))
        dealings[2].shares[1] = .init(recipient: 2, algorithm: algorithm, wrapped: Data(wrapped).base64EncodedString())
        dealings[2].signature = Data(try ceremony.officials[2].key.sign(try dealings[2].message(context: context))).base64EncodedString()
        try KeyCeremony.verifyDealing(dealings[2], ceremony.parameters)   // well-formed and signed: only official 2 can tell
        // Officials 1 and 3 see nothing wrong; official 2 complains about dealer 3.
        guard case .confirmed = try KeyCeremony.check(ceremony.parameters, dealings: dealings, as: 1, key: ceremony.officials[0].key) else {
            Issue.record("official 1 should confirm"); return
        }
        guard case .complaint(let complaint, let reason) = try KeyCeremony.check(ceremony.parameters, dealings: dealings, as: 2, key: ceremony.officials[1].key) else {
            Issue.record("official 2 should complain"); return
        }
        #expect(complaint.dealer == 3 && complaint.complainant == 2)
        #expect(reason.contains("does not match its commitments"))
        guard case .upheld(let finding) = try KeyCeremony.verifyComplaint(complaint, dealings: dealings, ceremony.parameters) else {
            Issue.record("the complaint should be upheld"); return
        }
        #expect(finding.contains("official 3"))
        // The same complaint against an honest dealer: the evidence shows the share is fine.
        let honest = try ceremony.dealings()
        var unfounded = complaint
        unfounded.dealer = 1
        let shared = try Curve.of(suite).multiply(try ThresholdDecryption.ephemeralPoint(wrapped: try honest[0].shares[1].wrappedBytes(),
                                                                                          algorithm: honest[0].shares[1].algorithm),
                                                  by: try Curve.of(suite).scalar(try ceremony.officials[1].key.ecPrivateScalar()))
        unfounded.sharedPoint = shared.hex
        unfounded.proof = try EqualityProof.prove(secret: try Curve.of(suite).scalar(try ceremony.officials[1].key.ecPrivateScalar()),
                                                  base: try ThresholdDecryption.ephemeralPoint(wrapped: try honest[0].shares[1].wrappedBytes(),
                                                                                               algorithm: honest[0].shares[1].algorithm),
                                                  publicPoint: try Curve.of(suite).point(try ceremony.officials[1].key.publicKey.ecPublicPoint()),
                                                  result: shared, label: "complaint",
                                                  context: KeyCeremony.Complaint.proofContext(context, dealer: 1, complainant: 2), curve: Curve.of(suite)).hex
        unfounded.signature = Data(try ceremony.officials[1].key.sign(unfounded.message(context: context))).base64EncodedString()
        #expect(try KeyCeremony.verifyComplaint(unfounded, dealings: honest, ceremony.parameters) == .unfounded)
        // A complaint with a made-up shared point (to frame a dealer) fails its proof.
        var framed = complaint
        framed.sharedPoint = try Curve.of(suite).multiplyGenerator(try Curve.of(suite).randomScalar()).hex
        framed.signature = Data(try ceremony.officials[1].key.sign(framed.message(context: context))).base64EncodedString()
        expectCode(.complaintInvalid) { _ = try KeyCeremony.verifyComplaint(framed, dealings: dealings, ceremony.parameters) }
        // And one not signed by the complainant.
        var unsigned = complaint
        unsigned.signature = Data(try ceremony.officials[0].key.sign(complaint.message(context: context))).base64EncodedString()
        expectCode(.complaintInvalid) { _ = try KeyCeremony.verifyComplaint(unsigned, dealings: dealings, ceremony.parameters) }
    }

    @Test("altered dealings, keys, confirmations and platform signatures are refused; a transcript is bound to its tender", arguments: Suite.allCases)
    func tampering(suite: Suite) throws {
        let ceremony = try Ceremony(suite)
        let dealings = try ceremony.dealings()
        // A commitment changed after signing.
        var altered = dealings[0]
        altered.commitments[1] = try Curve.of(suite).multiplyGenerator(try Curve.of(suite).randomScalar()).hex
        expectCode(.dealingInvalid) { try KeyCeremony.verifyDealing(altered, ceremony.parameters) }
        // A dealing signed by someone else than its dealer.
        var impostor = dealings[1]
        impostor.signature = Data(try ceremony.officials[0].key.sign(try impostor.message(context: try ceremony.parameters.contextDigest()))).base64EncodedString()
        expectCode(.dealingInvalid) { try KeyCeremony.verifyDealing(impostor, ceremony.parameters) }
        // A dealing made for another tender does not verify in this ceremony.
        let elsewhere = try Ceremony(suite, tender: "T-DKG-OTHER")
        let foreign = try KeyCeremony.deal(elsewhere.parameters, as: 1, key: ceremony.officials[0].key)
        expectCode(.dealingInvalid) { try KeyCeremony.verifyDealing(foreign, ceremony.parameters) }
        let file = try ceremony.run(dealings)
        // A verification key that does not follow from the commitments.
        var badKey = file
        badKey.officials[0].verificationKey = try Curve.of(suite).multiplyGenerator(try Curve.of(suite).randomScalar()).hex
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(try badKey.encoded()) }
        // A missing confirmation, a confirmation of another official, a platform signature by another key.
        var unconfirmed = file
        unconfirmed.confirmations?.removeLast()
        expectCode(.ceremonyUnverified) { try unconfirmed.verifyCeremony(trust: nil, at: TestPKI.now, platformCertificate: ceremony.platform.certificate) }
        var swapped = file
        swapped.confirmations?[0].signature = file.confirmations![1].signature
        expectCode(.ceremonyUnverified) { try swapped.verifyCeremony(trust: nil, at: TestPKI.now, platformCertificate: ceremony.platform.certificate) }
        expectCode(.ceremonyUnverified) { try file.verifyCeremony(trust: nil, at: TestPKI.now, platformCertificate: ceremony.officials[0].certificate) }
        // Moving the transcript to another tender breaks every signature.
        var moved = file
        moved.tenderId = "T-DKG-OTHER"
        expectCode(.dealingInvalid) { try moved.verifyCeremony(trust: nil, at: TestPKI.now, platformCertificate: ceremony.platform.certificate) }
        // An official whose certificate does not chain to the trust store.
        let stranger = try TestPKI(suite: suite)
        expectCode(.certificateUntrusted) { try file.verifyCeremony(trust: stranger.trust, at: TestPKI.now, platformCertificate: nil) }
        // An official with someone else's key cannot deal or check as them.
        expectCode(.invalidKey) { _ = try KeyCeremony.deal(ceremony.parameters, as: 1, key: ceremony.officials[1].key) }
        expectCode(.notAShareholder) { _ = try KeyCeremony.deal(ceremony.parameters, as: 4, key: ceremony.officials[0].key) }
    }

    @Test("ceremony parameters: k of n, distinct officials, certificates on the suite's curve")
    func parameters() throws {
        let pki = TestPKI.gm
        func parameters(_ threshold: Int, _ certificates: [Certificate], suite: Suite = .gm) -> KeyCeremony.Parameters {
            .init(tenderId: "T-1", section: "1", suite: suite, threshold: threshold, attempt: 1,
                  participants: certificates.enumerated().map { .init(index: $0.offset + 1, party: nil, certificate: $0.element) })
        }
        let three = pki.officials.map(\.certificate)
        try parameters(2, three).validate()
        expectCode(.openingKeyMalformed) { try parameters(1, three).validate() }
        expectCode(.openingKeyMalformed) { try parameters(4, three).validate() }
        expectCode(.openingKeyMalformed) { try parameters(2, [three[0], three[0]]).validate() }
        expectCode(.openingKeyMalformed) { try parameters(2, three, suite: .nist).validate() }   // SM2 certificates for a NIST key
    }
}
