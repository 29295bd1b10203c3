import Foundation

/// The sealed bid (投标文件密封包), version 1. The byte layout is specified in
/// docs/sealed-bid-format.md; this file holds its constants and the header.
///
///     magic "EBIDSB01" ‖ u32 H ‖ header (H bytes JSON) ‖ u32 S1 ‖ header signature
///     ‖ chunk records (u32 final-flag|length ‖ ciphertext ‖ tag)… ‖ u32 S2 ‖ final signature
public enum SealedBidFormat {
    public static let magic = Array("EBIDSB01".utf8)
    public static let plaintextMagic = Array("EBIDPT01".utf8)
    public static let maxHeaderLength = 1 << 20
    public static let maxSignatureLength = 1024
    public static let minChunkSize = 4096
    public static let maxChunkSize = 16 << 20
    public static let defaultChunkSize = 1 << 20
    public static let maxParts = 64
    public static let maxManifestLength = 4 << 20
    public static let contentKeyLength = 32
    public static let packageIdLength = 16
    /// Bit 31 of a chunk record's length word marks the final chunk.
    static let finalFlag: UInt32 = 0x8000_0000

    public static func tagSize(_ suite: Suite) -> Int { suite == .gm ? 32 : AES256GCM.tagSize }
}

/// Who a wrapped content key is for.
public enum RecipientRole: String, Codable, Sendable {
    /// The bidder's own encryption certificate: remote decryption by the bidder (远程解密).
    case bidder
    /// The tender's opening key, held as threshold shares by the opening officials.
    case opening
}

/// The header: everything needed to check the package without decrypting it.
public struct SealedBidHeader: Codable, Sendable, Equatable {
    public struct Signer: Codable, Sendable, Equatable {
        /// The signer's certificate, base64 DER.
        public var certificate: String
        /// Intermediate CA certificates, base64 DER, leaf-most first (may be empty).
        public var chain: [String]
        public var scheme: SignatureScheme
    }

    public struct Recipient: Codable, Sendable, Equatable {
        public var role: RecipientRole
        /// Suite hash of the recipient public key's DER SubjectPublicKeyInfo, hex.
        public var keyId: String
        public var algorithm: KeyWrapAlgorithm
        /// The content key, wrapped to the recipient, base64.
        public var wrappedKey: String
    }

    public var format = "ebid-sealed-bid"
    public var version = 1
    public var suite: Suite
    /// 16 random bytes, hex: names the package and salts its key schedule.
    public var packageId: String
    public var tenderId: String
    /// 标段 (lot/section) of the tender the bid is for.
    public var section: String
    public var createdAt: Date
    /// Plaintext bytes per chunk (every chunk but the last is exactly this long).
    public var chunkSize: Int
    public var signer: Signer
    public var recipients: [Recipient]
    /// Key commitment: HKDF(content key, "ebid-sb1 key commitment"), hex. Only the true content key
    /// matches, so no two recipients can be given different keys that both "work".
    public var keyCommitment: String

    public var packageIdBytes: [UInt8] { Hex.decode(packageId) ?? [] }

    public func signerCertificate() throws -> Certificate {
        guard let der = Data(base64Encoded: signer.certificate) else {
            throw BidCoreError(.sealedHeaderMalformed, "signer certificate is not base64")
        }
        do { return try Certificate(der: [UInt8](der)) } catch {
            throw BidCoreError(.sealedHeaderMalformed, "signer certificate does not parse")
        }
    }

    public func signerChain() throws -> [Certificate] {
        try signer.chain.map { item in
            guard let der = Data(base64Encoded: item), let certificate = try? Certificate(der: [UInt8](der)) else {
                throw BidCoreError(.sealedHeaderMalformed, "a chain certificate does not parse")
            }
            return certificate
        }
    }

    /// The recipient entry for a key, by key id.
    public func recipient(for key: PublicKey) -> Recipient? {
        let id = key.keyID(suite.hash)
        return recipients.first { $0.keyId == id }
    }

    /// Checks everything that can be checked without keys or certificates' trust.
    public func validate() throws {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.sealedHeaderMalformed, reason) }
        guard format == "ebid-sealed-bid" else { throw fail("format is \(format), expected ebid-sealed-bid") }
        guard version == 1 else { throw BidCoreError(.sealedUnsupportedVersion, "sealed bid version \(version) is not supported (1 is)") }
        guard packageIdBytes.count == SealedBidFormat.packageIdLength, packageId == packageId.lowercased() else {
            throw fail("packageId must be 32 lower-case hex characters")
        }
        try SealedBidHeader.validateIdentifier(tenderId, what: "tenderId", maxLength: 128)
        try SealedBidHeader.validateIdentifier(section, what: "section", maxLength: 64)
        guard (SealedBidFormat.minChunkSize...SealedBidFormat.maxChunkSize).contains(chunkSize) else {
            throw fail("chunkSize \(chunkSize) is outside \(SealedBidFormat.minChunkSize)…\(SealedBidFormat.maxChunkSize)")
        }
        guard suite.signatureSchemes.contains(signer.scheme) else {
            throw fail("\(signer.scheme.rawValue) signatures are not part of the \(suite.rawValue) suite")
        }
        guard signer.chain.count <= 4 else { throw fail("at most 4 chain certificates") }
        guard (1...16).contains(recipients.count) else { throw fail("a package needs 1 to 16 recipients, has \(recipients.count)") }
        guard Set(recipients.map(\.keyId)).count == recipients.count else { throw fail("two recipients share a key id") }
        for recipient in recipients {
            guard Hex.decode(recipient.keyId)?.count == 32 else { throw fail("recipient keyId must be 64 hex characters") }
            let allowed: [KeyWrapAlgorithm] = suite == .gm ? [.sm2] : [.eciesP256, .rsaOAEP]
            guard allowed.contains(recipient.algorithm) else {
                throw fail("\(recipient.algorithm.rawValue) key wrap is not part of the \(suite.rawValue) suite")
            }
            guard let wrapped = Data(base64Encoded: recipient.wrappedKey), (1...1024).contains(wrapped.count) else {
                throw fail("wrapped key for \(recipient.keyId.prefix(16))… is not base64 of 1…1024 bytes")
            }
        }
        guard Hex.decode(keyCommitment)?.count == 32 else { throw fail("keyCommitment must be 64 hex characters") }
    }

    /// Identifiers (tender id, section) are printable, without path or control characters.
    public static func validateIdentifier(_ value: String, what: String, maxLength: Int) throws {
        guard !value.isEmpty, value.count <= maxLength,
              value.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) && $0 != "/" && $0 != "\\" }),
              value == value.trimmingCharacters(in: .whitespaces) else {
            throw BidCoreError(.sealedHeaderMalformed, "\(what) must be 1…\(maxLength) printable characters without slashes")
        }
    }
}

extension BidCoreError.Code {
    public static let notASealedBid: Self = "sealed.not-a-sealed-bid"
    public static let sealedUnsupportedVersion: Self = "sealed.unsupported-version"
    public static let sealedHeaderMalformed: Self = "sealed.header-malformed"
    public static let sealedHeaderSignatureInvalid: Self = "sealed.header-signature-invalid"
    public static let sealedFramingInvalid: Self = "sealed.framing-invalid"
    public static let sealedTruncated: Self = "sealed.truncated"
    public static let sealedTrailingData: Self = "sealed.trailing-data"
    public static let sealedSignatureInvalid: Self = "sealed.signature-invalid"
    public static let sealedChunkAuthenticationFailed: Self = "sealed.chunk-authentication-failed"
    public static let sealedWrongTender: Self = "sealed.wrong-tender"
    public static let sealedNoRecipient: Self = "sealed.no-matching-recipient"
    public static let sealedContentKeyMismatch: Self = "sealed.content-key-mismatch"
    public static let sealedPlaintextMalformed: Self = "sealed.plaintext-malformed"
    public static let sealedManifestMalformed: Self = "sealed.manifest-malformed"
    public static let sealedInnerSignatureInvalid: Self = "sealed.inner-signature-invalid"
    public static let sealedSignerMismatch: Self = "sealed.signer-mismatch"
    public static let sealedManifestMismatch: Self = "sealed.manifest-mismatch"
    public static let sealedPartDigestMismatch: Self = "sealed.part-digest-mismatch"
    public static let sealedPartChanged: Self = "sealed.part-changed"
}
