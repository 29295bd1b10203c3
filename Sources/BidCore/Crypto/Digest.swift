internal import COpenSSL
import Foundation

/// The hash functions of the two suites: SM3 (GB/T 32905) and SHA-256 (FIPS 180-4).
public enum HashAlgorithm: String, Sendable, Codable, CaseIterable {
    case sm3 = "SM3"
    case sha256 = "SHA256"

    public var outputSize: Int { 32 }

    /// Label used in digest strings such as `sm3:66c7…`.
    public var label: String { self == .sm3 ? "sm3" : "sha256" }

    var md: OpaquePointer { self == .sm3 ? Algorithms.sm3 : Algorithms.sha256 }

    /// The OpenSSL name as a static C string (safe to keep in an OSSL_PARAM).
    var staticName: UnsafePointer<CChar> { self == .sm3 ? ebid_name_sm3() : ebid_name_sha256() }
}

/// A streaming digest. Feed it any number of buffers, then `finalize()` once.
///
/// A reference type on purpose: it is a stateful stream, and copies must not fork that state.
public final class StreamingDigest {
    public let algorithm: HashAlgorithm
    private let ctx: OpaquePointer
    private var finished = false

    public init(_ algorithm: HashAlgorithm) {
        self.algorithm = algorithm
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        self.ctx = ctx
        // Init can only fail for an unusable EVP_MD, which Algorithms guarantees against.
        precondition(EVP_DigestInit_ex2(ctx, algorithm.md, nil) == 1, "EVP_DigestInit_ex2: \(OpenSSLErrors.drain())")
    }

    deinit { EVP_MD_CTX_free(ctx) }

    private init(copying other: StreamingDigest) {
        algorithm = other.algorithm
        guard let ctx = EVP_MD_CTX_new() else { fatalError("EVP_MD_CTX_new: out of memory") }
        precondition(EVP_MD_CTX_copy_ex(ctx, other.ctx) == 1, "EVP_MD_CTX_copy_ex: \(OpenSSLErrors.drain())")
        self.ctx = ctx
    }

    /// An independent digest in the same state: finalize one, keep feeding the other (one pass
    /// gives the digest of a prefix and of the whole).
    public func copy() -> StreamingDigest {
        precondition(!finished, "digest already finalized")
        return StreamingDigest(copying: self)
    }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        precondition(!finished, "digest already finalized")
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        precondition(EVP_DigestUpdate(ctx, base, buffer.count) == 1, "EVP_DigestUpdate: \(OpenSSLErrors.drain())")
    }

    public func update<D: ContiguousBytes>(_ data: D) {
        data.withUnsafeBytes { update($0) }
    }

    public func finalize() -> [UInt8] {
        precondition(!finished, "digest already finalized")
        finished = true
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        precondition(EVP_DigestFinal_ex(ctx, &out, &length) == 1, "EVP_DigestFinal_ex: \(OpenSSLErrors.drain())")
        return Array(out.prefix(Int(length)))
    }

    /// One-shot digest.
    public static func hash<D: ContiguousBytes>(_ data: D, using algorithm: HashAlgorithm) -> [UInt8] {
        let digest = StreamingDigest(algorithm)
        digest.update(data)
        return digest.finalize()
    }
}

/// HMAC (RFC 2104) over SM3 or SHA-256, streaming.
public final class HMAC {
    private let ctx: OpaquePointer

    public init(key: [UInt8], hash: HashAlgorithm) {
        guard let ctx = EVP_MAC_CTX_new(Algorithms.hmac) else { fatalError("EVP_MAC_CTX_new: out of memory") }
        self.ctx = ctx
        var params = [
            OSSL_PARAM_construct_utf8_string(ebid_param_digest(), UnsafeMutablePointer(mutating: hash.staticName), 0),
            OSSL_PARAM_construct_end(),
        ]
        let rc = key.withUnsafeBytes { keyBytes in
            EVP_MAC_init(ctx, keyBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), keyBytes.count, &params)
        }
        precondition(rc == 1, "EVP_MAC_init: \(OpenSSLErrors.drain())")
    }

    deinit { EVP_MAC_CTX_free(ctx) }

    public func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        precondition(EVP_MAC_update(ctx, base.assumingMemoryBound(to: UInt8.self), buffer.count) == 1,
                     "EVP_MAC_update: \(OpenSSLErrors.drain())")
    }

    public func update<D: ContiguousBytes>(_ data: D) {
        data.withUnsafeBytes { update($0) }
    }

    public func finalize() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 64)
        var length = 0
        precondition(EVP_MAC_final(ctx, &out, &length, out.count) == 1, "EVP_MAC_final: \(OpenSSLErrors.drain())")
        return Array(out.prefix(length))
    }

    public static func authenticate<D: ContiguousBytes>(_ data: D, key: [UInt8], hash: HashAlgorithm) -> [UInt8] {
        let mac = HMAC(key: key, hash: hash)
        mac.update(data)
        return mac.finalize()
    }
}

/// HKDF (RFC 5869), extract-then-expand, over SM3 or SHA-256.
public enum HKDF {
    public static func derive(hash: HashAlgorithm, secret: [UInt8], salt: [UInt8], info: [UInt8], length: Int) -> [UInt8] {
        guard let ctx = EVP_KDF_CTX_new(Algorithms.hkdf) else { fatalError("EVP_KDF_CTX_new: out of memory") }
        defer { EVP_KDF_CTX_free(ctx) }
        var out = [UInt8](repeating: 0, count: length)
        var secret = secret, salt = salt, info = info
        var saltIsEmpty = false, infoIsEmpty = false
        // Empty salt or info still needs a valid pointer; a one-byte buffer with length 0 gives one.
        if salt.isEmpty { salt = [0] ; saltIsEmpty = true }
        if info.isEmpty { info = [0] ; infoIsEmpty = true }
        let rc = secret.withUnsafeMutableBytes { s in
            salt.withUnsafeMutableBytes { sa in
                info.withUnsafeMutableBytes { i in
                    var params = [
                        OSSL_PARAM_construct_utf8_string(ebid_param_digest(), UnsafeMutablePointer(mutating: hash.staticName), 0),
                        OSSL_PARAM_construct_octet_string(ebid_param_kdf_key(), s.baseAddress, s.count),
                        OSSL_PARAM_construct_octet_string(ebid_param_kdf_salt(), sa.baseAddress, saltIsEmpty ? 0 : sa.count),
                        OSSL_PARAM_construct_octet_string(ebid_param_kdf_info(), i.baseAddress, infoIsEmpty ? 0 : i.count),
                        OSSL_PARAM_construct_end(),
                    ]
                    return out.withUnsafeMutableBytes { EVP_KDF_derive(ctx, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), length, &params) }
                }
            }
        }
        precondition(rc == 1, "EVP_KDF_derive: \(OpenSSLErrors.drain())")
        wipe(&secret)
        return out
    }
}
