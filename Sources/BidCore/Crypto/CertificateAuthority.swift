internal import COpenSSL
import Foundation

/// What kind of certificate to issue.
public enum CertificateProfile: Sendable {
    /// A CA certificate (basicConstraints CA:TRUE, keyCertSign + cRLSign).
    case authority(pathLength: Int?)
    /// An end-entity certificate with the given key usages.
    case endEntity(KeyUsage)

    /// Signing + encryption in one certificate, as the demo parties use.
    public static let dualUse = CertificateProfile.endEntity([.digitalSignature, .nonRepudiation, .keyEncipherment, .dataEncipherment, .keyAgreement])
    public static let signingOnly = CertificateProfile.endEntity([.digitalSignature, .nonRepudiation])
    public static let encryptionOnly = CertificateProfile.endEntity([.keyEncipherment, .dataEncipherment, .keyAgreement])
}

/// A small certificate authority: issues certificates and CRLs. It builds the demo PKI (`ebid keys
/// demo-pki`) and the odd certificates the tests need (expired, revoked, wrong usage, intermediates).
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey

    public init(certificate: Certificate, key: PrivateKey) throws {
        guard try certificate.publicKey == key.publicKey else {
            throw BidCoreError(.invalidKey, "the CA key does not belong to \(certificate.subject)")
        }
        self.certificate = certificate
        self.key = key
    }

    /// A self-signed root CA.
    public static func root(subject: DistinguishedName, key: PrivateKey, notBefore: Date, notAfter: Date) throws -> CertificateAuthority {
        let certificate = try build(subject: subject, publicKey: key.publicKey, issuer: nil, issuerKey: key,
                                    notBefore: notBefore, notAfter: notAfter, profile: .authority(pathLength: nil), serial: nil, crlDistributionPoints: [])
        return try CertificateAuthority(certificate: certificate, key: key)
    }

    /// Issues a certificate for `publicKey`, naming `crlDistributionPoints` (URIs) where the CA
    /// publishes the CRL that would revoke it.
    public func issue(subject: DistinguishedName, publicKey: PublicKey, notBefore: Date, notAfter: Date,
                      profile: CertificateProfile, serial: [UInt8]? = nil, crlDistributionPoints: [String] = []) throws -> Certificate {
        try Self.build(subject: subject, publicKey: publicKey, issuer: certificate, issuerKey: key,
                       notBefore: notBefore, notAfter: notAfter, profile: profile, serial: serial, crlDistributionPoints: crlDistributionPoints)
    }

    /// A v2 CRL listing `revoked` (certificate, revocation time), with a CRL number.
    public func issueCRL(revoked: [(Certificate, Date)], thisUpdate: Date, nextUpdate: Date, number: Int = 1) throws -> CertificateRevocationList {
        guard let crl = X509_CRL_new() else { throw OpenSSLErrors.failure(.openssl, "X509_CRL_new") }
        var owned: OpaquePointer? = crl
        defer { if let owned { X509_CRL_free(owned) } }
        try OpenSSLErrors.check(X509_CRL_set_version(crl, 1), "CRL version")
        try OpenSSLErrors.check(X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate.box.x509)), "CRL issuer")
        try withASN1Time(thisUpdate) { try OpenSSLErrors.check(X509_CRL_set1_lastUpdate(crl, $0), "CRL thisUpdate") }
        try withASN1Time(nextUpdate) { try OpenSSLErrors.check(X509_CRL_set1_nextUpdate(crl, $0), "CRL nextUpdate") }
        for (revokedCertificate, date) in revoked {
            guard let entry = X509_REVOKED_new() else { throw OpenSSLErrors.failure(.openssl, "X509_REVOKED_new") }
            guard X509_REVOKED_set_serialNumber(entry, UnsafeMutablePointer(mutating: X509_get0_serialNumber(revokedCertificate.box.x509))) == 1 else {
                X509_REVOKED_free(entry); throw OpenSSLErrors.failure(.openssl, "revoked serial")
            }
            do {
                try withASN1Time(date) { try OpenSSLErrors.check(X509_REVOKED_set_revocationDate(entry, $0), "revocation date") }
            } catch { X509_REVOKED_free(entry); throw error }
            guard X509_CRL_add0_revoked(crl, entry) == 1 else { X509_REVOKED_free(entry); throw OpenSSLErrors.failure(.openssl, "adding a revoked entry") }
        }
        try OpenSSLErrors.check(X509_CRL_sort(crl), "sorting the CRL")
        guard let crlNumber = ASN1_INTEGER_new() else { throw OpenSSLErrors.failure(.openssl, "ASN1_INTEGER_new") }
        defer { ASN1_INTEGER_free(crlNumber) }
        try OpenSSLErrors.check(ASN1_INTEGER_set(crlNumber, number), "CRL number")
        try OpenSSLErrors.check(X509_CRL_add1_ext_i2d(crl, NID_crl_number, crlNumber, 0, 0), "adding the CRL number")
        var v3 = X509V3_CTX()
        ebid_x509v3_set_ctx_nodb(&v3)
        X509V3_set_ctx(&v3, certificate.box.x509, nil, nil, crl, 0)
        try addExtension(NID_authority_key_identifier, "keyid:always", ctx: &v3) { X509_CRL_add_ext(crl, $0, -1) }
        let signer = try SignatureContext(key: key)
        guard X509_CRL_sign_ctx(crl, signer.mctx) > 0 else { throw OpenSSLErrors.failure(.openssl, "signing the CRL") }
        owned = nil
        return try CertificateRevocationList(taking: crl)
    }

    private static func build(subject: DistinguishedName, publicKey: PublicKey, issuer: Certificate?, issuerKey: PrivateKey,
                              notBefore: Date, notAfter: Date, profile: CertificateProfile, serial: [UInt8]?,
                              crlDistributionPoints: [String]) throws -> Certificate {
        guard notBefore < notAfter else { throw BidCoreError(.invalidInput, "notBefore must precede notAfter") }
        guard let x509 = X509_new() else { throw OpenSSLErrors.failure(.openssl, "X509_new") }
        defer { X509_free(x509) }
        try OpenSSLErrors.check(X509_set_version(x509, 2), "certificate version")

        // Serial: 16 random bytes with the top bit cleared (positive, RFC 5280 ≤ 20 octets).
        var serialBytes = serial ?? SecureRandom.bytes(16)
        if serial == nil { serialBytes[0] &= 0x7f; serialBytes[0] |= 0x01 }
        guard let bn = serialBytes.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), nil) }) else {
            throw OpenSSLErrors.failure(.openssl, "serial")
        }
        defer { BN_free(bn) }
        guard BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x509)) != nil else { throw OpenSSLErrors.failure(.openssl, "serial") }

        let name = try subject.makeX509Name()
        defer { X509_NAME_free(name) }
        try OpenSSLErrors.check(X509_set_subject_name(x509, name), "subject")
        try OpenSSLErrors.check(X509_set_issuer_name(x509, issuer.map { X509_get_subject_name($0.box.x509) } ?? name), "issuer")
        try withASN1Time(notBefore) { try OpenSSLErrors.check(X509_set1_notBefore(x509, $0), "notBefore") }
        try withASN1Time(notAfter) { try OpenSSLErrors.check(X509_set1_notAfter(x509, $0), "notAfter") }
        try OpenSSLErrors.check(X509_set_pubkey(x509, publicKey.box.pkey), "public key")

        var v3 = X509V3_CTX()
        ebid_x509v3_set_ctx_nodb(&v3)
        X509V3_set_ctx(&v3, issuer?.box.x509 ?? x509, x509, nil, nil, 0)
        let add: (OpaquePointer) -> Int32 = { X509_add_ext(x509, $0, -1) }
        switch profile {
        case .authority(let pathLength):
            try addExtension(NID_basic_constraints, "critical,CA:TRUE" + (pathLength.map { ",pathlen:\($0)" } ?? ""), ctx: &v3, add)
            try addExtension(NID_key_usage, "critical,keyCertSign,cRLSign", ctx: &v3, add)
        case .endEntity(let usage):
            try addExtension(NID_basic_constraints, "critical,CA:FALSE", ctx: &v3, add)
            try addExtension(NID_key_usage, "critical," + usage.configString, ctx: &v3, add)
        }
        try addExtension(NID_subject_key_identifier, "hash", ctx: &v3, add)
        try addExtension(NID_authority_key_identifier, "keyid:always", ctx: &v3, add)
        if !crlDistributionPoints.isEmpty {
            guard crlDistributionPoints.allSatisfy({ !$0.isEmpty && !$0.contains(where: { $0 == "," || $0.isWhitespace || !$0.isASCII }) }) else {
                throw BidCoreError(.invalidInput, "a CRL distribution point must be an ASCII URI without spaces or commas")
            }
            try addExtension(NID_crl_distribution_points, crlDistributionPoints.map { "URI:" + $0 }.joined(separator: ","), ctx: &v3, add)
        }

        let signer = try SignatureContext(key: issuerKey)
        guard X509_sign_ctx(x509, signer.mctx) > 0 else { throw OpenSSLErrors.failure(.openssl, "signing the certificate") }
        // Re-parse so the new certificate is configured exactly like one read from a file.
        return try Certificate(der: try encodeDER("i2d_X509") { i2d_X509(x509, $0) })
    }
}

private func withASN1Time(_ date: Date, _ body: (UnsafeMutablePointer<ASN1_TIME>) throws -> Void) throws {
    let time = try makeASN1Time(date)
    defer { ASN1_TIME_free(time) }
    try body(time)
}

private func addExtension(_ nid: Int32, _ value: String, ctx: inout X509V3_CTX, _ add: (OpaquePointer) -> Int32) throws {
    guard let ext = X509V3_EXT_nconf_nid(nil, &ctx, nid, value) else {
        throw OpenSSLErrors.failure(.openssl, "extension \(String(cString: OBJ_nid2sn(nid)))=\(value)")
    }
    defer { X509_EXTENSION_free(ext) }
    guard add(ext) == 1 else { throw OpenSSLErrors.failure(.openssl, "adding extension \(value)") }
}

/// A digest-sign context for X509_sign_ctx / X509_CRL_sign_ctx with the key's preferred scheme
/// (SM2 signatures carry the default distinguishing ID).
private final class SignatureContext {
    let mctx: OpaquePointer
    private let key: PrivateKey

    init(key: PrivateKey) throws {
        self.key = key
        let stream = try SignatureStream(key: key)
        self.mctx = stream.detachContext()
    }

    deinit { EVP_MD_CTX_free(mctx) }
}
