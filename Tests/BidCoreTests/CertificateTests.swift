@testable import BidCore
import Foundation
import Testing
import TestSupport

@Suite("Certificates, chains and CRLs")
struct CertificateTests {
    @Test("PEM and DER parse to the same certificate; names keep Chinese text and the credit code", arguments: Suite.allCases)
    func parsing(suite: Suite) throws {
        let pki = TestPKI.forSuite(suite)
        let certificate = pki.bidderA.certificate
        #expect(try Certificate(pem: certificate.pem) == certificate)
        #expect(try Certificate(der: certificate.der) == certificate)
        #expect(certificate.subject.organization == "甲建设工程有限公司")
        #expect(certificate.subject.serialNumber == "91350100M000100Y43")
        #expect(certificate.issuer == pki.root.certificate.subject)
        #expect(certificate.notBefore == TestPKI.validFrom)
        #expect(certificate.notAfter == TestPKI.validTo)
        #expect(certificate.keyUsage?.contains(.digitalSignature) == true)
        #expect(!certificate.isCA && pki.root.certificate.isCA)
        expectCode(.certificateMalformed) { _ = try Certificate(der: Array(certificate.der.prefix(100))) }
        expectCode(.certificateMalformed) { _ = try Certificate(pem: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n") }
    }

    @Test("a chain through an intermediate verifies only with the intermediate", arguments: Suite.allCases)
    func intermediate(suite: Suite) throws {
        let pki = TestPKI.forSuite(suite)
        let subKey = try PrivateKey.generate(pki.keyType)
        let subCert = try pki.root.issue(subject: DistinguishedName(commonName: "Sub CA"), publicKey: subKey.publicKey,
                                         notBefore: TestPKI.validFrom, notAfter: TestPKI.validTo, profile: .authority(pathLength: 0))
        let sub = try CertificateAuthority(certificate: subCert, key: subKey)
        let leaf = try pki.issue("Leaf Co", by: sub)
        let chain = try pki.trust.verify(leaf.certificate, intermediates: [subCert], at: TestPKI.now, for: .signing)
        #expect(chain == [leaf.certificate, subCert, pki.root.certificate])
        expectCode(.certificateUntrusted) { try pki.trust.verify(leaf.certificate, at: TestPKI.now) }
        // An end-entity certificate cannot act as a CA.
        let fake = try CertificateAuthority(certificate: pki.bidderB.certificate, key: pki.bidderB.key)
        let forged = try pki.issue("Forged Co", by: fake)
        expectCode(.certificateInvalidCA) { try pki.trust.verify(forged.certificate, intermediates: [pki.bidderB.certificate], at: TestPKI.now) }
    }

    @Test("validity periods are checked at the given time", arguments: Suite.allCases)
    func validity(suite: Suite) throws {
        let pki = TestPKI.forSuite(suite)
        let cert = pki.bidderA.certificate
        try pki.trust.verify(cert, at: TestPKI.now)
        expectCode(.certificateNotYetValid) { try pki.trust.verify(cert, at: TestPKI.validFrom.addingTimeInterval(-60)) }
        expectCode(.certificateExpired) { try pki.trust.verify(cert, at: TestPKI.validTo.addingTimeInterval(60)) }
    }

    @Test("a certificate altered after issue is refused", arguments: Suite.allCases)
    func alteredSignature(suite: Suite) throws {
        let pki = TestPKI.forSuite(suite)
        var der = pki.bidderA.certificate.der
        der[der.count - 5] ^= 0x01  // inside the signature value
        let altered = try Certificate(der: der)
        expectCode(.certificateSignatureInvalid) { try pki.trust.verify(altered, at: TestPKI.now) }
    }

    @Test("revocation is judged against the CRL at the given time; CRLs must be authentic and current", arguments: Suite.allCases)
    func revocation(suite: Suite) throws {
        let pki = TestPKI.forSuite(suite)
        let target = try pki.issue("To Be Revoked")
        let revokedAt = TestPKI.now.addingTimeInterval(-86_400)
        let crl = try pki.root.issueCRL(revoked: [(target.certificate, revokedAt)], thisUpdate: revokedAt, nextUpdate: TestPKI.validTo, number: 7)
        #expect(crl.revoked.map(\.serial) == [target.certificate.serialNumber])
        #expect(try CertificateRevocationList(pem: crl.pem).der == crl.der)
        try crl.verifySignature(issuer: pki.root.certificate)

        let trust = try TrustStore(anchors: [pki.root.certificate], crls: [crl])
        expectCode(.certificateRevoked) { try trust.verify(target.certificate, at: TestPKI.now) }
        try trust.verify(target.certificate, at: revokedAt.addingTimeInterval(-1))
        try trust.verify(pki.bidderA.certificate, at: TestPKI.now)

        // A CRL signed by another CA in the root's name does not count.
        let impostor = try CertificateAuthority.root(subject: pki.root.certificate.subject, key: try PrivateKey.generate(pki.keyType),
                                                     notBefore: TestPKI.validFrom, notAfter: TestPKI.validTo)
        let forged = try impostor.issueCRL(revoked: [], thisUpdate: revokedAt, nextUpdate: TestPKI.validTo)
        expectCode(.crlSignatureInvalid) { try TrustStore(anchors: [pki.root.certificate], crls: [forged]).verify(pki.bidderA.certificate, at: TestPKI.now) }

        // An out-of-date CRL is refused; so is checking without one when one is required.
        let stale = try pki.root.issueCRL(revoked: [], thisUpdate: TestPKI.validFrom, nextUpdate: TestPKI.now.addingTimeInterval(-60))
        expectCode(.crlExpired) { try TrustStore(anchors: [pki.root.certificate], crls: [stale]).verify(pki.bidderA.certificate, at: TestPKI.now) }
        expectCode(.crlMissing) {
            try TrustStore(anchors: [pki.root.certificate], revocationPolicy: .required).verify(pki.bidderA.certificate, at: TestPKI.now)
        }
    }

    @Test("key usage is checked against the purpose", arguments: Suite.allCases)
    func keyUsage(suite: Suite) throws {
        let pki = TestPKI.forSuite(suite)
        let signing = try pki.issue("Signing Only", profile: .signingOnly)
        let encryption = try pki.issue("Encryption Only", profile: .encryptionOnly)
        try pki.trust.verify(signing.certificate, at: TestPKI.now, for: .signing)
        try pki.trust.verify(encryption.certificate, at: TestPKI.now, for: .encryption)
        expectCode(.certificateKeyUsage) { try pki.trust.verify(signing.certificate, at: TestPKI.now, for: .encryption) }
        expectCode(.certificateKeyUsage) { try pki.trust.verify(encryption.certificate, at: TestPKI.now, for: .signing) }
    }

    @Test("signatures: every scheme signs and verifies, in chunks; mismatched schemes are refused")
    func signatureSchemes() throws {
        let message = testBytes(10_000, seed: 7)
        for (type, scheme) in [(KeyType.sm2, SignatureScheme.sm2WithSM3), (.p256, .ecdsaP256SHA256), (.rsa, .rsaPKCS1SHA256), (.rsa, .rsaPSSSHA256)] {
            let key = try PrivateKey.generate(type, rsaBits: 2048)
            let signature = try key.sign(message, scheme: scheme)
            for chunkSize in chunkings {
                let verifier = try VerificationStream(key: key.publicKey, scheme: scheme)
                feed(message, chunkSize: chunkSize) { verifier.update($0) }
                #expect(verifier.verify(signature: signature), "\(scheme)")
            }
            var altered = message
            altered[5000] ^= 1
            #expect(try !key.publicKey.isValidSignature(signature, for: altered, scheme: scheme))
            #expect(try PrivateKey(pem: key.pemPKCS8()).publicKey == key.publicKey)
            #expect(try PublicKey(pem: key.publicKey.pem) == key.publicKey)
        }
        let sm2 = try PrivateKey.generate(.sm2)
        expectCode(.schemeMismatch) { _ = try sm2.sign(message, scheme: .ecdsaP256SHA256) }
    }

    @Test("key wrap round trips for every recipient type; a wrong key or context fails cleanly")
    func keyWrap() throws {
        let secret = SecureRandom.bytes(32)
        for type in [KeyType.sm2, .p256, .rsa] {
            let key = try PrivateKey.generate(type, rsaBits: 2048)
            let (algorithm, wrapped) = try KeyWrap.wrap(secret, to: key.publicKey, context: Array("ctx".utf8))
            #expect(algorithm == .forKey(type))
            #expect(try KeyWrap.unwrap(wrapped, algorithm: algorithm, with: key, context: Array("ctx".utf8)) == secret)
            let other = try PrivateKey.generate(type, rsaBits: 2048)
            expectCode(.keyUnwrapFailed) { _ = try KeyWrap.unwrap(wrapped, algorithm: algorithm, with: other, context: Array("ctx".utf8)) }
            var altered = wrapped
            altered[altered.count - 3] ^= 1
            expectCode(.keyUnwrapFailed) { _ = try KeyWrap.unwrap(altered, algorithm: algorithm, with: key, context: Array("ctx".utf8)) }
        }
        let p256 = try PrivateKey.generate(.p256)
        let (_, wrapped) = try KeyWrap.wrap(secret, to: p256.publicKey, context: Array("a".utf8))
        expectCode(.keyUnwrapFailed) { _ = try KeyWrap.unwrap(wrapped, algorithm: .eciesP256, with: p256, context: Array("b".utf8)) }
        // An ephemeral point that is not on the curve is refused before any ECDH.
        var offCurve = wrapped
        offCurve[40] ^= 1
        expectCode(.keyUnwrapFailed) { _ = try KeyWrap.unwrap(offCurve, algorithm: .eciesP256, with: p256, context: Array("a".utf8)) }
    }
}
