internal import COpenSSL
import Foundation

/// Thin access to OpenSSL's error queue (kept here so `BidCoreError.swift` needs no C import).
enum ERRQueue {
    static func next() -> UInt {
        var file: UnsafePointer<CChar>?
        var line: Int32 = 0
        var function: UnsafePointer<CChar>?
        var data: UnsafePointer<CChar>?
        var flags: Int32 = 0
        return UInt(ERR_get_error_all(&file, &line, &function, &data, &flags))
    }

    static func describe(_ code: UInt) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        ERR_error_string_n(numericCast(code), &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Algorithm objects fetched once. EVP_MD / EVP_CIPHER / EVP_MAC objects returned by the fetch
/// functions are immutable and documented as safe to share between threads, so caching them in
/// globals is sound; `nonisolated(unsafe)` only tells Swift what OpenSSL already guarantees.
enum Algorithms {
    nonisolated(unsafe) static let sm3: OpaquePointer = fetchMD("SM3")
    nonisolated(unsafe) static let sha256: OpaquePointer = fetchMD("SHA256")
    nonisolated(unsafe) static let aes256gcm: OpaquePointer = fetchCipher("AES-256-GCM")
    nonisolated(unsafe) static let sm4ctr: OpaquePointer = fetchCipher("SM4-CTR")
    nonisolated(unsafe) static let sm4ecb: OpaquePointer = fetchCipher("SM4-ECB")
    nonisolated(unsafe) static let hmac: OpaquePointer = {
        guard let mac = EVP_MAC_fetch(nil, "HMAC", nil) else { fatalError("OpenSSL lacks HMAC: \(OpenSSLErrors.drain())") }
        return mac
    }()
    nonisolated(unsafe) static let hkdf: OpaquePointer = {
        guard let kdf = EVP_KDF_fetch(nil, "HKDF", nil) else { fatalError("OpenSSL lacks HKDF: \(OpenSSLErrors.drain())") }
        return kdf
    }()

    private static func fetchMD(_ name: String) -> OpaquePointer {
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            fatalError("OpenSSL lacks digest \(name): \(OpenSSLErrors.drain())")
        }
        return md
    }

    private static func fetchCipher(_ name: String) -> OpaquePointer {
        guard let cipher = EVP_CIPHER_fetch(nil, name, nil) else {
            fatalError("OpenSSL lacks cipher \(name): \(OpenSSLErrors.drain())")
        }
        return cipher
    }
}

/// Owns a memory BIO; frees it on deinit.
final class MemoryBIO {
    let bio: OpaquePointer

    init() throws {
        guard let bio = BIO_new(BIO_s_mem()) else { throw OpenSSLErrors.failure(.openssl, "BIO_new") }
        self.bio = bio
    }

    init(_ bytes: [UInt8]) throws {
        guard let bio = bytes.withUnsafeBytes({ BIO_new_mem_buf($0.baseAddress, Int32($0.count)) }) else {
            throw OpenSSLErrors.failure(.openssl, "BIO_new_mem_buf")
        }
        // BIO_new_mem_buf does not copy: keep a copy alive for the BIO's lifetime.
        self.retained = bytes
        self.bio = bio
    }

    private var retained: [UInt8] = []

    deinit { BIO_free(bio) }

    var contents: [UInt8] {
        var pointer: UnsafePointer<CChar>?
        let count = ebid_bio_get_mem_data(bio, &pointer)
        guard count > 0, let pointer else { return [] }
        return pointer.withMemoryRebound(to: UInt8.self, capacity: count) { Array(UnsafeBufferPointer(start: $0, count: count)) }
    }

    var string: String { String(decoding: contents, as: UTF8.self) }
}

/// Calls an `i2d_*` function twice (size, then bytes) and returns the DER.
func encodeDER(_ what: String, _ body: (UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>?) -> Int32) throws -> [UInt8] {
    let length = body(nil)
    guard length > 0 else { throw OpenSSLErrors.failure(.openssl, what) }
    var out = [UInt8](repeating: 0, count: Int(length))
    let written = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
        var cursor: UnsafeMutablePointer<UInt8>? = buffer.baseAddress
        return body(&cursor)
    }
    guard written == length else { throw OpenSSLErrors.failure(.openssl, what) }
    return out
}

/// Secure random bytes from OpenSSL's DRBG.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        guard count > 0 else { return out }
        let rc = out.withUnsafeMutableBytes { RAND_bytes($0.baseAddress!.assumingMemoryBound(to: UInt8.self), Int32(count)) }
        // RAND_bytes fails only when the DRBG cannot be seeded: no safe way to continue.
        precondition(rc == 1, "RAND_bytes failed: \(OpenSSLErrors.drain())")
        return out
    }
}

/// Constant-time comparison of two byte strings of equal length (CRYPTO_memcmp); lengths are public.
public func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in CRYPTO_memcmp(pa.baseAddress, pb.baseAddress, a.count) == 0 } }
}

/// Overwrites a secret in place before it is released (OPENSSL_cleanse: not optimised away).
public func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { if let base = $0.baseAddress { OPENSSL_cleanse(base, $0.count) } }
}
