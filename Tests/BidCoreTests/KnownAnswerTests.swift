@testable import BidCore
import Foundation
import Testing
import TestSupport

/// Known-answer tests from the published standards, each fed whole and in chunks.
@Suite("Known-answer vectors")
struct KnownAnswerTests {
    struct DigestFile: Decodable {
        struct Vector: Decodable {
            let name: String
            let messageHex: String?
            let messageText: String?
            let repeatText: String?
            let repeatCount: Int?
            let digest: String
            var message: [UInt8] {
                if let messageHex { return hex(messageHex) }
                if let messageText { return Array(messageText.utf8) }
                return Array(String(repeating: repeatText!, count: repeatCount!).utf8)
            }
        }
        let vectors: [Vector]
    }

    @Test("SM3 matches GB/T 32905", arguments: chunkings)
    func sm3(chunkSize: Int?) throws {
        for vector in try loadVectors("sm3", as: DigestFile.self).vectors {
            let digest = StreamingDigest(.sm3)
            feed(vector.message, chunkSize: chunkSize) { digest.update($0) }
            #expect(hexString(digest.finalize()) == vector.digest, "\(vector.name)")
        }
    }

    @Test("SHA-256 matches the FIPS 180 examples", arguments: chunkings)
    func sha256(chunkSize: Int?) throws {
        for vector in try loadVectors("sha256", as: DigestFile.self).vectors {
            // One million bytes in 1-byte pieces is slow and proves nothing more; use 997.
            let size = vector.repeatCount != nil && chunkSize != nil ? 997 : chunkSize
            let digest = StreamingDigest(.sha256)
            feed(vector.message, chunkSize: size) { digest.update($0) }
            #expect(hexString(digest.finalize()) == vector.digest, "\(vector.name)")
        }
    }

    struct SM4File: Decodable {
        struct Block: Decodable { let name, key, plaintext, ciphertext: String; let iterations: Int }
        struct CTR: Decodable { let name, key, iv, plaintext, ciphertext: String }
        let block: [Block]
        let ctr: [CTR]
    }

    @Test("SM4 block examples of GB/T 32907, including one million iterations")
    func sm4Block() throws {
        for vector in try loadVectors("sm4", as: SM4File.self).block {
            let result = try SM4Block.encryptRepeatedly(key: hex(vector.key), block: hex(vector.plaintext), iterations: vector.iterations)
            #expect(hexString(result) == vector.ciphertext, "\(vector.name)")
        }
    }

    @Test("SM4-CTR examples, whole and in chunks", arguments: [nil, 16, 32, 48] as [Int?])
    func sm4CTR(chunkSize: Int?) throws {
        for vector in try loadVectors("sm4", as: SM4File.self).ctr {
            let plaintext = hex(vector.plaintext)
            // CTR can be resumed at a block boundary by advancing the counter block.
            var output: [UInt8] = []
            var blockIndex = 0
            let cipher = try SM4CTR(key: hex(vector.key))
            feed(plaintext, chunkSize: chunkSize) { piece in
                var iv = hex(vector.iv)
                addToCounter(&iv, blockIndex)
                output += try! cipher.apply(iv: iv, piece)
                blockIndex += piece.count / 16
            }
            #expect(hexString(output) == vector.ciphertext, "\(vector.name)")
            #expect(try cipher.apply(iv: hex(vector.iv), hex(vector.ciphertext)) == plaintext)
        }
    }

    private func addToCounter(_ counter: inout [UInt8], _ value: Int) {
        var carry = value
        for index in stride(from: 15, through: 0, by: -1) where carry > 0 {
            let sum = Int(counter[index]) + (carry & 0xff)
            counter[index] = UInt8(sum & 0xff)
            carry = (carry >> 8) + (sum >> 8)
        }
    }

    struct GCMFile: Decodable {
        struct Vector: Decodable { let name, key, iv, aad, plaintext, ciphertext, tag: String }
        let vectors: [Vector]
    }

    @Test("AES-256-GCM matches the GCM specification's test cases, whole and in chunks", arguments: chunkings)
    func aesGCM(chunkSize: Int?) throws {
        for vector in try loadVectors("aes-gcm", as: GCMFile.self).vectors {
            let gcm = try AES256GCM(key: hex(vector.key))
            // Streamed in pieces, both ways.
            var ciphertext: [UInt8] = []
            try gcm.begin(encrypt: true, nonce: hex(vector.iv), aad: hex(vector.aad))
            feed(hex(vector.plaintext), chunkSize: chunkSize) { piece in
                var out = [UInt8](repeating: 0, count: piece.count)
                try! piece.withUnsafeBytes { p in try out.withUnsafeMutableBytes { try gcm.update(p, into: $0) } }
                ciphertext += out
            }
            #expect(hexString(ciphertext) + hexString(try gcm.finishSeal()) == vector.ciphertext + vector.tag, "\(vector.name)")
            var plaintext: [UInt8] = []
            try gcm.begin(encrypt: false, nonce: hex(vector.iv), aad: hex(vector.aad))
            feed(hex(vector.ciphertext), chunkSize: chunkSize) { piece in
                var out = [UInt8](repeating: 0, count: piece.count)
                try! piece.withUnsafeBytes { p in try out.withUnsafeMutableBytes { try gcm.update(p, into: $0) } }
                plaintext += out
            }
            try gcm.finishOpen(tag: hex(vector.tag))
            #expect(hexString(plaintext) == vector.plaintext)
            // Whole.
            let sealed = try gcm.seal(nonce: hex(vector.iv), aad: hex(vector.aad), hex(vector.plaintext))
            #expect(hexString(sealed) == vector.ciphertext + vector.tag, "\(vector.name)")
            #expect(try gcm.open(nonce: hex(vector.iv), aad: hex(vector.aad), sealed) == hex(vector.plaintext))
            var tampered = sealed
            tampered[tampered.count - 1] ^= 1
            #expect(throws: BidCoreError.self) { try gcm.open(nonce: hex(vector.iv), aad: hex(vector.aad), tampered) }
        }
    }

    struct SM2File: Decodable {
        struct Signature: Decodable { let id, message, z, e, r, s: String }
        struct Curve: Decodable { let a, b, gx, gy: String }
        struct Encryption: Decodable { let plaintext, ciphertextDER: String }
        let privateKey, publicKey: String
        let signature: Signature
        let curve: Curve
        let encryption: Encryption
    }

    @Test("SM2 examples of GB/T 32918.5: public key, Z, signature, decryption")
    func sm2() throws {
        let file = try loadVectors("sm2", as: SM2File.self)
        let key = try PrivateKey.fromECScalar(hex(file.privateKey), type: .sm2)
        #expect(key.type == .sm2)
        #expect(hexString(try key.publicKey.ecPublicPoint()) == file.publicKey)

        // Z = SM3(ENTL ‖ ID ‖ a ‖ b ‖ xG ‖ yG ‖ xA ‖ yA), e = SM3(Z ‖ M): our SM3 against the example.
        let id = Array(file.signature.id.utf8)
        let point = hex(file.publicKey)
        var zInput: [UInt8] = [UInt8(id.count * 8 >> 8), UInt8(id.count * 8 & 0xff)] + id
        zInput += hex(file.curve.a) + hex(file.curve.b) + hex(file.curve.gx) + hex(file.curve.gy) + Array(point.dropFirst())
        let z = StreamingDigest.hash(zInput, using: .sm3)
        #expect(hexString(z) == file.signature.z)
        #expect(hexString(StreamingDigest.hash(z + Array(file.signature.message.utf8), using: .sm3)) == file.signature.e)

        let signature = DER.ecdsaSignature(r: hex(file.signature.r), s: hex(file.signature.s))
        let message = Array(file.signature.message.utf8)
        for chunkSize in chunkings {
            let verifier = try VerificationStream(key: key.publicKey, scheme: .sm2WithSM3)
            feed(message, chunkSize: chunkSize) { verifier.update($0) }
            #expect(verifier.verify(signature: signature))
        }
        #expect(try !key.publicKey.isValidSignature(signature, for: Array("message digesT".utf8), scheme: .sm2WithSM3))
        #expect(try !key.publicKey.isValidSignature(signature, for: message, scheme: .sm2WithSM3, distinguishingID: Array("ALICE123@YAHOO.COM".utf8)))

        let plaintext = try KeyWrap.unwrap(hex(file.encryption.ciphertextDER), algorithm: .sm2, with: key, context: [])
        #expect(String(decoding: plaintext, as: UTF8.self) == file.encryption.plaintext)
    }

    struct ECDSAFile: Decodable {
        struct Vector: Decodable { let message, r, s: String }
        let privateKey, publicKey: String
        let vectors: [Vector]
    }

    @Test("ECDSA P-256 signatures of RFC 6979 verify; altered ones do not")
    func ecdsaP256() throws {
        let file = try loadVectors("ecdsa-p256", as: ECDSAFile.self)
        let key = try PrivateKey.fromECScalar(hex(file.privateKey), type: .p256)
        #expect(hexString(try key.publicKey.ecPublicPoint()) == file.publicKey)
        for vector in file.vectors {
            let signature = DER.ecdsaSignature(r: hex(vector.r), s: hex(vector.s))
            for chunkSize in chunkings {
                let verifier = try VerificationStream(key: key.publicKey, scheme: .ecdsaP256SHA256)
                feed(Array(vector.message.utf8), chunkSize: chunkSize) { verifier.update($0) }
                #expect(verifier.verify(signature: signature), "\(vector.message)")
            }
            var altered = hex(vector.s)
            altered[31] ^= 1
            #expect(try !key.publicKey.isValidSignature(DER.ecdsaSignature(r: hex(vector.r), s: altered), for: Array(vector.message.utf8), scheme: .ecdsaP256SHA256))
        }
    }

    struct HKDFFile: Decodable {
        struct Vector: Decodable { let ikm, salt, info, okm: String; let length: Int }
        let vectors: [Vector]
    }

    @Test("HKDF-SHA256 matches RFC 5869")
    func hkdf() throws {
        for vector in try loadVectors("hkdf", as: HKDFFile.self).vectors {
            let okm = HKDF.derive(hash: .sha256, secret: hex(vector.ikm), salt: hex(vector.salt), info: hex(vector.info), length: vector.length)
            #expect(hexString(okm) == vector.okm)
        }
    }
}
