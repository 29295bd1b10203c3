internal import COpenSSL
import Foundation

/// The asymmetric key kinds ebid accepts.
public enum KeyType: String, Sendable, Codable {
    /// SM2 (GB/T 32918) on the recommended curve sm2p256v1.
    case sm2 = "SM2"
    /// ECDSA/ECDH on NIST P-256 (prime256v1).
    case p256 = "P-256"
    /// RSA (legacy certificates: PKCS#1 v1.5 or PSS signatures, OAEP key wrap).
    case rsa = "RSA"

    /// The suite a key of this type belongs to.
    public var suite: Suite { self == .sm2 ? .gm : .nist }
}

/// Holds one EVP_PKEY. EVP_PKEY is reference-counted and, once built, only read: OpenSSL 3 lets
/// several threads use one key at once provided each operation has its own EVP_PKEY_CTX, which
/// every function here creates. That is why the wrappers below may be `@unchecked Sendable`.
final class PKeyBox: @unchecked Sendable {
    let pkey: OpaquePointer
    init(_ pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }
}

/// A private key (SM2, P-256 or RSA).
public struct PrivateKey: Sendable {
    let box: PKeyBox
    public let type: KeyType

    init(taking pkey: OpaquePointer) throws {
        let box = PKeyBox(pkey)
        self.type = try detectKeyType(pkey)
        self.box = box
    }

    /// Generates a fresh key.
    public static func generate(_ type: KeyType, rsaBits: Int = 3072) throws -> PrivateKey {
        let pkey: OpaquePointer?
        switch type {
        case .sm2:
            pkey = generateKey(algorithm: "SM2", params: nil)
        case .p256:
            pkey = generateKey(algorithm: "EC", params: [OSSL_PARAM_construct_utf8_string(ebid_param_group_name(), UnsafeMutablePointer(mutating: ebid_name_p256_group()), 0)])
        case .rsa:
            let bits = UnsafeMutablePointer<UInt32>.allocate(capacity: 1)
            defer { bits.deallocate() }
            bits.pointee = UInt32(rsaBits)
            pkey = generateKey(algorithm: "RSA", params: [OSSL_PARAM_construct_uint(ebid_param_rsa_bits(), bits)])
        }
        guard let pkey else { throw OpenSSLErrors.failure(.openssl, "\(type.rawValue) key generation") }
        return try PrivateKey(taking: pkey)
    }

    /// Reads a PEM private key (PKCS#8 or traditional, unencrypted).
    public init(pem: String) throws {
        let bio = try MemoryBIO(Array(pem.utf8))
        guard let pkey = PEM_read_bio_PrivateKey(bio.bio, nil, nil, nil) else {
            throw OpenSSLErrors.failure(.invalidKey, "reading the PEM private key")
        }
        try self.init(taking: pkey)
    }

    public init(pemFile path: String) throws {
        try self.init(pem: try readText(path, what: "private key"))
    }

    /// PKCS#8 PEM, unencrypted.
    public func pemPKCS8() throws -> String {
        let bio = try MemoryBIO()
        try OpenSSLErrors.check(PEM_write_bio_PrivateKey(bio.bio, box.pkey, nil, nil, 0, nil, nil), "writing the PEM private key")
        return bio.string
    }

    public var publicKey: PublicKey {
        // The public half shares the EVP_PKEY: a PublicKey only ever reads public components.
        EVP_PKEY_up_ref(box.pkey)
        return PublicKey(box: PKeyBox(box.pkey), type: type)
    }

    /// The private scalar of an elliptic-curve key, 32 bytes big-endian. Used by the opening-key
    /// ceremony only; wipe the result when done.
    func ecPrivateScalar() throws -> [UInt8] {
        guard type != .rsa else { throw BidCoreError(.unsupportedKey, "RSA keys have no scalar") }
        var bn: OpaquePointer?
        try OpenSSLErrors.check(EVP_PKEY_get_bn_param(box.pkey, ebid_param_priv_key(), &bn), "reading the private scalar")
        defer { BN_clear_free(bn) }
        var out = [UInt8](repeating: 0, count: 32)
        guard BN_bn2binpad(bn, &out, 32) == 32 else { throw OpenSSLErrors.failure(.invalidKey, "encoding the private scalar") }
        return out
    }

    /// Rebuilds an SM2 or P-256 key from its private scalar (the public point is recomputed).
    static func fromECScalar(_ scalar: [UInt8], type: KeyType) throws -> PrivateKey {
        guard type != .rsa, scalar.count == 32 else { throw BidCoreError(.invalidKey, "an EC private scalar is 32 bytes") }
        let nid = type == .sm2 ? NID_sm2 : NID_X9_62_prime256v1
        guard let group = EC_GROUP_new_by_curve_name(nid) else { throw OpenSSLErrors.failure(.openssl, "EC group") }
        defer { EC_GROUP_free(group) }
        guard let d = scalar.withUnsafeBytes({ BN_bin2bn($0.baseAddress?.assumingMemoryBound(to: UInt8.self), 32, nil) }) else {
            throw OpenSSLErrors.failure(.openssl, "BN_bin2bn")
        }
        defer { BN_clear_free(d) }
        // 0 < d < n - 1 (SM2 excludes n - 1 as well); anything else is not a valid private key.
        guard let order = EC_GROUP_get0_order(group), BN_is_zero(d) == 0, BN_cmp(d, order) < 0 else {
            throw BidCoreError(.invalidKey, "the scalar is not a valid private key for \(type.rawValue)")
        }
        guard let point = EC_POINT_new(group) else { throw OpenSSLErrors.failure(.openssl, "EC_POINT_new") }
        defer { EC_POINT_free(point) }
        try OpenSSLErrors.check(EC_POINT_mul(group, point, d, nil, nil, nil), "computing the public point")
        var pub = [UInt8](repeating: 0, count: 65)
        guard EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, &pub, 65, nil) == 65 else {
            throw OpenSSLErrors.failure(.openssl, "encoding the public point")
        }
        let params = try buildECParams(type: type, privateKey: d, publicPoint: &pub)
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type == .sm2 ? "SM2" : "EC", nil) else {
            throw OpenSSLErrors.failure(.openssl, "EVP_PKEY_CTX_new_from_name")
        }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer?
        try OpenSSLErrors.check(EVP_PKEY_fromdata_init(ctx), "fromdata init")
        try OpenSSLErrors.check(EVP_PKEY_fromdata(ctx, &pkey, ebid_evp_pkey_keypair(), params), "building the key", code: .invalidKey)
        return try PrivateKey(taking: pkey!)
    }
}

/// A public key (SM2, P-256 or RSA), usually taken from a certificate.
public struct PublicKey: Sendable, Equatable {
    let box: PKeyBox
    public let type: KeyType

    init(box: PKeyBox, type: KeyType) {
        self.box = box
        self.type = type
    }

    /// Reads a DER SubjectPublicKeyInfo.
    public init(spki der: [UInt8]) throws {
        var pkey: OpaquePointer?
        der.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<UInt8>? = buffer.baseAddress
            pkey = d2i_PUBKEY(nil, &cursor, buffer.count)
        }
        guard let pkey else { throw OpenSSLErrors.failure(.invalidKey, "reading the public key") }
        let box = PKeyBox(pkey)
        self.type = try detectKeyType(pkey)
        self.box = box
    }

    /// Reads a PEM `PUBLIC KEY` (SubjectPublicKeyInfo).
    public init(pem: String) throws {
        let bio = try MemoryBIO(Array(pem.utf8))
        guard let pkey = PEM_read_bio_PUBKEY(bio.bio, nil, nil, nil) else {
            throw OpenSSLErrors.failure(.invalidKey, "reading the PEM public key")
        }
        let box = PKeyBox(pkey)
        self.type = try detectKeyType(pkey)
        self.box = box
    }

    /// DER SubjectPublicKeyInfo.
    public var spki: [UInt8] {
        // i2d_PUBKEY cannot fail for a key we hold, short of memory exhaustion.
        (try? encodeDER("i2d_PUBKEY") { i2d_PUBKEY(box.pkey, $0) }) ?? []
    }

    public var pem: String {
        guard let bio = try? MemoryBIO(), PEM_write_bio_PUBKEY(bio.bio, box.pkey) == 1 else { return "" }
        return bio.string
    }

    /// The key identifier used in ebid formats: hex of the suite hash over the DER SPKI.
    public func keyID(_ hash: HashAlgorithm) -> String {
        Hex.encode(StreamingDigest.hash(spki, using: hash))
    }

    /// Uncompressed EC point (65 bytes) for SM2 and P-256 keys.
    func ecPublicPoint() throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 65)
        var length = 0
        try OpenSSLErrors.check(EVP_PKEY_get_octet_string_param(box.pkey, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, &out, 65, &length), "reading the public point")
        guard length == 65 else { throw BidCoreError(.invalidKey, "public point is \(length) bytes, expected 65 (uncompressed)") }
        return out
    }

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.type == rhs.type && lhs.spki == rhs.spki
    }
}

/// An OSSL_PARAM array for an SM2/P-256 key: group, optional private scalar, public point.
/// Names are static C strings and values are copied by OSSL_PARAM_BLD_to_param, so nothing dangles.
func buildECParams(type: KeyType, privateKey: OpaquePointer?, publicPoint: inout [UInt8]) throws -> UnsafeMutablePointer<OSSL_PARAM> {
    guard let builder = OSSL_PARAM_BLD_new() else { throw OpenSSLErrors.failure(.openssl, "OSSL_PARAM_BLD_new") }
    defer { OSSL_PARAM_BLD_free(builder) }
    let group = type == .sm2 ? ebid_name_sm2_group() : ebid_name_p256_group()
    try OpenSSLErrors.check(OSSL_PARAM_BLD_push_utf8_string(builder, ebid_param_group_name(), group, 0), "group param")
    if let privateKey {
        try OpenSSLErrors.check(OSSL_PARAM_BLD_push_BN(builder, ebid_param_priv_key(), privateKey), "private param")
    }
    return try publicPoint.withUnsafeMutableBytes { point in
        try OpenSSLErrors.check(OSSL_PARAM_BLD_push_octet_string(builder, ebid_param_pub_key(), point.baseAddress, point.count), "public param")
        guard let params = OSSL_PARAM_BLD_to_param(builder) else { throw OpenSSLErrors.failure(.openssl, "OSSL_PARAM_BLD_to_param") }
        return params
    }
}

private func generateKey(algorithm: String, params: [OSSL_PARAM]?) -> OpaquePointer? {
    guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else { return nil }
    defer { EVP_PKEY_CTX_free(ctx) }
    guard EVP_PKEY_keygen_init(ctx) == 1 else { return nil }
    if var params {
        params.append(OSSL_PARAM_construct_end())
        guard EVP_PKEY_CTX_set_params(ctx, &params) == 1 else { return nil }
    }
    var pkey: OpaquePointer?
    guard EVP_PKEY_generate(ctx, &pkey) == 1 else { return nil }
    return pkey
}

func detectKeyType(_ pkey: OpaquePointer) throws -> KeyType {
    if EVP_PKEY_is_a(pkey, "SM2") == 1 { return .sm2 }
    if EVP_PKEY_is_a(pkey, "RSA") == 1 { return .rsa }
    if EVP_PKEY_is_a(pkey, "EC") == 1 {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        if EVP_PKEY_get_utf8_string_param(pkey, ebid_param_group_name(), &name, name.count, &length) == 1 {
            let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if group == "prime256v1" || group == "P-256" { return .p256 }
            // OpenSSL 3 types SM2-curve keys as SM2; an EC-typed one would sign with ECDSA.
            if group == "SM2" { throw BidCoreError(.unsupportedKey, "key on the SM2 curve is not typed SM2") }
            throw BidCoreError(.unsupportedKey, "EC curve \(group) is not accepted (SM2 or P-256 only)")
        }
        OpenSSLErrors.clear()
        throw BidCoreError(.unsupportedKey, "EC key without a named curve is not accepted")
    }
    let name = EVP_PKEY_get0_type_name(pkey).map { String(cString: $0) } ?? "unknown"
    throw BidCoreError(.unsupportedKey, "key type \(name) is not accepted (SM2, P-256 or RSA only)")
}

/// Reads a small text file (keys, certificates) with a clear error.
func readText(_ path: String, what: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw BidCoreError(.invalidInput, "cannot read \(what) file \(path)")
    }
    return String(decoding: data, as: UTF8.self)
}
