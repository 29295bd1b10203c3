import Foundation

/// The key schedule of a sealed bid: from the random content key (CEK) and the package id.
///
///     K = HKDF(suite hash, secret = CEK, salt = packageId, info = label, length)
///     NIST: encryption key = K("ebid-sb1 aes-256-gcm key", 32)
///     GM:   encryption key = K("ebid-sb1 sm4-ctr key", 16), MAC key = K("ebid-sb1 hmac-sm3 key", 32)
///     both: key commitment  = K("ebid-sb1 key commitment", 32)
struct PayloadKeys {
    let suite: Suite
    let encryptionKey: [UInt8]
    let macKey: [UInt8]
    let commitment: [UInt8]

    init(contentKey: [UInt8], packageId: [UInt8], suite: Suite) throws {
        guard contentKey.count == SealedBidFormat.contentKeyLength else {
            throw BidCoreError(.sealedContentKeyMismatch, "a content key is \(SealedBidFormat.contentKeyLength) bytes, got \(contentKey.count)")
        }
        func derive(_ label: String, _ length: Int) -> [UInt8] {
            HKDF.derive(hash: suite.hash, secret: contentKey, salt: packageId, info: Array(label.utf8), length: length)
        }
        self.suite = suite
        switch suite {
        case .nist:
            encryptionKey = derive("ebid-sb1 aes-256-gcm key", 32)
            macKey = []
        case .gm:
            encryptionKey = derive("ebid-sb1 sm4-ctr key", 16)
            macKey = derive("ebid-sb1 hmac-sm3 key", 32)
        }
        commitment = derive("ebid-sb1 key commitment", 32)
    }

    /// The context bound into ECIES key wraps of this package.
    static func wrapContext(packageId: [UInt8]) -> [UInt8] { Array("ebid-sb1 wrap".utf8) + packageId }
}

/// Encrypts or decrypts the chunks of one package. Chunk i with final flag f uses the 12-byte
/// nonce 0^7 ‖ u32be(i) ‖ u8(f); every chunk is bound to the header through its digest.
///
/// - NIST: AES-256-GCM(key, nonce, aad = header digest) → ciphertext ‖ 16-byte tag.
/// - GM: SM4-CTR(key, counter block = nonce ‖ 0^4) → ciphertext, then
///   tag = HMAC-SM3(mac key, header digest ‖ counter block ‖ u32be(len) ‖ ciphertext), 32 bytes
///   (encrypt-then-MAC; the tag is checked before anything is decrypted).
///
/// Holds cipher contexts: one instance per thread.
final class ChunkCipher {
    let suite: Suite
    let tagSize: Int
    private let headerDigest: [UInt8]
    private let gcm: AES256GCM?
    private let sm4: SM4CTR?
    private let macKey: [UInt8]

    init(keys: PayloadKeys, headerDigest: [UInt8]) throws {
        suite = keys.suite
        tagSize = SealedBidFormat.tagSize(keys.suite)
        self.headerDigest = headerDigest
        macKey = keys.macKey
        switch keys.suite {
        case .nist:
            gcm = try AES256GCM(key: keys.encryptionKey)
            sm4 = nil
        case .gm:
            gcm = nil
            sm4 = try SM4CTR(key: keys.encryptionKey)
        }
    }

    static func nonce(index: UInt32, final: Bool) -> [UInt8] {
        var nonce = [UInt8](repeating: 0, count: 7)
        nonce.appendUInt32(index)
        nonce.append(final ? 1 : 0)
        return nonce
    }

    /// Encrypts `plaintext` into `record` (plaintext.count + tagSize bytes).
    func seal(index: UInt32, final: Bool, plaintext: UnsafeRawBufferPointer, into record: UnsafeMutableRawBufferPointer) throws {
        precondition(record.count == plaintext.count + tagSize)
        let nonce = Self.nonce(index: index, final: final)
        let body = UnsafeMutableRawBufferPointer(rebasing: record[..<plaintext.count])
        let tagArea = UnsafeMutableRawBufferPointer(rebasing: record[plaintext.count...])
        switch suite {
        case .nist:
            let tag = try gcm!.seal(nonce: nonce, aad: headerDigest, plaintext: plaintext, into: body)
            tag.withUnsafeBytes { tagArea.copyMemory(from: $0) }
        case .gm:
            let counter = nonce + [0, 0, 0, 0]
            try sm4!.apply(iv: counter, input: plaintext, into: body)
            let tag = gmTag(counter: counter, ciphertext: UnsafeRawBufferPointer(body))
            tag.withUnsafeBytes { tagArea.copyMemory(from: $0) }
        }
    }

    /// Authenticates and decrypts `record` (ciphertext ‖ tag) into `plaintext`.
    func open(index: UInt32, final: Bool, record: UnsafeRawBufferPointer, into plaintext: UnsafeMutableRawBufferPointer) throws {
        precondition(plaintext.count == record.count - tagSize)
        let nonce = Self.nonce(index: index, final: final)
        let body = UnsafeRawBufferPointer(rebasing: record[..<plaintext.count])
        let tag = Array(record[plaintext.count...])
        func failure() -> BidCoreError {
            BidCoreError(.sealedChunkAuthenticationFailed,
                         "chunk \(index) failed authentication: it was altered, reordered, swapped from another package, or the content key is wrong")
        }
        switch suite {
        case .nist:
            do { try gcm!.open(nonce: nonce, aad: headerDigest, ciphertext: body, tag: tag, into: plaintext) } catch { throw failure() }
        case .gm:
            let counter = nonce + [0, 0, 0, 0]
            guard constantTimeEqual(gmTag(counter: counter, ciphertext: body), tag) else { throw failure() }
            try sm4!.apply(iv: counter, input: body, into: plaintext)
        }
    }

    private func gmTag(counter: [UInt8], ciphertext: UnsafeRawBufferPointer) -> [UInt8] {
        let mac = HMAC(key: macKey, hash: .sm3)
        mac.update(headerDigest)
        mac.update(counter)
        mac.update([UInt8].uint32(UInt32(ciphertext.count)))
        mac.update(ciphertext)
        return mac.finalize()
    }
}
