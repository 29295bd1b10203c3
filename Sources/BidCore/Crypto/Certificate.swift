internal import COpenSSL
import Foundation

/// Owns one X509. After construction the object is only read; OpenSSL caches extension data under
/// its own lock, so sharing it between threads is safe (hence `@unchecked Sendable`).
final class X509Box: @unchecked Sendable {
    let x509: OpaquePointer
    init(_ x509: OpaquePointer) { self.x509 = x509 }
    deinit { X509_free(x509) }
}

/// Key usages from the X.509 keyUsage extension.
public struct KeyUsage: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let digitalSignature = KeyUsage(rawValue: 0x80)
    public static let nonRepudiation = KeyUsage(rawValue: 0x40)
    public static let keyEncipherment = KeyUsage(rawValue: 0x20)
    public static let dataEncipherment = KeyUsage(rawValue: 0x10)
    public static let keyAgreement = KeyUsage(rawValue: 0x08)
    public static let keyCertSign = KeyUsage(rawValue: 0x04)
    public static let crlSign = KeyUsage(rawValue: 0x02)

    /// The keyUsage extension value for `X509V3_EXT_nconf_nid`.
    var configString: String {
        var names: [String] = []
        if contains(.digitalSignature) { names.append("digitalSignature") }
        if contains(.nonRepudiation) { names.append("nonRepudiation") }
        if contains(.keyEncipherment) { names.append("keyEncipherment") }
        if contains(.dataEncipherment) { names.append("dataEncipherment") }
        if contains(.keyAgreement) { names.append("keyAgreement") }
        if contains(.keyCertSign) { names.append("keyCertSign") }
        if contains(.crlSign) { names.append("cRLSign") }
        return names.joined(separator: ",")
    }
}

/// An X.509 certificate (PEM or DER).
public struct Certificate: Sendable, Hashable, CustomStringConvertible {
    let box: X509Box
    /// The DER encoding, exactly as received.
    public let der: [UInt8]

    /// Takes ownership of `x509` (already configured).
    init(taking x509: OpaquePointer) throws {
        self.box = X509Box(x509)
        self.der = try encodeDER("i2d_X509") { i2d_X509(x509, $0) }
    }

    public init(der: [UInt8]) throws {
        var parsed: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            parsed = d2i_X509(nil, &cursor, buffer.count)
        }
        guard let parsed else { throw OpenSSLErrors.failure(.certificateMalformed, "parsing the DER certificate") }
        try Self.configure(parsed)
        self.box = X509Box(parsed)
        self.der = der
    }

    /// Parses the first certificate of a PEM text.
    public init(pem: String) throws {
        guard let first = try Self.all(pem: pem).first else {
            throw BidCoreError(.certificateMalformed, "no certificate in the PEM text")
        }
        self = first
    }

    /// Reads a certificate file, PEM or DER.
    public init(file path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BidCoreError(.invalidInput, "cannot read certificate file \(path)")
        }
        let bytes = [UInt8](data)
        if bytes.starts(with: Array("-----BEGIN".utf8)) || String(decoding: bytes.prefix(200), as: UTF8.self).contains("-----BEGIN") {
            try self.init(pem: String(decoding: bytes, as: UTF8.self))
        } else {
            try self.init(der: bytes)
        }
    }

    /// Every certificate in a PEM bundle, in order.
    public static func all(pem: String) throws -> [Certificate] {
        let bio = try MemoryBIO(Array(pem.utf8))
        var result: [Certificate] = []
        while let x509 = PEM_read_bio_X509(bio.bio, nil, nil, nil) {
            try configure(x509)
            result.append(try Certificate(taking: x509))
        }
        // PEM_read stops with a "no start line" error at the end of input; that is not a failure.
        OpenSSLErrors.clear()
        return result
    }

    /// SM2-signed certificates carry the GM/T 0009 default distinguishing ID so that OpenSSL 3.0
    /// can check their signature (it has no default of its own).
    private static func configure(_ x509: OpaquePointer) throws {
        guard X509_get_signature_nid(x509) == NID_SM2_with_SM3 else { return }
        guard let id = ASN1_OCTET_STRING_new() else { throw OpenSSLErrors.failure(.openssl, "ASN1_OCTET_STRING_new") }
        let rc = SignatureScheme.sm2DistinguishingID.withUnsafeBufferPointer { ASN1_OCTET_STRING_set(id, $0.baseAddress, Int32($0.count)) }
        guard rc == 1 else { ASN1_OCTET_STRING_free(id); throw OpenSSLErrors.failure(.openssl, "setting the SM2 ID") }
        X509_set0_distinguishing_id(x509, id)
    }

    public var pem: String {
        let base64 = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN CERTIFICATE-----\n\(base64)\n-----END CERTIFICATE-----\n"
    }

    /// SHA-256 of the DER, lower-case hex: how ebid names a certificate everywhere.
    public var fingerprint: String { Hex.encode(StreamingDigest.hash(der, using: .sha256)) }

    public var subject: DistinguishedName { DistinguishedName(x509Name: X509_get_subject_name(box.x509)) }
    public var issuer: DistinguishedName { DistinguishedName(x509Name: X509_get_issuer_name(box.x509)) }

    /// Serial number, lower-case hex without leading zeros.
    public var serialNumber: String {
        guard let serial = X509_get0_serialNumber(box.x509), let bn = ASN1_INTEGER_to_BN(serial, nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { ebid_openssl_free(hex) }
        return String(cString: hex).lowercased()
    }

    public var notBefore: Date { asn1Date(X509_get0_notBefore(box.x509)) }
    public var notAfter: Date { asn1Date(X509_get0_notAfter(box.x509)) }

    public var publicKey: PublicKey {
        get throws {
            guard let pkey = X509_get_pubkey(box.x509) else { throw OpenSSLErrors.failure(.invalidKey, "reading the certificate's key") }
            let boxed = PKeyBox(pkey)
            return PublicKey(box: boxed, type: try detectKeyType(pkey))
        }
    }

    /// Key usages; nil when the certificate has no keyUsage extension (then any use is allowed).
    public var keyUsage: KeyUsage? {
        let value = X509_get_key_usage(box.x509)
        return value == UInt32.max ? nil : KeyUsage(rawValue: value)
    }

    /// The URIs of the certificate's CRL distribution points (RFC 5280 4.2.1.13; fullName URIs,
    /// in order; none when the extension is absent or unreadable): where its issuer publishes the
    /// CRL that would revoke it.
    public var crlDistributionPoints: [String] {
        var uris: [String] = []
        while uris.count < 16 {
            var length: Int32 = 0
            guard let uri = ebid_x509_crl_distribution_uri(box.x509, Int32(uris.count), &length) else { break }
            defer { ebid_openssl_free(uri) }
            uris.append(String(decoding: UnsafeRawBufferPointer(start: uri, count: Int(length)), as: UTF8.self))
        }
        OpenSSLErrors.clear()
        return uris
    }

    public var isCA: Bool { X509_check_ca(box.x509) != 0 }

    public var isSelfIssued: Bool {
        X509_NAME_cmp(X509_get_subject_name(box.x509), X509_get_issuer_name(box.x509)) == 0
    }

    public var description: String { "\(subject) (serial \(serialNumber))" }

    public static func == (lhs: Certificate, rhs: Certificate) -> Bool { lhs.der == rhs.der }
    public func hash(into hasher: inout Hasher) { hasher.combine(der) }
}

func asn1Date(_ time: UnsafePointer<ASN1_TIME>?) -> Date {
    guard let time else { return .distantPast }
    var tm = tm()
    guard ASN1_TIME_to_tm(time, &tm) == 1 else { OpenSSLErrors.clear(); return .distantPast }
    return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
}

/// A fresh ASN1_TIME for `date`; the caller frees it with ASN1_TIME_free.
func makeASN1Time(_ date: Date) throws -> UnsafeMutablePointer<ASN1_TIME> {
    guard let time = ASN1_TIME_set(nil, time_t(date.timeIntervalSince1970.rounded(.down))) else {
        throw OpenSSLErrors.failure(.openssl, "ASN1_TIME_set")
    }
    return time
}
