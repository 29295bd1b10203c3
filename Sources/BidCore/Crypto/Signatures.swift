internal import COpenSSL
import Foundation

/// Signature schemes. SM2 uses SM3 and the distinguishing ID `1234567812345678` (GM/T 0009).
public enum SignatureScheme: String, Sendable, Codable, CaseIterable {
    case sm2WithSM3 = "SM2-SM3"
    case ecdsaP256SHA256 = "ECDSA-P256-SHA256"
    case rsaPKCS1SHA256 = "RSA-PKCS1-SHA256"
    case rsaPSSSHA256 = "RSA-PSS-SHA256"

    /// The default distinguishing ID of GM/T 0009 for SM2 signatures.
    public static let sm2DistinguishingID = Array("1234567812345678".utf8)

    public var hash: HashAlgorithm { self == .sm2WithSM3 ? .sm3 : .sha256 }

    var keyType: KeyType {
        switch self {
        case .sm2WithSM3: return .sm2
        case .ecdsaP256SHA256: return .p256
        case .rsaPKCS1SHA256, .rsaPSSSHA256: return .rsa
        }
    }

    /// The scheme ebid uses by default for a key of this type.
    public static func preferred(for type: KeyType) -> SignatureScheme {
        switch type {
        case .sm2: return .sm2WithSM3
        case .p256: return .ecdsaP256SHA256
        case .rsa: return .rsaPSSSHA256
        }
    }

    func requireCompatible(with type: KeyType) throws {
        guard keyType == type else {
            throw BidCoreError(.schemeMismatch, "a \(type.rawValue) key cannot make or check \(rawValue) signatures")
        }
    }
}

/// Builds a digest-sign or digest-verify context with the scheme's parameters.
private func makeSignatureContext(pkey: OpaquePointer, scheme: SignatureScheme, signing: Bool, distinguishingID: [UInt8]) throws -> OpaquePointer {
    guard let mctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
    var pctx: OpaquePointer?
    let mdName = scheme.hash == .sm3 ? "SM3" : "SHA256"
    let rc = signing
        ? EVP_DigestSignInit_ex(mctx, &pctx, mdName, nil, nil, pkey, nil)
        : EVP_DigestVerifyInit_ex(mctx, &pctx, mdName, nil, nil, pkey, nil)
    guard rc == 1, let pctx else {
        EVP_MD_CTX_free(mctx)
        throw OpenSSLErrors.failure(.openssl, "\(scheme.rawValue) \(signing ? "sign" : "verify") init")
    }
    switch scheme {
    case .sm2WithSM3:
        let idrc = distinguishingID.withUnsafeBytes { EVP_PKEY_CTX_set1_id(pctx, $0.baseAddress, Int32($0.count)) }
        guard idrc == 1 else { EVP_MD_CTX_free(mctx); throw OpenSSLErrors.failure(.openssl, "setting the SM2 ID") }
    case .rsaPSSSHA256:
        guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1,
              // Sign with salt = digest length; verify accepts any salt length (RFC 8017 allows it).
              EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, signing ? RSA_PSS_SALTLEN_DIGEST : RSA_PSS_SALTLEN_AUTO) == 1
        else { EVP_MD_CTX_free(mctx); throw OpenSSLErrors.failure(.openssl, "setting RSA-PSS parameters") }
    case .rsaPKCS1SHA256:
        guard EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 else {
            EVP_MD_CTX_free(mctx); throw OpenSSLErrors.failure(.openssl, "setting RSA PKCS#1 padding")
        }
    case .ecdsaP256SHA256:
        break
    }
    return mctx
}

/// A streaming signer: feed the message in pieces, then `finalize()`.
public final class SignatureStream {
    private var mctx: OpaquePointer?
    public let scheme: SignatureScheme

    public init(key: PrivateKey, scheme: SignatureScheme? = nil) throws {
        let scheme = scheme ?? .preferred(for: key.type)
        try scheme.requireCompatible(with: key.type)
        self.scheme = scheme
        self.mctx = try makeSignatureContext(pkey: key.box.pkey, scheme: scheme, signing: true, distinguishingID: SignatureScheme.sm2DistinguishingID)
        // keep the key alive as long as the context refers to it
        self.key = key
    }

    private let key: PrivateKey

    deinit { if let mctx { EVP_MD_CTX_free(mctx) } }

    /// Hands the configured context over (for X509_sign_ctx); the stream is unusable afterwards.
    func detachContext() -> OpaquePointer {
        let context = mctx!
        mctx = nil
        return context
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        precondition(EVP_DigestSignUpdate(mctx, base, buffer.count) == 1, "EVP_DigestSignUpdate: \(OpenSSLErrors.drain())")
    }

    public func update<D: ContiguousBytes>(_ data: D) { data.withUnsafeBytes { update($0) } }

    public func finalize() throws -> [UInt8] {
        var length = 0
        try OpenSSLErrors.check(EVP_DigestSignFinal(mctx, nil, &length), "signature size")
        var out = [UInt8](repeating: 0, count: length)
        try OpenSSLErrors.check(EVP_DigestSignFinal(mctx, &out, &length), "\(scheme.rawValue) sign")
        return Array(out.prefix(length))
    }
}

/// A streaming verifier: feed the message in pieces, then `verify(signature:)`.
public final class VerificationStream {
    private let mctx: OpaquePointer
    public let scheme: SignatureScheme
    private let key: PublicKey

    public init(key: PublicKey, scheme: SignatureScheme, distinguishingID: [UInt8] = SignatureScheme.sm2DistinguishingID) throws {
        try scheme.requireCompatible(with: key.type)
        self.scheme = scheme
        self.key = key
        self.mctx = try makeSignatureContext(pkey: key.box.pkey, scheme: scheme, signing: false, distinguishingID: distinguishingID)
    }

    deinit { EVP_MD_CTX_free(mctx) }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        precondition(EVP_DigestVerifyUpdate(mctx, base, buffer.count) == 1, "EVP_DigestVerifyUpdate: \(OpenSSLErrors.drain())")
    }

    public func update<D: ContiguousBytes>(_ data: D) { data.withUnsafeBytes { update($0) } }

    /// True only for a valid signature; malformed signatures are simply invalid.
    public func verify(signature: [UInt8]) -> Bool {
        let rc = signature.withUnsafeBytes { EVP_DigestVerifyFinal(mctx, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), $0.count) }
        if rc != 1 { OpenSSLErrors.clear() }
        return rc == 1
    }
}

extension PrivateKey {
    /// Signs `message` with the scheme (default: the key type's preferred scheme).
    public func sign<D: ContiguousBytes>(_ message: D, scheme: SignatureScheme? = nil) throws -> [UInt8] {
        let stream = try SignatureStream(key: self, scheme: scheme)
        stream.update(message)
        return try stream.finalize()
    }
}

extension PublicKey {
    /// Checks a signature; throws only for a scheme that does not fit the key.
    public func isValidSignature<D: ContiguousBytes>(_ signature: [UInt8], for message: D, scheme: SignatureScheme,
                                                     distinguishingID: [UInt8] = SignatureScheme.sm2DistinguishingID) throws -> Bool {
        let stream = try VerificationStream(key: self, scheme: scheme, distinguishingID: distinguishingID)
        stream.update(message)
        return stream.verify(signature: signature)
    }
}
