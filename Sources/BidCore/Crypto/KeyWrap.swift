internal import COpenSSL
import Foundation

/// How a content key (or an opening-key share) is encrypted to a recipient's public key.
public enum KeyWrapAlgorithm: String, Sendable, Codable, CaseIterable {
    /// SM2 public-key encryption (GB/T 32918.4), DER `C1C3C2` as OpenSSL writes it.
    case sm2 = "SM2-ENC"
    /// ECDH on P-256 with a fresh ephemeral key, HKDF-SHA256, AES-256-GCM (see docs/sealed-bid-format.md).
    case eciesP256 = "ECIES-P256-HKDF-SHA256-AES256GCM"
    /// RSA-OAEP with SHA-256 and MGF1-SHA-256, empty label.
    case rsaOAEP = "RSA-OAEP-SHA256"

    public static func forKey(_ type: KeyType) -> KeyWrapAlgorithm {
        switch type {
        case .sm2: return .sm2
        case .p256: return .eciesP256
        case .rsa: return .rsaOAEP
        }
    }

    var keyType: KeyType {
        switch self {
        case .sm2: return .sm2
        case .eciesP256: return .p256
        case .rsaOAEP: return .rsa
        }
    }
}

/// Public-key encryption of short secrets (content keys, key shares).
public enum KeyWrap {
    static let eciesInfo = Array("ebid ecies-p256 v1".utf8)

    /// Encrypts `secret` to `recipient`. `context` binds the result to its use (ECIES only: it
    /// enters the key derivation; SM2 and RSA-OAEP have no such input and are bound by the signed
    /// header instead).
    public static func wrap(_ secret: [UInt8], to recipient: PublicKey, context: [UInt8]) throws -> (algorithm: KeyWrapAlgorithm, wrapped: [UInt8]) {
        let algorithm = KeyWrapAlgorithm.forKey(recipient.type)
        switch algorithm {
        case .sm2, .rsaOAEP:
            return (algorithm, try pkeyEncrypt(secret, key: recipient.box.pkey, oaep: algorithm == .rsaOAEP))
        case .eciesP256:
            let ephemeral = try PrivateKey.generate(.p256)
            let ephemeralPoint = try ephemeral.publicKey.ecPublicPoint()
            let recipientPoint = try recipient.ecPublicPoint()
            var shared = try ecdh(ephemeral, recipient)
            defer { wipe(&shared) }
            let key = HKDF.derive(hash: .sha256, secret: shared, salt: ephemeralPoint + recipientPoint, info: eciesInfo + context, length: 32)
            // The key is used once (fresh ephemeral key), so a fixed all-zero nonce is safe.
            let sealed = try AES256GCM(key: key).seal(nonce: [UInt8](repeating: 0, count: 12), secret)
            return (algorithm, ephemeralPoint + sealed)
        }
    }

    /// Decrypts a wrapped secret with the recipient's private key.
    public static func unwrap(_ wrapped: [UInt8], algorithm: KeyWrapAlgorithm, with key: PrivateKey, context: [UInt8]) throws -> [UInt8] {
        guard algorithm.keyType == key.type else {
            throw BidCoreError(.keyUnwrapFailed, "a \(key.type.rawValue) key cannot unwrap \(algorithm.rawValue)")
        }
        switch algorithm {
        case .sm2, .rsaOAEP:
            return try pkeyDecrypt(wrapped, key: key.box.pkey, oaep: algorithm == .rsaOAEP)
        case .eciesP256:
            guard wrapped.count > 65 + AES256GCM.tagSize else { throw BidCoreError(.keyUnwrapFailed, "ECIES wrapped key is too short") }
            let ephemeralPoint = Array(wrapped.prefix(65))
            let ephemeral: PublicKey
            do { ephemeral = try PublicKey(ecPoint: ephemeralPoint, type: .p256) } catch {
                throw BidCoreError(.keyUnwrapFailed, "ECIES ephemeral key is not a P-256 point")
            }
            var shared = try ecdh(key, ephemeral)
            defer { wipe(&shared) }
            return try eciesOpen(Array(wrapped.dropFirst(65)), sharedX: shared, ephemeral: ephemeralPoint,
                                 recipient: try key.publicKey.ecPublicPoint(), context: context)
        }
    }

    /// The ECIES key derivation and AEAD, given Z (the x coordinate of the shared point): used with
    /// the recipient's private key, and with d·E combined from partial decryptions.
    static func eciesOpen(_ sealed: [UInt8], sharedX: [UInt8], ephemeral: [UInt8], recipient: [UInt8], context: [UInt8]) throws -> [UInt8] {
        let derived = HKDF.derive(hash: .sha256, secret: sharedX, salt: ephemeral + recipient, info: eciesInfo + context, length: 32)
        do {
            return try AES256GCM(key: derived).open(nonce: [UInt8](repeating: 0, count: 12), sealed)
        } catch {
            throw BidCoreError(.keyUnwrapFailed, "ECIES unwrap failed: wrong key, or the wrapped key was altered")
        }
    }

    private static func pkeyEncrypt(_ input: [UInt8], key: OpaquePointer, oaep: Bool) throws -> [UInt8] {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw OpenSSLErrors.failure(.openssl, "EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSLErrors.check(EVP_PKEY_encrypt_init(ctx), "encrypt init")
        if oaep { try setOAEP(ctx) }
        var length = 0
        try OpenSSLErrors.check(input.withUnsafeBufferPointer { EVP_PKEY_encrypt(ctx, nil, &length, $0.baseAddress, $0.count) }, "encrypt size")
        var out = [UInt8](repeating: 0, count: length)
        try OpenSSLErrors.check(input.withUnsafeBufferPointer { EVP_PKEY_encrypt(ctx, &out, &length, $0.baseAddress, $0.count) }, "public-key encrypt")
        return Array(out.prefix(length))
    }

    private static func pkeyDecrypt(_ input: [UInt8], key: OpaquePointer, oaep: Bool) throws -> [UInt8] {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, key, nil) else { throw OpenSSLErrors.failure(.openssl, "EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSLErrors.check(EVP_PKEY_decrypt_init(ctx), "decrypt init")
        if oaep { try setOAEP(ctx) }
        var length = 0
        guard input.withUnsafeBufferPointer({ EVP_PKEY_decrypt(ctx, nil, &length, $0.baseAddress, $0.count) }) == 1 else {
            throw OpenSSLErrors.failure(.keyUnwrapFailed, "unwrapping (wrong key, or the wrapped key was altered)")
        }
        var out = [UInt8](repeating: 0, count: length)
        guard input.withUnsafeBufferPointer({ EVP_PKEY_decrypt(ctx, &out, &length, $0.baseAddress, $0.count) }) == 1 else {
            throw OpenSSLErrors.failure(.keyUnwrapFailed, "unwrapping (wrong key, or the wrapped key was altered)")
        }
        return Array(out.prefix(length))
    }

    private static func setOAEP(_ ctx: OpaquePointer) throws {
        try OpenSSLErrors.check(EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING), "OAEP padding")
        try OpenSSLErrors.check(EVP_PKEY_CTX_set_rsa_oaep_md_name(ctx, "SHA256", nil), "OAEP digest")
        try OpenSSLErrors.check(EVP_PKEY_CTX_set_rsa_mgf1_md_name(ctx, "SHA256", nil), "OAEP MGF1 digest")
    }

    private static func ecdh(_ own: PrivateKey, _ peer: PublicKey) throws -> [UInt8] {
        guard let ctx = EVP_PKEY_CTX_new_from_pkey(nil, own.box.pkey, nil) else { throw OpenSSLErrors.failure(.openssl, "EVP_PKEY_CTX_new") }
        defer { EVP_PKEY_CTX_free(ctx) }
        try OpenSSLErrors.check(EVP_PKEY_derive_init(ctx), "ECDH init")
        try OpenSSLErrors.check(EVP_PKEY_derive_set_peer(ctx, peer.box.pkey), "ECDH peer", code: .keyUnwrapFailed)
        var length = 0
        try OpenSSLErrors.check(EVP_PKEY_derive(ctx, nil, &length), "ECDH size")
        var out = [UInt8](repeating: 0, count: length)
        try OpenSSLErrors.check(EVP_PKEY_derive(ctx, &out, &length), "ECDH")
        return Array(out.prefix(length))
    }
}

extension PublicKey {
    /// Builds an SM2 or P-256 public key from an uncompressed point (65 bytes).
    init(ecPoint: [UInt8], type: KeyType) throws {
        guard type != .rsa, ecPoint.count == 65, ecPoint[0] == 4 else { throw BidCoreError(.invalidKey, "not an uncompressed EC point") }
        var point = ecPoint
        let params = try buildECParams(type: type, privateKey: nil, publicPoint: &point)
        defer { OSSL_PARAM_free(params) }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, type == .sm2 ? "SM2" : "EC", nil) else { throw OpenSSLErrors.failure(.openssl, "ctx") }
        defer { EVP_PKEY_CTX_free(ctx) }
        var pkey: OpaquePointer?
        try OpenSSLErrors.check(EVP_PKEY_fromdata_init(ctx), "fromdata init")
        try OpenSSLErrors.check(EVP_PKEY_fromdata(ctx, &pkey, ebid_evp_pkey_public_key(), params), "public key from point", code: .invalidKey)
        // fromdata does not check that the point is on the curve: do it, or ECDH could leak.
        guard let check = EVP_PKEY_CTX_new_from_pkey(nil, pkey, nil) else { EVP_PKEY_free(pkey); throw OpenSSLErrors.failure(.openssl, "ctx") }
        defer { EVP_PKEY_CTX_free(check) }
        guard EVP_PKEY_public_check(check) == 1 else {
            EVP_PKEY_free(pkey)
            throw OpenSSLErrors.failure(.invalidKey, "checking the EC point")
        }
        self.init(box: PKeyBox(pkey!), type: type)
    }
}
