@testable import BidCore
import Foundation
import TestSupport
import Testing

@Suite("Opening key: ceremony, shares, rebuilding")
struct OpeningKeyTests {
    func ceremony(_ suite: Suite, threshold: Int = 2) throws -> (TestPKI, OpeningKeyFile) {
        let pki = TestPKI.forSuite(suite)
        let file = try OpeningKeyCeremony.generate(suite: suite, officials: pki.officials.map(\.certificate), threshold: threshold,
                                                   trust: pki.trust, at: TestPKI.now)
        return (pki, file)
    }

    @Test("the file holds the public key and one encrypted share per official, and survives JSON", arguments: Suite.allCases)
    func fileShape(suite: Suite) throws {
        let (pki, file) = try ceremony(suite)
        #expect(file.officials.count == 3)
        #expect(file.threshold == 2)
        #expect(try file.openingPublicKey.type == (suite == .gm ? .sm2 : .p256))
        #expect(Set(file.officials.map(\.certificateFingerprint)) == Set(pki.officials.map(\.certificate.fingerprint)))
        let reloaded = try OpeningKeyFile.load(try file.encoded())
        #expect(reloaded == file)
        // No private key material: the file's text never contains the rebuilt scalar.
        let shares = try pki.officials.prefix(2).map { try file.decryptShare(officialKey: $0.key, officialCertificate: $0.certificate) }
        let scalar = try file.rebuildPrivateKey(from: shares).ecPrivateScalar()
        let text = String(decoding: try file.encoded(), as: UTF8.self)
        #expect(!text.contains(Hex.encode(scalar)))
        #expect(!text.contains(Data(scalar).base64EncodedString()))
    }

    @Test("any k officials' shares rebuild the key and open a bid; k−1 do not", arguments: Suite.allCases)
    func rebuildAndOpen(suite: Suite) throws {
        let (pki, file) = try ceremony(suite)
        let fixture = try SealingFixture(suite: suite)
        var request = fixture.request()
        request.openingKey = try file.openingPublicKey
        let bytes = try fixture.seal(request)
        let shares = try pki.officials.map { try file.decryptShare(officialKey: $0.key, officialCertificate: $0.certificate) }
        for pair in combinations(of: shares, size: 2) {
            let key = try file.rebuildPrivateKey(from: pair)
            #expect(try key.publicKey == file.openingPublicKey)
            let (opened, _) = try fixture.open(bytes, key: .privateKey(key))
            #expect(opened.openedBy == .opening)
        }
        // One share is not enough, and the service says so.
        expectCode(.notEnoughShares) { _ = try file.rebuildPrivateKey(from: [shares[0]]) }
        expectCode(.notEnoughShares) { _ = try file.rebuildPrivateKey(from: [shares[1], shares[1]]) }
        // Interpolating k−1 shares by hand gives a scalar that is not the key and opens nothing.
        let guess = try Shamir.combine([Shamir.Share(x: UInt8(shares[0].index), y: shares[0].bytes!),
                                        Shamir.Share(x: 200, y: [UInt8](repeating: 0, count: 32))])
        if let wrong = try? PrivateKey.fromECScalar(guess, type: suite == .gm ? .sm2 : .p256) {
            #expect(try wrong.publicKey != file.openingPublicKey)
            expectCode(.sealedNoRecipient) { _ = try fixture.open(bytes, key: .privateKey(wrong)) }
        }
    }

    @Test("a threshold of 3 needs three officials")
    func thresholdThree() throws {
        let (pki, file) = try ceremony(.gm, threshold: 3)
        let shares = try pki.officials.map { try file.decryptShare(officialKey: $0.key, officialCertificate: $0.certificate) }
        expectCode(.notEnoughShares) { _ = try file.rebuildPrivateKey(from: Array(shares.prefix(2))) }
        #expect(try file.rebuildPrivateKey(from: shares).publicKey == file.openingPublicKey)
    }

    @Test("tampered shares, shares of another key and non-shareholders are refused", arguments: Suite.allCases)
    func badShares(suite: Suite) throws {
        let (pki, file) = try ceremony(suite)
        let (_, other) = try ceremony(suite)
        let official = pki.officials[0]
        var share = try file.decryptShare(officialKey: official.key, officialCertificate: official.certificate)
        let good = share
        var bytes = share.bytes!
        bytes[3] ^= 1
        share.value = Data(bytes).base64EncodedString()
        expectCode(.shareInvalid) { try file.check(share) }
        let foreign = try other.decryptShare(officialKey: official.key, officialCertificate: official.certificate)
        expectCode(.shareInvalid) { try file.check(foreign) }
        var renumbered = good
        renumbered.index = 3
        expectCode(.shareInvalid) { try file.check(renumbered) }
        expectCode(.notAShareholder) { _ = try file.decryptShare(officialKey: pki.bidderA.key, officialCertificate: pki.bidderA.certificate) }
        // The right certificate with someone else's key.
        expectCode(.invalidKey) { _ = try file.decryptShare(officialKey: pki.officials[1].key, officialCertificate: official.certificate) }
    }

    @Test("malformed and inconsistent files are refused")
    func malformedFiles() throws {
        let (_, file) = try ceremony(.gm)
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
        let pki = TestPKI.gm
        #expect(throws: BidCoreError.self) {
            _ = try OpeningKeyCeremony.generate(suite: .gm, officials: [pki.officials[0].certificate, pki.officials[0].certificate], threshold: 2)
        }
    }
}
