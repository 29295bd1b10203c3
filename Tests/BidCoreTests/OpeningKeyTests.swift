@testable import BidCore
import Foundation
import Testing
import TestSupport

@Suite("Opening key file: keygen's dealer key, shares over Z_n, verification keys, the retired format")
struct OpeningKeyTests {
    func keygen(_ suite: Suite, threshold: Int = 2) throws -> (TestPKI, OpeningKeyFile) {
        let pki = TestPKI.forSuite(suite)
        let file = try OpeningKeyDealer.generate(suite: suite, officials: pki.officials.map(\.certificate), threshold: threshold,
                                                 tenderId: "T-2026-001", section: "1", trust: pki.trust, at: TestPKI.now)
        return (pki, file)
    }

    @Test("the file holds the public key, one dealing with k commitments, a verification key per official, and survives JSON",
          arguments: Suite.allCases)
    func fileShape(suite: Suite) throws {
        let (pki, file) = try keygen(suite)
        #expect(file.origin == .dealer && file.version == 2)
        #expect(file.officials.count == 3 && file.threshold == 2)
        #expect(file.dealings.count == 1 && file.dealings[0].dealer == 0 && file.dealings[0].commitments.count == 2)
        #expect(try file.openingPublicKey.type == (suite == .gm ? .sm2 : .p256))
        #expect(Set(file.officials.map(\.certificateFingerprint)) == Set(pki.officials.map(\.certificate.fingerprint)))
        #expect(try OpeningKeyFile.load(try file.encoded()) == file)
        // Each official's share, decrypted on its machine, is sᵢ with sᵢ·G = Yᵢ; none is in the file.
        let text = String(decoding: try file.encoded(), as: UTF8.self)
        for official in pki.officials {
            let share = try file.share(officialKey: official.key, officialCertificate: official.certificate)
            #expect(try file.curve.multiplyGenerator(share.value) == file.verificationKey(share.index))
            #expect(!text.contains(share.value.hex))
        }
        // A dealer key is not a ceremony's: it has no signatures to verify.
        expectCode(.ceremonyUnverified) { try file.verifyCeremony(trust: pki.trust, at: TestPKI.now, platformCertificate: nil) }
    }

    @Test("any k officials' partials open a bid sealed to the key; k−1 do not; one bid's partials open no other", arguments: Suite.allCases)
    func partialsOpenOneBid(suite: Suite) throws {
        let (pki, file) = try keygen(suite, threshold: 2)
        let fixture = try SealingFixture(suite: suite)
        var request = fixture.request()
        request.openingKey = try file.openingPublicKey
        let first = try fixture.seal(request)
        let second = try fixture.seal(request)   // the same key, another package: another E
        let header = try fixture.verify(first).header
        let otherHeader = try fixture.verify(second).header
        let shares = try pki.officials.map { try file.share(officialKey: $0.key, officialCertificate: $0.certificate) }
        let partials = try shares.map { try CommitteeOpening.partial(for: header, key: file, share: $0.value, index: $0.index) }
        for pair in subsets(of: partials, size: 2) {
            let (opened, _) = try fixture.open(first, key: .contentKey(try CommitteeOpening.contentKey(header: header, key: file, partials: pair)))
            #expect(opened.manifest.tenderId == "T-2026-001")
        }
        expectCode(.notEnoughShares) { _ = try CommitteeOpening.contentKey(header: header, key: file, partials: [partials[0]]) }
        // Every partial made for the first package is refused for the second (its proof names the package and E).
        expectCode(.partialInvalid) { _ = try CommitteeOpening.contentKey(header: otherHeader, key: file, partials: Array(partials.prefix(2))) }
        // Even forced through without the proofs, the first bid's combined point unwraps nothing of the second.
        let combined = try ThresholdDecryption.combine(try partials.prefix(2).map { (index: $0.index, point: try file.curve.point(hex: $0.point)) },
                                                       curve: file.curve)
        let (recipient, _) = try CommitteeOpening.ephemeral(of: otherHeader, key: file)
        #expect(throws: BidCoreError.self) {
            _ = try ThresholdDecryption.unwrap([UInt8](Data(base64Encoded: recipient.wrappedKey)!), algorithm: recipient.algorithm, sharedPoint: combined,
                                               recipient: try file.publicPoint(), context: PayloadKeys.wrapContext(packageId: otherHeader.packageIdBytes))
        }
    }

    @Test("a threshold of 3 needs three officials' partials")
    func thresholdThree() throws {
        let (pki, file) = try keygen(.gm, threshold: 3)
        let fixture = try SealingFixture(suite: .gm)
        var request = fixture.request()
        request.openingKey = try file.openingPublicKey
        let header = try fixture.verify(try fixture.seal(request)).header
        let partials = try pki.officials.map { official -> PartialDecryption in
            let share = try file.share(officialKey: official.key, officialCertificate: official.certificate)
            return try CommitteeOpening.partial(for: header, key: file, share: share.value, index: share.index)
        }
        expectCode(.notEnoughShares) { _ = try CommitteeOpening.contentKey(header: header, key: file, partials: Array(partials.prefix(2))) }
        #expect(try CommitteeOpening.contentKey(header: header, key: file, partials: partials).count == 32)
    }

    @Test("non-shareholders, someone else's key and shares swapped between officials are refused", arguments: Suite.allCases)
    func badShares(suite: Suite) throws {
        let (pki, file) = try keygen(suite)
        expectCode(.notAShareholder) { _ = try file.share(officialKey: pki.bidderA.key, officialCertificate: pki.bidderA.certificate) }
        expectCode(.invalidKey) { _ = try file.share(officialKey: pki.officials[1].key, officialCertificate: pki.officials[0].certificate) }
        // Official 1's verification key given to official 2: its share no longer matches.
        var swapped = file
        swapped.officials[1].verificationKey = file.officials[0].verificationKey
        expectCode(.shareInvalid) { _ = try swapped.share(officialKey: pki.officials[1].key, officialCertificate: pki.officials[1].certificate) }
        expectCode(.openingKeyMalformed) { try swapped.validate() }
    }

    @Test("malformed, inconsistent and version-1 files are refused")
    func malformedFiles() throws {
        let (_, file) = try keygen(.gm)
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(Data("{".utf8)) }
        var badId = file
        badId.keyId = String(repeating: "0", count: 64)
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(try badId.encoded()) }
        var badThreshold = file
        badThreshold.threshold = 4
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(try badThreshold.encoded()) }
        var wrongSuite = file
        wrongSuite.suite = .nist
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(try wrongSuite.encoded()) }
        var otherKey = file
        otherKey.publicKey = try PrivateKey.generate(.sm2).publicKey.pem
        otherKey.keyId = try otherKey.openingPublicKey.keyID(.sm3)
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(try otherKey.encoded()) }
        var extraCommitment = file
        extraCommitment.dealings[0].commitments.append(extraCommitment.dealings[0].commitments[0])
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(try extraCommitment.encoded()) }
        // The retired byte-wise format: refused with a message that says what to do.
        let v1 = #"{"format":"ebid-opening-key","version":1,"suite":"GM","keyId":"00","publicKey":"","threshold":2,"createdAt":"2026-01-01T00:00:00Z","officials":[]}"#
        do {
            _ = try OpeningKeyFile.load(Data(v1.utf8))
            Issue.record("a version-1 file was accepted")
        } catch let error as BidCoreError {
            #expect(error.code == .openingKeyRetired)
            #expect(error.reason.contains("ebid opening ceremony"))
        }
        let pki = TestPKI.gm
        #expect(throws: BidCoreError.self) {
            _ = try OpeningKeyDealer.generate(suite: .gm, officials: [pki.officials[0].certificate, pki.officials[0].certificate], threshold: 2)
        }
        #expect(throws: BidCoreError.self) {
            _ = try OpeningKeyDealer.generate(suite: .nist, officials: pki.officials.map(\.certificate), threshold: 2)   // SM2 officials, NIST key
        }
    }
}
