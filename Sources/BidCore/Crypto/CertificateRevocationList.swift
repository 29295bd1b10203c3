internal import COpenSSL
import Foundation

/// Owns one X509_CRL; read-only after parsing (see X509Box for why sharing is safe).
final class CRLBox: @unchecked Sendable {
    let crl: OpaquePointer
    init(_ crl: OpaquePointer) { self.crl = crl }
    deinit { X509_CRL_free(crl) }
}

/// An X.509 v2 CRL. Its signature is checked by BidCore itself, not by OpenSSL's CRL_CHECK:
/// OpenSSL 3.0 cannot verify SM2-signed CRLs (a CRL has no distinguishing-ID setter, and the SM2
/// provider has no default ID), so one code path serves both suites.
public struct CertificateRevocationList: Sendable {
    let box: CRLBox
    public let der: [UInt8]

    public init(der: [UInt8]) throws {
        var parsed: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            parsed = d2i_X509_CRL(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSLErrors.failure(.crlMalformed, "parsing the DER CRL") }
        self.box = CRLBox(parsed)
        self.der = der
    }

    init(taking crl: OpaquePointer) throws {
        self.box = CRLBox(crl)
        self.der = try encodeDER("i2d_X509_CRL") { i2d_X509_CRL(crl, $0) }
    }

    public init(pem: String) throws {
        let bio = try MemoryBIO(Array(pem.utf8))
        guard let crl = PEM_read_bio_X509_CRL(bio.bio, nil, nil, nil) else {
            throw OpenSSLErrors.failure(.crlMalformed, "parsing the PEM CRL")
        }
        try self.init(taking: crl)
    }

    /// Reads a CRL file, PEM or DER.
    public init(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BidCoreError(.invalidInput, "cannot read CRL file \(path)")
        }
        try self.init(encoded: [UInt8](data))
    }

    /// A CRL as a file or an HTTP body holds it: PEM (told by its BEGIN line) or DER.
    public init(encoded bytes: [UInt8]) throws {
        if String(decoding: bytes.prefix(100), as: UTF8.self).contains("-----BEGIN") {
            try self.init(pem: String(decoding: bytes, as: UTF8.self))
        } else {
            try self.init(der: bytes)
        }
    }

    public var pem: String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN X509 CRL-----\n\(base64)\n-----END X509 CRL-----\n"
    }

    public var issuer: DistinguishedName { DistinguishedName(x509Name: X509_CRL_get_issuer(box.crl)) }
    public var thisUpdate: Date { asn1Date(X509_CRL_get0_lastUpdate(box.crl)) }
    public var nextUpdate: Date? { X509_CRL_get0_nextUpdate(box.crl).map { asn1Date($0) } }

    /// Serial numbers (lower-case hex) and revocation dates of the listed certificates.
    public var revoked: [(serial: String, date: Date)] {
        (0..<ebid_crl_revoked_count(box.crl)).compactMap { index in
            guard let entry = ebid_crl_revoked_at(box.crl, index),
                  let bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(entry), nil) else { return nil }
            defer { BN_free(bn) }
            guard let hex = BN_bn2hex(bn) else { return nil }
            defer { ebid_openssl_free(hex) }
            return (String(cString: hex).lowercased(), asn1Date(X509_REVOKED_get0_revocationDate(entry)))
        }
    }

    /// True when `certificate` names this CRL's issuer as its issuer.
    public func covers(issuerOf certificate: Certificate) -> Bool {
        X509_NAME_cmp(X509_CRL_get_issuer(box.crl), X509_get_issuer_name(certificate.box.x509)) == 0
    }

    /// The revocation date of `certificate` if this CRL lists its serial number.
    public func revocationDate(of certificate: Certificate) -> Date? {
        var entry: OpaquePointer?
        let serial = X509_get0_serialNumber(certificate.box.x509)
        guard X509_CRL_get0_by_serial(box.crl, &entry, serial) == 1, let entry else { return nil }
        return asn1Date(X509_REVOKED_get0_revocationDate(entry))
    }

    /// Checks the CRL's signature with the issuer's key.
    public func verifySignature(issuer: Certificate) throws {
        guard X509_NAME_cmp(X509_CRL_get_issuer(box.crl), X509_get_subject_name(issuer.box.x509)) == 0 else {
            throw BidCoreError(.crlSignatureInvalid, "CRL issuer \(self.issuer) is not \(issuer.subject)")
        }
        let scheme: SignatureScheme
        switch X509_CRL_get_signature_nid(box.crl) {
        case NID_SM2_with_SM3: scheme = .sm2WithSM3
        case NID_ecdsa_with_SHA256: scheme = .ecdsaP256SHA256
        case NID_sha256WithRSAEncryption: scheme = .rsaPKCS1SHA256
        case let nid:
            throw BidCoreError(.crlSignatureInvalid, "CRL signature algorithm \(String(cString: OBJ_nid2sn(nid))) is not accepted")
        }
        guard let tbs = DER.signedPart(of: der) else { throw BidCoreError(.crlMalformed, "CRL is not a signed SEQUENCE") }
        var signature: UnsafePointer<ASN1_BIT_STRING>?
        var algorithm: UnsafePointer<X509_ALGOR>?
        X509_CRL_get0_signature(box.crl, &signature, &algorithm)
        guard let signature, let data = ASN1_STRING_get0_data(signature) else {
            throw BidCoreError(.crlMalformed, "CRL has no signature")
        }
        let signatureBytes = Array(UnsafeBufferPointer(start: data, count: Int(ASN1_STRING_length(signature))))
        let key = try issuer.publicKey
        guard key.type == scheme.keyType,
              try key.isValidSignature(signatureBytes, for: tbs, scheme: scheme) else {
            throw BidCoreError(.crlSignatureInvalid, "CRL from \(self.issuer) is not signed by its issuer's key")
        }
    }
}
