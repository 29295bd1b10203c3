@testable import BidCore
import Foundation
import Testing
import TestSupport

@Suite("Sealed bid: round trips")
struct SealedBidRoundTripTests {
    @Test("a sealed bid verifies without keys and opens with the bidder's and the opening key", arguments: Suite.allCases)
    func roundTrip(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let verified = try fixture.verify(bytes)
        #expect(verified.header.tenderId == "T-2026-001")
        #expect(verified.header.suite == suite)
        #expect(verified.signerIdentity.creditCode == "91350100M000100Y43")
        #expect(verified.size == UInt64(bytes.count))
        #expect(verified.packageDigest == StreamingDigest.hash(bytes, using: suite.hash))
        #expect(Set(verified.header.recipients.map(\.role)) == [.bidder, .opening])

        for key in [fixture.pki.bidderA.key, fixture.openingKey] {
            let (opened, out) = try fixture.open(bytes, key: .privateKey(key))
            #expect(opened.manifest.summary == SealingFixture.summary)
            #expect(opened.manifest.machineFingerprint == "machine-A")
            #expect(opened.signerIdentity.name == "甲建设工程有限公司")
            for part in fixture.parts {
                #expect(out.read(part.name) == part.bytes, "\(part.name)")
            }
            // The signed manifest is written beside the parts and verifies on its own.
            let manifest = out.read("manifest.json")
            #expect(try fixture.pki.bidderA.certificate.publicKey.isValidSignature(out.read("manifest.sig"), for: manifest,
                                                                                   scheme: .preferred(for: fixture.pki.keyType)))
        }
    }

    @Test("chunk boundaries: empty parts, exact multiples of the chunk size, one byte over", arguments: [
        [0, 1], [4096 - 8 - 4 - 8], [4096 * 3], [1, 4096 * 2 + 1], [100_000, 0, 4095],
    ])
    func chunkBoundaries(sizes: [Int]) throws {
        for suite in Suite.allCases {
            let fixture = try SealingFixture(suite: suite, partSizes: sizes)
            let bytes = try fixture.seal()
            let layout = PackageLayout(bytes)
            for chunk in layout.chunks.dropLast() { #expect(chunk.count == 4096 + SealedBidFormat.tagSize(suite)) }
            let (_, out) = try fixture.open(bytes, key: .privateKey(fixture.openingKey), feedSize: 4100)
            for part in fixture.parts { #expect(out.read(part.name) == part.bytes) }
        }
    }

    @Test("remote decryption: the bidder unwraps the content key locally; only that key opens the bid", arguments: Suite.allCases)
    func contentKey(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let header = try fixture.verify(bytes).header
        let contentKey = try SealedBidOpener.unwrapContentKey(header: header, with: fixture.pki.bidderA.key)
        #expect(SealedBidOpener.contentKeyMatches(contentKey, header: header))
        let (opened, _) = try fixture.open(bytes, key: .contentKey(contentKey))
        #expect(opened.manifest.summary.price == "12345678.90")

        var wrong = contentKey
        wrong[0] ^= 1
        #expect(!SealedBidOpener.contentKeyMatches(wrong, header: header))
        expectCode(.sealedContentKeyMismatch) { _ = try fixture.open(bytes, key: .contentKey(wrong)) }
        expectCode(.sealedContentKeyMismatch) { _ = try fixture.open(bytes, key: .contentKey(Array(contentKey.prefix(16)))) }
    }

    @Test("NIST bids from legacy RSA certificates: RSA-PSS signatures, RSA-OAEP key wrap")
    func rsaBidder() throws {
        let fixture = try SealingFixture(suite: .nist)
        let rsa = try fixture.pki.issue("RSA Legacy Co", type: .rsa)
        let bytes = try fixture.seal(fixture.request(signer: rsa))
        let verified = try fixture.verify(bytes)
        #expect(verified.header.signer.scheme == .rsaPSSSHA256)
        #expect(verified.header.recipients.first { $0.role == .bidder }?.algorithm == .rsaOAEP)
        let (opened, _) = try fixture.open(bytes, key: .privateKey(rsa.key))
        #expect(opened.openedBy == .bidder)
        // GM bids need SM2 throughout.
        let gm = try SealingFixture(suite: .gm)
        expectCode(.schemeMismatch) { _ = try gm.seal(gm.request(signer: try gm.pki.issue("RSA in GM", type: .rsa))) }
    }

    @Test("dual certificates (双证书): signed with the signing key, opened with the encryption key", arguments: Suite.allCases)
    func dualCertificates(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let signing = try fixture.pki.issue("Dual Co", profile: .signingOnly)
        let encryption = try fixture.pki.issue("Dual Co", profile: .encryptionOnly)
        var request = fixture.request(signer: signing)
        request.bidderEncryptionCertificate = encryption.certificate
        let bytes = try fixture.seal(request)
        let (opened, _) = try fixture.open(bytes, key: .privateKey(encryption.key))
        #expect(opened.signerIdentity.certificateFingerprint == signing.certificate.fingerprint)
        expectCode(.sealedNoRecipient) { _ = try fixture.open(bytes, key: .privateKey(signing.key)) }
        // A signing-only certificate cannot receive the content key.
        var wrong = fixture.request(signer: signing)
        wrong.bidderEncryptionCertificate = signing.certificate
        expectCode(.certificateKeyUsage) { _ = try fixture.seal(wrong) }
    }

    @Test("verification and opening give the same result however the input is cut", arguments: [1, 13, 4096, 1 << 20])
    func feedSizes(feedSize: Int) throws {
        let fixture = try SealingFixture(suite: .gm, partSizes: [9000])
        let bytes = try fixture.seal()
        #expect(try fixture.verify(bytes, feedSize: feedSize).size == UInt64(bytes.count))
        let (_, out) = try fixture.open(bytes, key: .privateKey(fixture.openingKey), feedSize: feedSize)
        #expect(out.read(fixture.parts[0].name) == fixture.parts[0].bytes)
    }
}

@Suite("Sealed bid: every tamper is refused with a typed error")
struct SealedBidTamperTests {
    @Test("a flipped byte in any chunk", arguments: Suite.allCases)
    func flippedChunkByte(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let layout = PackageLayout(bytes)
        #expect(layout.chunks.count > 3)
        for (index, chunk) in layout.chunks.enumerated() {
            for offset in [chunk.lowerBound, chunk.lowerBound + chunk.count / 2, chunk.upperBound - 1] {
                var tampered = bytes
                tampered[offset] ^= 0x20
                expectCode(.sealedSignatureInvalid) { _ = try fixture.verify(tampered) }
                do {
                    _ = try fixture.open(tampered, key: .privateKey(fixture.openingKey))
                    Issue.record("chunk \(index) tamper was not detected")
                } catch let error as BidCoreError {
                    #expect(error.code == .sealedChunkAuthenticationFailed)
                    #expect(error.reason.contains("chunk \(index) "), "\(error.reason)")
                }
            }
        }
    }

    @Test("a flipped byte in the header", arguments: Suite.allCases)
    func flippedHeaderByte(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let layout = PackageLayout(bytes)
        // Inside a value ("T-2026-001" → "T-2026-101"), the JSON still parses: only the header
        // signature can tell.
        let header = Array(bytes[layout.headerRange])
        let tenderOffset = layout.headerRange.lowerBound + (try #require(header.firstRange(of: Array("T-2026-001".utf8)))).lowerBound + 7
        var tampered = bytes
        tampered[tenderOffset] ^= 0x01
        expectCode(.sealedHeaderSignatureInvalid) { _ = try fixture.verify(tampered) }
        expectCode(.sealedHeaderSignatureInvalid) { _ = try fixture.open(tampered, key: .privateKey(fixture.openingKey)) }
        // On the JSON structure itself: the header no longer parses.
        var broken = bytes
        broken[layout.headerRange.lowerBound] = UInt8(ascii: "[")
        expectCode(.sealedHeaderMalformed) { _ = try fixture.verify(broken) }
        // The magic.
        var magic = bytes
        magic[2] ^= 0xff
        expectCode(.notASealedBid) { _ = try fixture.verify(magic) }
    }

    @Test("a flipped byte in either signature", arguments: Suite.allCases)
    func flippedSignatureByte(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let layout = PackageLayout(bytes)
        var header = bytes
        header[layout.headerSignatureRange.lowerBound + 10] ^= 0x04
        expectCode(.sealedHeaderSignatureInvalid) { _ = try fixture.verify(header) }
        expectCode(.sealedHeaderSignatureInvalid) { _ = try fixture.open(header, key: .privateKey(fixture.openingKey)) }
        var final = bytes
        final[layout.finalSignatureRange.lowerBound + 10] ^= 0x04
        expectCode(.sealedSignatureInvalid) { _ = try fixture.verify(final) }
        expectCode(.sealedSignatureInvalid) { _ = try fixture.open(final, key: .privateKey(fixture.openingKey)) }
    }

    @Test("a truncated file, wherever it is cut", arguments: Suite.allCases)
    func truncated(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let layout = PackageLayout(bytes)
        let cuts = [0, 5, 11, layout.headerRange.lowerBound + 10, layout.headerSignatureRange.upperBound,
                    layout.chunks[1].lowerBound + 100, layout.chunks.last!.lowerBound - 4, layout.finalSignatureRange.lowerBound,
                    bytes.count - 1]
        for cut in cuts {
            let short = Array(bytes.prefix(cut))
            expectCode(.sealedTruncated) { _ = try fixture.verify(short) }
            expectCode(.sealedTruncated) { _ = try fixture.open(short, key: .privateKey(fixture.openingKey)) }
        }
        var longer = bytes
        longer.append(0)
        expectCode(.sealedTrailingData) { _ = try fixture.verify(longer) }
    }

    @Test("swapped, reordered or dropped chunks", arguments: Suite.allCases)
    func swappedChunks(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let layout = PackageLayout(bytes)
        // Swap two full chunks: the framing still fits, the nonces do not.
        var swapped = bytes
        swapped.replaceSubrange(layout.chunks[1], with: bytes[layout.chunks[2]])
        swapped.replaceSubrange(layout.chunks[2], with: bytes[layout.chunks[1]])
        expectCode(.sealedSignatureInvalid) { _ = try fixture.verify(swapped) }
        expectCode(.sealedChunkAuthenticationFailed) { _ = try fixture.open(swapped, key: .privateKey(fixture.openingKey)) }
        // Drop a whole record (length word included) from the middle.
        var dropped = bytes
        dropped.removeSubrange((layout.chunks[1].lowerBound - 4)..<layout.chunks[1].upperBound)
        expectCode(.sealedSignatureInvalid) { _ = try fixture.verify(dropped) }
        expectCode(.sealedChunkAuthenticationFailed) { _ = try fixture.open(dropped, key: .privateKey(fixture.openingKey)) }
        // Mark an early chunk final: its length no longer fits the framing.
        var early = bytes
        early[layout.chunks[0].lowerBound - 4] |= 0x80
        expectCode(.sealedFramingInvalid) { _ = try fixture.verify(early) }
    }

    @Test("a chunk swapped in from another package of the same bidder and tender", arguments: Suite.allCases)
    func chunkFromAnotherPackage(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let first = try fixture.seal()
        let second = try fixture.seal()
        let a = PackageLayout(first), b = PackageLayout(second)
        var mixed = first
        mixed.replaceSubrange(a.chunks[1], with: second[b.chunks[1]])
        expectCode(.sealedChunkAuthenticationFailed) { _ = try fixture.open(mixed, key: .privateKey(fixture.openingKey)) }
    }

    @Test("a package sealed for another tender", arguments: Suite.allCases)
    func wrongTender(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal(fixture.request(tender: "T-2026-002"))
        expectCode(.sealedWrongTender) {
            _ = try fixture.verify(bytes) { header, _ in
                guard header.tenderId == "T-2026-001" else {
                    throw BidCoreError(.sealedWrongTender, "sealed for \(header.tenderId)")
                }
            }
        }
        expectCode(.sealedWrongTender) { _ = try fixture.open(bytes, key: .privateKey(fixture.openingKey), expectedTender: "T-2026-001") }
    }

    @Test("a wrong key: another bidder's, or a key of the other suite", arguments: Suite.allCases)
    func wrongKey(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        expectCode(.sealedNoRecipient) { _ = try fixture.open(bytes, key: .privateKey(fixture.pki.bidderB.key)) }
        expectCode(.sealedNoRecipient) { _ = try fixture.open(bytes, key: .privateKey(try PrivateKey.generate(suite == .gm ? .p256 : .sm2))) }
        // The right key id but a wrapped key that is not for this key: unwrap fails cleanly.
        let header = try fixture.verify(bytes).header
        let recipient = try #require(header.recipients.first { $0.role == .bidder })
        let wrapped = try #require(Data(base64Encoded: recipient.wrappedKey))
        expectCode(.keyUnwrapFailed) {
            _ = try KeyWrap.unwrap([UInt8](wrapped), algorithm: recipient.algorithm, with: fixture.pki.bidderB.key, context: [])
        }
    }

    @Test("an inner manifest signed by someone else than the outer signer", arguments: Suite.allCases)
    func innerSignerDiffers(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let other = fixture.pki.bidderB
        let bytes = try fixture.seal(overrides: .init(innerSigner: (other.certificate, other.key)))
        _ = try fixture.verify(bytes)  // the outside is fine
        expectCode(.sealedSignerMismatch) { _ = try fixture.open(bytes, key: .privateKey(fixture.openingKey)) }
    }

    @Test("a manifest that names another company — its name, its credit code, or both — with the signer's own fingerprint, signed inside and out by the signer, does not open",
          arguments: Suite.allCases)
    func manifestNamesAnotherCompany(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let mutations: [(inout BidManifest) -> Void] = [
            { $0.bidder.name = "乙路桥集团有限公司"; $0.bidder.creditCode = "91350100MA3W7WKK88" },
            { $0.bidder.name = "乙路桥集团有限公司" },
            { $0.bidder.creditCode = "91350100MA3W7WKK88" },
            { $0.bidder.creditCode = nil },
        ]
        for mutate in mutations {
            let bytes = try fixture.seal(overrides: .init(mutateManifest: mutate))
            _ = try fixture.verify(bytes)  // the outside is fine: the signer really signed it
            do {
                _ = try fixture.open(bytes, key: .privateKey(fixture.openingKey))
                Issue.record("a manifest naming another company opened")
            } catch let error as BidCoreError {
                #expect(error.code == .sealedSignerMismatch)
                #expect(error.reason.contains("another bidder"), "\(error.reason)")
            }
        }
        // The honest manifest still opens.
        _ = try fixture.open(try fixture.seal(), key: .privateKey(fixture.openingKey))
    }

    @Test("a bad inner signature, a manifest for another tender, a wrong part digest", arguments: Suite.allCases)
    func innerManifestTampering(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let badSignature = try fixture.seal(overrides: .init(corruptInnerSignature: true))
        expectCode(.sealedInnerSignatureInvalid) { _ = try fixture.open(badSignature, key: .privateKey(fixture.openingKey)) }
        let otherTender = try fixture.seal(overrides: .init(mutateManifest: { $0.tenderId = "T-2026-999" }))
        expectCode(.sealedManifestMismatch) { _ = try fixture.open(otherTender, key: .privateKey(fixture.openingKey)) }
        let wrongDigest = try fixture.seal(overrides: .init(mutateManifest: { $0.parts[1].digest = String(repeating: "0", count: 64) }))
        expectCode(.sealedPartDigestMismatch) { _ = try fixture.open(wrongDigest, key: .privateKey(fixture.openingKey)) }
        let pathTrick = try fixture.seal(overrides: .init(mutateManifest: { $0.parts[0].name = "../../etc/passwd" }))
        expectCode(.sealedManifestMalformed) { _ = try fixture.open(pathTrick, key: .privateKey(fixture.openingKey)) }
    }

    @Test("a failed opening leaves no part files behind")
    func failedOpeningCleansUp() throws {
        let fixture = try SealingFixture(suite: .gm)
        let bytes = try fixture.seal(overrides: .init(corruptInnerSignature: true))
        let out = TemporaryDirectory()
        let opener = SealedBidOpener(key: .privateKey(fixture.openingKey), options: .init(trust: fixture.pki.trust, time: TestPKI.now),
                                     sink: try DirectoryPartSink(directory: out.path))
        try opener.feed(bytes)
        #expect(throws: BidCoreError.self) { _ = try opener.finish() }
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test("the signer's certificate must be trusted, valid and not revoked at the given time", arguments: Suite.allCases)
    func signerTrust(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        let pki = fixture.pki
        let expired = try pki.issue("Expired Co", notBefore: TestPKI.validFrom, notAfter: TestPKI.now.addingTimeInterval(-86_400))
        expectCode(.certificateExpired) { _ = try fixture.verify(try fixture.seal(fixture.request(signer: expired))) }

        let revoked = try pki.issue("Revoked Co")
        let crl = try pki.root.issueCRL(revoked: [(revoked.certificate, TestPKI.now.addingTimeInterval(-3600))],
                                        thisUpdate: TestPKI.now.addingTimeInterval(-3600), nextUpdate: TestPKI.validTo)
        let trustWithCRL = try TrustStore(anchors: [pki.root.certificate], crls: [crl])
        let revokedBid = try fixture.seal(fixture.request(signer: revoked))
        expectCode(.certificateRevoked) { _ = try SealedBidVerifier.verifyBytes(revokedBid, trust: trustWithCRL, at: TestPKI.now) }
        // Before the revocation date the same package verifies: the check is "at a given time".
        _ = try SealedBidVerifier.verifyBytes(revokedBid, trust: trustWithCRL, at: TestPKI.now.addingTimeInterval(-7200))

        let strangerCA = try CertificateAuthority.root(subject: DistinguishedName(commonName: "Stranger CA"), key: try PrivateKey.generate(pki.keyType),
                                                       notBefore: TestPKI.validFrom, notAfter: TestPKI.validTo)
        let stranger = try pki.issue("Stranger Co", by: strangerCA)
        expectCode(.certificateUntrusted) { _ = try fixture.verify(try fixture.seal(fixture.request(signer: stranger))) }

        let encryptionOnly = try pki.issue("No Signing Co", profile: .encryptionOnly)
        expectCode(.certificateKeyUsage) { _ = try fixture.seal(fixture.request(signer: encryptionOnly)) }
    }
}

extension SealedBidVerifier {
    static func verifyBytes(_ bytes: [UInt8], trust: TrustStore, at time: Date) throws -> VerifiedSealedBid {
        let verifier = SealedBidVerifier(trust: trust, at: time)
        try verifier.feed(bytes)
        return try verifier.finish()
    }
}

@Suite("Signed JSON with a repeated key means two things to two readers: refused")
struct StrictJSONTests {
    @Test("StrictJSON accepts RFC 8259 JSON and refuses repeated keys (escaped or not, at any depth), trailing text, deep nesting and bad strings")
    func scanner() throws {
        for good in [#"{"a":1,"b":[true,false,null,-0.5e+3,"\u00e9\ud83d\ude00"],"c":{"a":{}}}"#, "[]", #""x""#, " 12 ", #"{"闽":"榕","\u95fd2":1}"#] {
            try StrictJSON.check(Data(good.utf8))
        }
        let bad: [(String, String)] = [
            (#"{"a":1,"a":2}"#, "duplicate key \"a\""),
            (#"{"a":1,"\u0061":2}"#, "duplicate key \"a\""),
            // Canonically equivalent keys are one key to Foundation (Swift strings), two to others.
            (#"{"publicKey":"A","public\u212Aey":"B"}"#, "duplicate key"),
            ("{\"caf\u{E9}\":1,\"cafe\u{301}\":2}", "duplicate key"),
            (#"{"x":{"tenderId":"A","b":0,"tenderId":"B"}}"#, "duplicate key \"tenderId\" in the object at x"),
            (#"[{"k":1},{"k":1,"k":1}]"#, "duplicate key \"k\" in the object at [1]"),
            (#"{"a":1} x"#, "text after"),
            (#"{"a":1,}"#, "object key"),
            (#"{"a":"\ud800"}"#, "lone surrogate"),
            ("{\"a\":\"\u{01}\"}", "control character"),
            (#"{"a":01}"#, "unexpected character"),
            (String(repeating: "[", count: 200) + String(repeating: "]", count: 200), "nested more than"),
            (#"{"a":tru}"#, "unexpected character"),
            ("", "ends too early"),
        ]
        for (text, reason) in bad {
            do {
                try StrictJSON.check(Data(text.utf8))
                Issue.record("accepted \(text.prefix(40))")
            } catch DecodingError.dataCorrupted(let context) {
                #expect(context.debugDescription.contains(reason), "\(text.prefix(40)): \(context.debugDescription)")
            }
        }
        // Invalid UTF-8 inside a string.
        #expect(throws: DecodingError.self) { try StrictJSON.check(Data([0x22, 0xC3, 0x28, 0x22])) }
    }

    @Test("a sealed bid whose signed header or manifest repeats a key is refused, though its signatures are good", arguments: Suite.allCases)
    func sealedBidWithRepeatedKeys(suite: Suite) throws {
        let fixture = try SealingFixture(suite: suite)
        // The header says tender T-2026-001 to Foundation (first occurrence? last?) and the other to another reader.
        let header = try fixture.seal(overrides: .init(rewriteHeaderJSON: { bytes in
            var text = String(decoding: bytes, as: UTF8.self)
            text.removeLast()
            return Array((text + #","tenderId":"T-2026-999"}"#).utf8)
        }))
        expectCode(.sealedHeaderMalformed) { _ = try fixture.verify(header) }
        expectCode(.sealedHeaderMalformed) { _ = try fixture.open(header, key: .privateKey(fixture.openingKey)) }
        let manifest = try fixture.seal(overrides: .init(rewriteManifestJSON: { bytes in
            var text = String(decoding: bytes, as: UTF8.self)
            text.removeLast()
            return Array((text + #","tenderId":"T-2026-999"}"#).utf8)
        }))
        _ = try fixture.verify(manifest)  // the outside is fine
        expectCode(.sealedManifestMalformed) { _ = try fixture.open(manifest, key: .privateKey(fixture.openingKey)) }
    }

    @Test("an opening key file with a repeated key is refused")
    func openingKeyFileWithRepeatedKey() throws {
        let pki = TestPKI.gm
        let file = try OpeningKeyDealer.generate(suite: .gm, officials: pki.officials.map(\.certificate), threshold: 2)
        var text = String(decoding: try file.encoded(), as: UTF8.self)
        _ = try OpeningKeyFile.load(Data(text.utf8))
        text.removeLast()
        text += #","threshold":3}"#
        expectCode(.openingKeyMalformed) { _ = try OpeningKeyFile.load(Data(text.utf8)) }
    }
}
