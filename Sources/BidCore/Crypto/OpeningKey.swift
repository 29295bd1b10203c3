import Foundation

/// The tender's opening key (开标密钥): a key pair made at a key ceremony on an official's machine.
/// The private key is split k-of-n with Shamir's scheme and each share is encrypted to one opening
/// official's certificate; the file holds only the public key and the encrypted shares, so it can
/// be uploaded with the tender. Before the deadline nobody holds enough to decrypt a bid.
///
/// File format (JSON, `ebid-opening-key` version 1): see docs/sealed-bid-format.md.
public struct OpeningKeyFile: Codable, Sendable, Equatable {
    public struct Official: Codable, Sendable, Equatable {
        /// Share number, the Shamir x coordinate (1…n).
        public var index: Int
        /// Subject of the official's certificate, for display.
        public var subject: String
        /// SHA-256 of the official's certificate (DER), hex.
        public var certificateFingerprint: String
        /// The official's certificate, base64 DER.
        public var certificate: String
        public var algorithm: KeyWrapAlgorithm
        /// The share, encrypted to the official's certificate, base64.
        public var encryptedShare: String
        /// Suite hash of "ebid-share1" ‖ keyId ‖ x ‖ y, hex: lets the service check a handed-in
        /// share on its own, without learning anything about it.
        public var shareDigest: String
    }

    public var format = "ebid-opening-key"
    public var version = 1
    public var suite: Suite
    /// Suite hash of the public key's DER SubjectPublicKeyInfo, hex.
    public var keyId: String
    /// The opening public key, PEM (SubjectPublicKeyInfo).
    public var publicKey: String
    public var threshold: Int
    public var createdAt: Date
    public var officials: [Official]

    public var openingPublicKey: PublicKey {
        get throws { try PublicKey(pem: publicKey) }
    }

    /// Reads and checks an opening key file.
    public static func load(_ data: Data) throws -> OpeningKeyFile {
        let file: OpeningKeyFile
        do {
            file = try JSONDecoder.ebid.decode(OpeningKeyFile.self, from: data)
        } catch {
            throw BidCoreError(.openingKeyMalformed, "not an ebid opening key file: \(error)")
        }
        try file.validate()
        return file
    }

    public static func load(file path: String) throws -> OpeningKeyFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BidCoreError(.invalidInput, "cannot read opening key file \(path)")
        }
        return try load(data)
    }

    public func encoded() throws -> Data { try JSONEncoder.ebid.encode(self) }

    /// Structural checks: format, suite ↔ key type, key id, threshold, distinct share numbers.
    public func validate() throws {
        guard format == "ebid-opening-key", version == 1 else {
            throw BidCoreError(.openingKeyMalformed, "unsupported opening key format \(format) v\(version)")
        }
        let key = try openingPublicKey
        guard key.type != .rsa, key.type.suite == suite else {
            throw BidCoreError(.openingKeyMalformed, "a \(suite.rawValue) opening key must be \(suite == .gm ? "SM2" : "P-256"), got \(key.type.rawValue)")
        }
        guard key.keyID(suite.hash) == keyId else {
            throw BidCoreError(.openingKeyMalformed, "keyId does not match the public key")
        }
        guard threshold >= 2, threshold <= officials.count else {
            throw BidCoreError(.openingKeyMalformed, "threshold \(threshold) does not fit \(officials.count) officials")
        }
        let indices = officials.map(\.index)
        guard Set(indices).count == indices.count, indices.allSatisfy({ (1...255).contains($0) }) else {
            throw BidCoreError(.openingKeyMalformed, "share numbers must be distinct, 1…255")
        }
        guard Set(officials.map(\.certificateFingerprint)).count == officials.count else {
            throw BidCoreError(.openingKeyMalformed, "one official holds two shares")
        }
    }

    /// The official entry for a certificate, if that certificate holds a share.
    public func official(for certificate: Certificate) -> Official? {
        officials.first { $0.certificateFingerprint == certificate.fingerprint }
    }

    /// Decrypts the share an official holds, on the official's machine.
    public func decryptShare(officialKey: PrivateKey, officialCertificate: Certificate) throws -> OpeningKeyShare {
        guard let entry = official(for: officialCertificate) else {
            throw BidCoreError(.notAShareholder, "\(officialCertificate.subject) holds no share of opening key \(keyId.prefix(16))…")
        }
        guard try officialCertificate.publicKey == officialKey.publicKey else {
            throw BidCoreError(.invalidKey, "the private key does not belong to \(officialCertificate.subject)")
        }
        guard let wrapped = Data(base64Encoded: entry.encryptedShare) else {
            throw BidCoreError(.openingKeyMalformed, "share \(entry.index) is not base64")
        }
        let value = try KeyWrap.unwrap([UInt8](wrapped), algorithm: entry.algorithm, with: officialKey, context: Self.shareContext(keyId: keyId, index: entry.index))
        let share = OpeningKeyShare(keyId: keyId, index: entry.index, value: Data(value).base64EncodedString())
        try check(share)
        return share
    }

    /// Checks one handed-in share against its published digest (reveals nothing about the key).
    public func check(_ share: OpeningKeyShare) throws {
        guard share.keyId == keyId else {
            throw BidCoreError(.shareInvalid, "share \(share.index) belongs to opening key \(share.keyId.prefix(16))…, not \(keyId.prefix(16))…")
        }
        guard let entry = officials.first(where: { $0.index == share.index }) else {
            throw BidCoreError(.shareInvalid, "there is no share number \(share.index)")
        }
        guard let value = share.bytes, value.count == 32,
              constantTimeEqual(Array(Self.shareDigest(suite: suite, keyId: keyId, index: share.index, value: value).utf8), Array(entry.shareDigest.utf8)) else {
            throw BidCoreError(.shareInvalid, "share \(share.index) does not match its published digest")
        }
    }

    /// Rebuilds the opening private key from at least `threshold` valid shares and checks that it
    /// matches the published public key.
    public func rebuildPrivateKey(from shares: [OpeningKeyShare]) throws -> PrivateKey {
        var distinct: [Int: OpeningKeyShare] = [:]
        for share in shares {
            try check(share)
            distinct[share.index] = share
        }
        guard distinct.count >= threshold else {
            throw BidCoreError(.notEnoughShares, "\(distinct.count) of the \(threshold) shares needed")
        }
        let chosen = distinct.keys.sorted().prefix(threshold).map { distinct[$0]! }
        var scalar = try Shamir.combine(chosen.map { Shamir.Share(x: UInt8($0.index), y: $0.bytes!) })
        defer { wipe(&scalar) }
        let key = try PrivateKey.fromECScalar(scalar, type: suite == .gm ? .sm2 : .p256)
        guard try key.publicKey == openingPublicKey else {
            throw BidCoreError(.notEnoughShares, "the shares do not rebuild the opening key")
        }
        return key
    }

    static func shareContext(keyId: String, index: Int) -> [UInt8] {
        Array("ebid-share1".utf8) + Array(keyId.utf8) + [UInt8(index)]
    }

    static func shareDigest(suite: Suite, keyId: String, index: Int, value: [UInt8]) -> String {
        Hex.encode(StreamingDigest.hash(Array("ebid-share1".utf8) + Array(keyId.utf8) + [UInt8(index)] + value, using: suite.hash))
    }
}

/// One decrypted share, as an official hands it in at the opening.
public struct OpeningKeyShare: Codable, Sendable, Equatable {
    public var keyId: String
    public var index: Int
    /// The 32 share bytes, base64.
    public var value: String

    public init(keyId: String, index: Int, value: String) {
        self.keyId = keyId
        self.index = index
        self.value = value
    }

    var bytes: [UInt8]? { Data(base64Encoded: value).map { [UInt8]($0) } }
}

/// The key ceremony: makes an opening key pair, splits the private key, encrypts the shares.
public enum OpeningKeyCeremony {
    /// - Parameters:
    ///   - officials: the opening officials' certificates, one share each, in order (share i+1).
    ///   - trust: when given, each official certificate must verify for encryption at `time`.
    public static func generate(suite: Suite, officials: [Certificate], threshold: Int,
                                trust: TrustStore? = nil, at time: Date = Date()) throws -> OpeningKeyFile {
        guard officials.count >= 2 else { throw BidCoreError(.invalidInput, "an opening key needs at least 2 officials") }
        guard threshold >= 2, threshold <= officials.count else {
            throw BidCoreError(.invalidInput, "threshold must be between 2 and the number of officials (\(officials.count))")
        }
        guard Set(officials.map(\.fingerprint)).count == officials.count else {
            throw BidCoreError(.invalidInput, "the same official is listed twice")
        }
        if let trust {
            for official in officials { try trust.verify(official, at: time, for: .encryption) }
        }
        let key = try PrivateKey.generate(suite == .gm ? .sm2 : .p256)
        let publicKey = key.publicKey
        let keyId = publicKey.keyID(suite.hash)
        var scalar = try key.ecPrivateScalar()
        defer { wipe(&scalar) }
        let shares = try Shamir.split(scalar, threshold: threshold, count: officials.count)
        var entries: [OpeningKeyFile.Official] = []
        for (share, certificate) in zip(shares, officials) {
            let index = Int(share.x)
            let (algorithm, wrapped) = try KeyWrap.wrap(share.y, to: try certificate.publicKey,
                                                        context: OpeningKeyFile.shareContext(keyId: keyId, index: index))
            entries.append(.init(index: index, subject: certificate.subject.description,
                                 certificateFingerprint: certificate.fingerprint,
                                 certificate: Data(certificate.der).base64EncodedString(),
                                 algorithm: algorithm, encryptedShare: Data(wrapped).base64EncodedString(),
                                 shareDigest: OpeningKeyFile.shareDigest(suite: suite, keyId: keyId, index: index, value: share.y)))
        }
        let file = OpeningKeyFile(suite: suite, keyId: keyId, publicKey: publicKey.pem, threshold: threshold,
                                  createdAt: Date(timeIntervalSince1970: time.timeIntervalSince1970.rounded(.down)), officials: entries)
        try file.validate()
        return file
    }
}

extension BidCoreError.Code {
    public static let openingKeyMalformed: Self = "opening-key.malformed"
    public static let notAShareholder: Self = "opening-key.not-a-shareholder"
    public static let shareInvalid: Self = "opening-key.share-invalid"
    public static let notEnoughShares: Self = "opening-key.not-enough-shares"
}

extension JSONEncoder {
    /// ebid's JSON: sorted keys, ISO 8601 dates in UTC, no escaped slashes.
    public static var ebid: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static var ebidPretty: JSONEncoder {
        let encoder = JSONEncoder.ebid
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return encoder
    }
}

extension JSONDecoder {
    public static var ebid: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
