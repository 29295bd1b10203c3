@testable import BidCore
import Foundation
import Testing
import TestSupport

/// BidCore against the openssl command line: the same bytes must mean the same thing to both.
@Suite("Interop with the openssl command line")
struct OpenSSLInteropTests {
    struct Tooling {
        let genkey: [String]
        let digest: String
        let distid: [String]
    }

    static func tooling(_ suite: Suite) -> Tooling {
        suite == .gm
            ? Tooling(genkey: ["genpkey", "-algorithm", "SM2"], digest: "-sm3", distid: ["-sigopt", "distid:1234567812345678"])
            : Tooling(genkey: ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], digest: "-sha256", distid: [])
    }

    @Test("signatures made by openssl dgst -sign verify in BidCore, and the reverse", arguments: Suite.allCases)
    func signatures(suite: Suite) throws {
        let dir = TemporaryDirectory()
        let tool = Self.tooling(suite)
        try openssl(tool.genkey + ["-out", "key.pem"], in: dir)
        try openssl(["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"], in: dir)
        let message = testBytes(100_000, seed: 3)
        dir.write("message.bin", message)
        try openssl(["dgst", tool.digest, "-sign", "key.pem"] + tool.distid + ["-out", "openssl.sig", "message.bin"], in: dir)

        let key = try PrivateKey(pemFile: dir.file("key.pem"))
        let scheme = SignatureScheme.preferred(for: key.type)
        #expect(key.type == (suite == .gm ? .sm2 : .p256))
        #expect(try key.publicKey.isValidSignature(dir.read("openssl.sig"), for: message, scheme: scheme))

        dir.write("bidcore.sig", try key.sign(message))
        let verified = try openssl(["dgst", tool.digest, "-verify", "pub.pem"] + tool.distid.map { $0 == "-sigopt" ? "-sigopt" : $0 }
                                   + ["-signature", "bidcore.sig", "message.bin"], in: dir)
        #expect(verified.text.contains("Verified OK"))
        var altered = message
        altered[0] ^= 1
        dir.write("altered.bin", altered)
        let refused = try openssl(["dgst", tool.digest, "-verify", "pub.pem"] + tool.distid + ["-signature", "bidcore.sig", "altered.bin"],
                                  in: dir, allowFailure: true)
        #expect(refused.status != 0)
    }

    /// Builds an openssl CA in `dir`: ca.key/ca.crt and a config for `openssl ca`.
    func makeOpenSSLCA(_ suite: Suite, in dir: TemporaryDirectory) throws {
        let tool = Self.tooling(suite)
        try openssl(tool.genkey + ["-out", "ca.key"], in: dir)
        try openssl(["req", "-new", "-x509", "-key", "ca.key", tool.digest] + tool.distid
                    + ["-subj", "/CN=OpenSSL Test CA/O=interop", "-days", "3650", "-out", "ca.crt",
                       "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], in: dir)
        let config = """
        [ ca ]
        default_ca = testca
        [ testca ]
        dir = .
        database = index.txt
        new_certs_dir = .
        certificate = ca.crt
        private_key = ca.key
        default_md = \(suite == .gm ? "sm3" : "sha256")
        default_crl_days = 3650
        crlnumber = crlnumber
        policy = anything
        [ anything ]
        commonName = supplied
        """
        dir.write("ca.cnf", Array(config.utf8))
        dir.write("index.txt", [])
        dir.write("crlnumber", Array("01\n".utf8))
    }

    func issueWithOpenSSL(_ suite: Suite, name: String, in dir: TemporaryDirectory, extensions: String = "") throws {
        let tool = Self.tooling(suite)
        try openssl(tool.genkey + ["-out", "\(name).key"], in: dir)
        try openssl(["req", "-new", "-key", "\(name).key", tool.digest] + tool.distid
                    + ["-utf8", "-subj", "/CN=\(name)/O=测试公司/serialNumber=91350100M000100Y43", "-out", "\(name).csr"], in: dir)
        let vfy = suite == .gm ? ["-vfyopt", "distid:1234567812345678"] : []
        dir.write("\(name).ext", Array("keyUsage=critical,digitalSignature,keyEncipherment\nbasicConstraints=CA:FALSE\n\(extensions)".utf8))
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", tool.digest]
                    + tool.distid + vfy + ["-days", "365", "-extfile", "\(name).ext", "-out", "\(name).crt"], in: dir)
    }

    @Test("certificates issued by openssl x509 -req chain-verify; one listed by openssl ca -gencrl is refused", arguments: Suite.allCases)
    func opensslIssuedChainAndCRL(suite: Suite) throws {
        let dir = TemporaryDirectory()
        try makeOpenSSLCA(suite, in: dir)
        try issueWithOpenSSL(suite, name: "good", in: dir)
        try issueWithOpenSSL(suite, name: "bad", in: dir)
        let tool = Self.tooling(suite)
        try openssl(["ca", "-config", "ca.cnf", "-revoke", "bad.crt"] + tool.distid, in: dir)
        try openssl(["ca", "-config", "ca.cnf", "-gencrl"] + tool.distid + ["-out", "crl.pem"], in: dir)

        let trust = try TrustStore(anchorFiles: [dir.file("ca.crt")], crlFiles: [dir.file("crl.pem")], revocationPolicy: .required)
        let good = try Certificate(file: dir.file("good.crt"))
        #expect(good.subject.organization == "测试公司")
        let chain = try trust.verify(good, at: Date(), for: .signing)
        #expect(chain.count == 2)
        let bad = try Certificate(file: dir.file("bad.crt"))
        expectCode(.certificateRevoked) { try trust.verify(bad, at: Date().addingTimeInterval(60)) }
    }

    @Test("CRL distribution points: read from a certificate openssl issued, and written so that openssl reads them", arguments: Suite.allCases)
    func crlDistributionPoints(suite: Suite) throws {
        let dir = TemporaryDirectory()
        try makeOpenSSLCA(suite, in: dir)
        let extensions = "crlDistributionPoints=URI:http://crl.example.cn/gm.crl,URI:ldap://ldap.example.cn/cn=CA,URI:https://b.example.cn/ca.crl\n"
        try issueWithOpenSSL(suite, name: "named", in: dir, extensions: extensions)
        try issueWithOpenSSL(suite, name: "plain", in: dir)
        #expect(try Certificate(file: dir.file("named.crt")).crlDistributionPoints
                == ["http://crl.example.cn/gm.crl", "ldap://ldap.example.cn/cn=CA", "https://b.example.cn/ca.crl"])
        #expect(try Certificate(file: dir.file("plain.crt")).crlDistributionPoints.isEmpty)

        let pki = TestPKI.forSuite(suite)
        let key = try PrivateKey.generate(pki.keyType)
        let issued = try pki.root.issue(subject: DistinguishedName(commonName: "CDP Co"), publicKey: key.publicKey, notBefore: TestPKI.validFrom,
                                        notAfter: TestPKI.validTo, profile: .signingOnly,
                                        crlDistributionPoints: ["http://127.0.0.1:8080/ca.crl", "http://backup.example.cn/ca.crl"])
        #expect(issued.crlDistributionPoints == ["http://127.0.0.1:8080/ca.crl", "http://backup.example.cn/ca.crl"])
        dir.write("issued.crt", Array(issued.pem.utf8))
        let text = try openssl(["x509", "-in", "issued.crt", "-noout", "-ext", "crlDistributionPoints"], in: dir).text
        #expect(text.contains("URI:http://127.0.0.1:8080/ca.crl") && text.contains("URI:http://backup.example.cn/ca.crl"))
        expectCode(.invalidInput) {
            _ = try pki.root.issue(subject: DistinguishedName(commonName: "Bad"), publicKey: key.publicKey, notBefore: TestPKI.validFrom,
                                   notAfter: TestPKI.validTo, profile: .signingOnly, crlDistributionPoints: ["http://a,URI:file:///etc/passwd"])
        }
    }

    @Test("certificates and CRLs made by BidCore verify with openssl verify", arguments: Suite.allCases)
    func bidCoreIssuedVerifiesInOpenSSL(suite: Suite) throws {
        let dir = TemporaryDirectory()
        let pki = TestPKI.forSuite(suite)
        let revoked = try pki.issue("Revoked Co")
        let crl = try pki.root.issueCRL(revoked: [(revoked.certificate, TestPKI.now)], thisUpdate: TestPKI.now, nextUpdate: TestPKI.validTo)
        dir.write("ca.crt", Array(pki.root.certificate.pem.utf8))
        dir.write("leaf.crt", Array(pki.bidderA.certificate.pem.utf8))
        dir.write("revoked.crt", Array(revoked.certificate.pem.utf8))
        dir.write("crl.pem", Array(crl.pem.utf8))
        let vfy = suite == .gm ? ["-vfyopt", "distid:1234567812345678"] : []
        let at = ["-attime", String(Int(TestPKI.now.timeIntervalSince1970) + 60)]
        #expect(try openssl(["verify"] + vfy + at + ["-CAfile", "ca.crt", "leaf.crt"], in: dir).text.contains("OK"))
        if suite == .nist {
            // OpenSSL 3.0 cannot check SM2-signed CRLs (no distinguishing ID for CRLs); for P-256 it can.
            let result = try openssl(["verify", "-crl_check"] + at + ["-CAfile", "ca.crt", "-CRLfile", "crl.pem", "revoked.crt"], in: dir, allowFailure: true)
            #expect(result.status != 0)
            #expect((result.text + result.stderr).contains("revoked"))
        }
        let listed = try openssl(["crl", "-in", "crl.pem", "-noout", "-text"], in: dir).text.lowercased()
        #expect(listed.contains(revoked.certificate.serialNumber))
    }

    @Test("SM2 key wrap interoperates with openssl pkeyutl both ways")
    func sm2Encryption() throws {
        let dir = TemporaryDirectory()
        try openssl(["genpkey", "-algorithm", "SM2", "-out", "key.pem"], in: dir)
        try openssl(["pkey", "-in", "key.pem", "-pubout", "-out", "pub.pem"], in: dir)
        let key = try PrivateKey(pemFile: dir.file("key.pem"))
        let secret = SecureRandom.bytes(32)
        dir.write("secret.bin", secret)
        try openssl(["pkeyutl", "-encrypt", "-pubin", "-inkey", "pub.pem", "-in", "secret.bin", "-out", "wrapped.bin"], in: dir)
        #expect(try KeyWrap.unwrap(dir.read("wrapped.bin"), algorithm: .sm2, with: key, context: []) == secret)
        dir.write("ours.bin", try KeyWrap.wrap(secret, to: key.publicKey, context: []).wrapped)
        let result = try openssl(["pkeyutl", "-decrypt", "-inkey", "key.pem", "-in", "ours.bin"], in: dir)
        #expect([UInt8](result.stdout) == secret)
    }

    @Test("a GM sealed-bid chunk can be recomputed with openssl kdf, enc -sm4-ctr and mac HMAC")
    func gmChunkByOpenSSL() throws {
        let dir = TemporaryDirectory()
        let contentKey = testBytes(32, seed: 11)
        let packageId = testBytes(16, seed: 12)
        let headerDigest = testBytes(32, seed: 13)
        let keys = try PayloadKeys(contentKey: contentKey, packageId: packageId, suite: .gm)
        func kdf(_ info: String, _ length: Int) throws -> [UInt8] {
            bytesFromColonHex(try openssl(["kdf", "-keylen", "\(length)", "-kdfopt", "digest:SM3", "-kdfopt", "hexkey:\(hexString(contentKey))",
                                           "-kdfopt", "hexsalt:\(hexString(packageId))", "-kdfopt", "info:\(info)", "HKDF"], in: dir).text)
        }
        #expect(try kdf("ebid-sb1 sm4-ctr key", 16) == keys.encryptionKey)
        #expect(try kdf("ebid-sb1 hmac-sm3 key", 32) == keys.macKey)
        #expect(try kdf("ebid-sb1 key commitment", 32) == keys.commitment)

        let plaintext = testBytes(5000, seed: 14)
        let cipher = try ChunkCipher(keys: keys, headerDigest: headerDigest)
        var record = [UInt8](repeating: 0, count: plaintext.count + 32)
        try plaintext.withUnsafeBytes { p in try record.withUnsafeMutableBytes { try cipher.seal(index: 7, final: true, plaintext: p, into: $0) } }

        let counter = ChunkCipher.nonce(index: 7, final: true) + [0, 0, 0, 0]
        #expect(hexString(counter) == "00000000000000" + "00000007" + "01" + "00000000")
        dir.write("plain.bin", plaintext)
        let ciphertext = try openssl(["enc", "-sm4-ctr", "-K", hexString(keys.encryptionKey), "-iv", hexString(counter), "-in", "plain.bin"], in: dir)
        #expect([UInt8](ciphertext.stdout) == Array(record.prefix(5000)))
        dir.write("mac-input.bin", headerDigest + counter + [0, 0, 0x13, 0x88] + Array(record.prefix(5000)))
        let tag = try openssl(["mac", "-digest", "SM3", "-macopt", "hexkey:\(hexString(keys.macKey))", "-in", "mac-input.bin", "HMAC"], in: dir)
        #expect(tag.text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased() == hexString(Array(record.suffix(32))))
    }

    @Test("both outer signatures of a sealed bid check with openssl dgst alone, as the format document says", arguments: Suite.allCases)
    func outerSignaturesByOpenSSL(suite: Suite) throws {
        let dir = TemporaryDirectory()
        let fixture = try SealingFixture(suite: suite)
        let bytes = try fixture.seal()
        let layout = PackageLayout(bytes)
        let tool = Self.tooling(suite)
        dir.write("signer.pem", Array(fixture.pki.bidderA.certificate.pem.utf8))
        try openssl(["x509", "-in", "signer.pem", "-pubkey", "-noout", "-out", "signer.pub"], in: dir)
        // Header signature: over magic ‖ u32 H ‖ header.
        dir.write("header-signed.bin", Array(bytes[0..<layout.headerRange.upperBound]))
        dir.write("header.sig", Array(bytes[layout.headerSignatureRange]))
        #expect(try openssl(["dgst", tool.digest, "-verify", "signer.pub"] + tool.distid + ["-signature", "header.sig", "header-signed.bin"], in: dir).text.contains("Verified OK"))
        // Final signature: over D, the digest of every byte before the final signature's length field.
        dir.write("prefix.bin", Array(bytes[0..<(layout.finalSignatureRange.lowerBound - 4)]))
        try openssl(["dgst", tool.digest, "-binary", "-out", "D.bin", "prefix.bin"], in: dir)
        dir.write("final.sig", Array(bytes[layout.finalSignatureRange]))
        #expect(try openssl(["dgst", tool.digest, "-verify", "signer.pub"] + tool.distid + ["-signature", "final.sig", "D.bin"], in: dir).text.contains("Verified OK"))
        // And the package digest is the plain digest of the file.
        dir.write("bid.ebid", bytes)
        let digest = try openssl(["dgst", tool.digest, "-r", "bid.ebid"], in: dir).text.split(separator: " ")[0]
        #expect(try fixture.verify(bytes).packageDigestString == "\(suite.hash.label):\(digest)")
    }

    @Test("a NIST key schedule matches openssl kdf")
    func nistKeysByOpenSSL() throws {
        let dir = TemporaryDirectory()
        let contentKey = testBytes(32, seed: 21)
        let packageId = testBytes(16, seed: 22)
        let keys = try PayloadKeys(contentKey: contentKey, packageId: packageId, suite: .nist)
        let derived = bytesFromColonHex(try openssl(["kdf", "-keylen", "32", "-kdfopt", "digest:SHA256", "-kdfopt", "hexkey:\(hexString(contentKey))",
                                                     "-kdfopt", "hexsalt:\(hexString(packageId))", "-kdfopt", "info:ebid-sb1 aes-256-gcm key", "HKDF"], in: dir).text)
        #expect(derived == keys.encryptionKey)
    }

    @Test("threshold decryption against the openssl command line: a key SM2-encrypted by `openssl pkeyutl` unwraps with combined partials; P-256 partials equal `openssl pkeyutl -derive`")
    func thresholdDecryption() throws {
        // GM: openssl encrypts a content key to the opening public key; two officials' partials open it.
        let gm = TestPKI.gm
        let gmKey = try OpeningKeyDealer.generate(suite: .gm, officials: gm.officials.map(\.certificate), threshold: 2)
        let dir = TemporaryDirectory()
        dir.write("opening.pub", Array(gmKey.publicKey.utf8))
        let secret = SecureRandom.bytes(32)
        dir.write("secret.bin", secret)
        try openssl(["pkeyutl", "-encrypt", "-pubin", "-inkey", "opening.pub", "-in", "secret.bin", "-out", "wrapped.der"], in: dir)
        let wrapped = dir.read("wrapped.der")
        let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: wrapped, algorithm: .sm2)
        let gmShares = try gm.officials.map { try gmKey.share(officialKey: $0.key, officialCertificate: $0.certificate) }
        for pair in subsets(of: gmShares, size: 2) {
            let combined = try ThresholdDecryption.combine(try pair.map { (index: $0.index, point: try Curve.sm2.multiply(ephemeral, by: $0.value)) }, curve: .sm2)
            #expect(try ThresholdDecryption.unwrap(wrapped, algorithm: .sm2, sharedPoint: combined, recipient: try gmKey.publicPoint(), context: []) == secret)
        }
        // NIST: each partial's x coordinate is what openssl's ECDH gives for that share and E.
        let nist = TestPKI.nist
        let nistKey = try OpeningKeyDealer.generate(suite: .nist, officials: nist.officials.map(\.certificate), threshold: 2)
        let e = try Curve.p256.multiplyGenerator(try Curve.p256.randomScalar())
        dir.write("e.pub", Array(try PublicKey(ecPoint: e.bytes, type: .p256).pem.utf8))
        for official in nist.officials {
            let share = try nistKey.share(officialKey: official.key, officialCertificate: official.certificate)
            dir.write("share-\(share.index).pem", Array(try PrivateKey.fromECScalar(share.value.bytes, type: .p256).pemPKCS8().utf8))
            let derived = try openssl(["pkeyutl", "-derive", "-inkey", "share-\(share.index).pem", "-peerkey", "e.pub", "-out", "z-\(share.index).bin"], in: dir)
            #expect(derived.status == 0)
            #expect(dir.read("z-\(share.index).bin") == (try Curve.p256.multiply(e, by: share.value)).x, "share \(share.index)")
        }
    }
}
