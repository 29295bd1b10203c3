internal import COpenSSL
import Foundation

/// AES-256-GCM with a 12-byte nonce and a 16-byte tag. One instance keeps one cipher context and
/// is re-keyed per nonce, so a chunked stream pays the set-up cost once. Not thread-safe: use one
/// instance per thread.
public final class AES256GCM {
    public static let tagSize = 16
    public static let nonceSize = 12
    private let ctx: OpaquePointer
    private var encryptKeyed = false
    private var decryptKeyed = false
    private var encrypting = true
    private let key: [UInt8]

    public init(key: [UInt8]) throws {
        guard key.count == 32 else { throw BidCoreError(.invalidInput, "AES-256-GCM needs a 32-byte key, got \(key.count)") }
        guard let ctx = EVP_CIPHER_CTX_new() else { fatalError("EVP_CIPHER_CTX_new: out of memory") }
        self.ctx = ctx
        self.key = key
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    /// Encrypts `plaintext` into `output` (same length) and returns the tag.
    public func seal(nonce: [UInt8], aad: [UInt8], plaintext: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> [UInt8] {
        precondition(output.count >= plaintext.count)
        try begin(encrypt: true, nonce: nonce, aad: aad)
        try update(plaintext, into: output)
        return try finishSeal()
    }

    /// Decrypts and authenticates; the output is meaningful only when this returns without throwing.
    public func open(nonce: [UInt8], aad: [UInt8], ciphertext: UnsafeRawBufferPointer, tag: [UInt8], into output: UnsafeMutableRawBufferPointer) throws {
        precondition(output.count >= ciphertext.count)
        try begin(encrypt: false, nonce: nonce, aad: aad)
        try update(ciphertext, into: output)
        try finishOpen(tag: tag)
    }

    /// Starts a message: the key is set once per context, then only the nonce changes.
    public func begin(encrypt: Bool, nonce: [UInt8], aad: [UInt8]) throws {
        guard nonce.count == Self.nonceSize else { throw BidCoreError(.invalidInput, "GCM nonce must be 12 bytes") }
        let keyed = encrypt ? encryptKeyed : decryptKeyed
        let keyBytes: [UInt8]? = keyed ? nil : key
        let rc = withOptionalBytes(keyBytes) { k in
            nonce.withUnsafeBytes { n -> Int32 in
                let iv = n.baseAddress?.assumingMemoryBound(to: UInt8.self)
                let cipher = keyed ? nil : Algorithms.aes256gcm
                return encrypt ? EVP_EncryptInit_ex2(ctx, cipher, k, iv, nil) : EVP_DecryptInit_ex2(ctx, cipher, k, iv, nil)
            }
        }
        try OpenSSLErrors.check(rc, "AES-GCM init")
        encryptKeyed = encrypt
        decryptKeyed = !encrypt
        encrypting = encrypt
        guard !aad.isEmpty else { return }
        var outLength: Int32 = 0
        let aadRC = aad.withUnsafeBytes { a -> Int32 in
            let pointer = a.baseAddress?.assumingMemoryBound(to: UInt8.self)
            return encrypt ? EVP_EncryptUpdate(ctx, nil, &outLength, pointer, Int32(a.count)) : EVP_DecryptUpdate(ctx, nil, &outLength, pointer, Int32(a.count))
        }
        try OpenSSLErrors.check(aadRC, "AES-GCM aad")
    }

    /// Processes the next piece of the message (any length); output has the input's length.
    public func update(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        guard input.count > 0 else { return }
        precondition(output.count >= input.count)
        var outLength: Int32 = 0
        let out = output.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let inp = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        let rc = encrypting ? EVP_EncryptUpdate(ctx, out, &outLength, inp, Int32(input.count)) : EVP_DecryptUpdate(ctx, out, &outLength, inp, Int32(input.count))
        try OpenSSLErrors.check(rc, "AES-GCM update")
    }

    /// Ends an encryption and returns the tag.
    public func finishSeal() throws -> [UInt8] {
        var finalLength: Int32 = 0
        try OpenSSLErrors.check(EVP_EncryptFinal_ex(ctx, nil, &finalLength), "AES-GCM final")
        var tag = [UInt8](repeating: 0, count: Self.tagSize)
        try OpenSSLErrors.check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, Int32(Self.tagSize), &tag), "AES-GCM get tag")
        return tag
    }

    /// Ends a decryption: throws unless the tag matches.
    public func finishOpen(tag: [UInt8]) throws {
        guard tag.count == Self.tagSize else { throw BidCoreError(.invalidInput, "GCM tag must be 16 bytes") }
        var tagCopy = tag
        try OpenSSLErrors.check(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagSize), &tagCopy), "AES-GCM set tag")
        var finalLength: Int32 = 0
        guard EVP_DecryptFinal_ex(ctx, nil, &finalLength) == 1 else {
            OpenSSLErrors.clear()
            throw BidCoreError(.authenticationFailed, "AES-GCM tag does not match")
        }
    }

    /// Convenience for small inputs: returns ciphertext || tag.
    public func seal(nonce: [UInt8], aad: [UInt8] = [], _ plaintext: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: plaintext.count)
        let tag = try plaintext.withUnsafeBytes { p in try out.withUnsafeMutableBytes { try seal(nonce: nonce, aad: aad, plaintext: p, into: $0) } }
        return out + tag
    }

    /// Convenience for small inputs: takes ciphertext || tag.
    public func open(nonce: [UInt8], aad: [UInt8] = [], _ sealed: [UInt8]) throws -> [UInt8] {
        guard sealed.count >= Self.tagSize else { throw BidCoreError(.authenticationFailed, "ciphertext shorter than the tag") }
        let body = Array(sealed.dropLast(Self.tagSize))
        let tag = Array(sealed.suffix(Self.tagSize))
        var out = [UInt8](repeating: 0, count: body.count)
        try body.withUnsafeBytes { c in try out.withUnsafeMutableBytes { try open(nonce: nonce, aad: aad, ciphertext: c, tag: tag, into: $0) } }
        return out
    }
}

/// SM4 (GB/T 32907) in CTR mode with a 16-byte initial counter block; the counter block is
/// incremented as a 128-bit big-endian integer, as OpenSSL does. Encryption and decryption are the
/// same operation. Not thread-safe: one instance per thread.
public final class SM4CTR {
    private let ctx: OpaquePointer
    private let key: [UInt8]
    private var keyed = false

    public init(key: [UInt8]) throws {
        guard key.count == 16 else { throw BidCoreError(.invalidInput, "SM4 needs a 16-byte key, got \(key.count)") }
        guard let ctx = EVP_CIPHER_CTX_new() else { fatalError("EVP_CIPHER_CTX_new: out of memory") }
        self.ctx = ctx
        self.key = key
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    public func apply(iv: [UInt8], input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws {
        precondition(output.count >= input.count)
        guard iv.count == 16 else { throw BidCoreError(.invalidInput, "SM4-CTR counter block must be 16 bytes") }
        let keyBytes: [UInt8]? = keyed ? nil : key
        let rc = withOptionalBytes(keyBytes) { k in
            iv.withUnsafeBytes { EVP_EncryptInit_ex2(ctx, keyed ? nil : Algorithms.sm4ctr, k, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), nil) }
        }
        try OpenSSLErrors.check(rc, "SM4-CTR init")
        keyed = true
        guard input.count > 0 else { return }
        var outLength: Int32 = 0
        try OpenSSLErrors.check(EVP_EncryptUpdate(ctx, output.baseAddress?.assumingMemoryBound(to: UInt8.self), &outLength,
                                                  input.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(input.count)), "SM4-CTR update")
    }

    public func apply(iv: [UInt8], _ input: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: input.count)
        try input.withUnsafeBytes { i in try out.withUnsafeMutableBytes { try apply(iv: iv, input: i, into: $0) } }
        return out
    }
}

/// Raw SM4 block encryption (ECB, no padding). Used only for the GB/T 32907 known-answer tests.
public enum SM4Block {
    /// Encrypts one block `iterations` times in a row (GB/T 32907 example 2 uses 1,000,000).
    public static func encryptRepeatedly(key: [UInt8], block: [UInt8], iterations: Int) throws -> [UInt8] {
        guard key.count == 16, block.count == 16, iterations >= 1 else { throw BidCoreError(.invalidInput, "SM4 needs a 16-byte key and block") }
        guard let ctx = EVP_CIPHER_CTX_new() else { fatalError("EVP_CIPHER_CTX_new: out of memory") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        try OpenSSLErrors.check(key.withUnsafeBytes { EVP_EncryptInit_ex2(ctx, Algorithms.sm4ecb, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), nil, nil) }, "SM4-ECB init")
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        var current = block
        var next = [UInt8](repeating: 0, count: 16)
        var length: Int32 = 0
        for _ in 0..<iterations {
            try OpenSSLErrors.check(EVP_EncryptUpdate(ctx, &next, &length, current, 16), "SM4-ECB update")
            swap(&current, &next)
        }
        return current
    }

    public static func encrypt(key: [UInt8], blocks: [UInt8]) throws -> [UInt8] {
        guard key.count == 16, blocks.count % 16 == 0 else { throw BidCoreError(.invalidInput, "SM4-ECB needs a 16-byte key and whole blocks") }
        guard let ctx = EVP_CIPHER_CTX_new() else { fatalError("EVP_CIPHER_CTX_new: out of memory") }
        defer { EVP_CIPHER_CTX_free(ctx) }
        try OpenSSLErrors.check(key.withUnsafeBytes { EVP_EncryptInit_ex2(ctx, Algorithms.sm4ecb, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), nil, nil) }, "SM4-ECB init")
        EVP_CIPHER_CTX_set_padding(ctx, 0)
        var out = [UInt8](repeating: 0, count: blocks.count)
        var length: Int32 = 0
        try OpenSSLErrors.check(blocks.withUnsafeBytes { b in out.withUnsafeMutableBytes { EVP_EncryptUpdate(ctx, $0.baseAddress?.assumingMemoryBound(to: UInt8.self), &length, b.baseAddress?.assumingMemoryBound(to: UInt8.self), Int32(b.count)) } }, "SM4-ECB update")
        return out
    }
}

@inline(__always)
func withOptionalBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafePointer<UInt8>?) throws -> R) rethrows -> R {
    guard let bytes else { return try body(nil) }
    return try bytes.withUnsafeBufferPointer { try body($0.baseAddress) }
}
