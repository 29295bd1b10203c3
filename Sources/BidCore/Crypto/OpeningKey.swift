import Foundation

/// Where an opening key comes from.
public enum OpeningKeyOrigin: String, Codable, Sendable {
    /// The officials' key ceremony (distributed key generation): no machine ever held the key.
    case ceremony
    /// `ebid opening keygen`: one machine made the key and split it, so that machine saw it whole.
    case dealer
}

/// The tender's opening key (开标密钥), `ebid-opening-key` version 2: the public key every bid for
/// the tender is encrypted to, and everything the opening officials need to decrypt at the opening
/// without ever putting the private key together — their encrypted shares (scalars mod the group
/// order), the Feldman commitments, and each official's verification key Yᵢ = sᵢ·G.
///
/// Made either by the key ceremony (`origin: ceremony`, signed by every dealer, confirmed by every
/// official, signed by the platform) or by `ebid opening keygen` (`origin: dealer`, one dealing by
/// "dealer 0", unsigned). The format is in docs/sealed-bid-format.md.
public struct OpeningKeyFile: Codable, Sendable, Equatable {
    public struct Official: Codable, Sendable, Equatable {
        public var index: Int
        /// Registry id (ceremony).
        public var party: String?
        public var subject: String
        public var certificateFingerprint: String
        /// Base64 DER.
        public var certificate: String
        /// Yᵢ = sᵢ·G, hex: partial decryptions are checked against it.
        public var verificationKey: String
    }

    public struct Confirmation: Codable, Sendable, Equatable {
        public var index: Int
        /// Official `index`'s signature over `KeyCeremony.confirmationMessage`, base64.
        public var signature: String

        public init(index: Int, signature: String) {
            self.index = index
            self.signature = signature
        }
    }

    public struct PlatformSignature: Codable, Sendable, Equatable {
        public var certificateFingerprint: String
        public var scheme: SignatureScheme
        /// Over `KeyCeremony.platformMessage`, base64.
        public var signature: String
    }

    public var format = "ebid-opening-key"
    public var version = 2
    public var origin: OpeningKeyOrigin
    public var suite: Suite
    /// The tender and section the key is for (always for a ceremony; optional for keygen, whose
    /// key the service binds to the first tender that uses it).
    public var tenderId: String?
    public var section: String?
    public var attempt: Int
    public var threshold: Int
    /// Suite hash of the public key's DER SubjectPublicKeyInfo, hex.
    public var keyId: String
    /// The opening public key, PEM (SubjectPublicKeyInfo).
    public var publicKey: String
    public var createdAt: Date
    public var officials: [Official]
    public var dealings: [KeyCeremony.Dealing]
    public var confirmations: [Confirmation]?
    public var platform: PlatformSignature?

    public var openingPublicKey: PublicKey {
        get throws { try PublicKey(pem: publicKey) }
    }

    public var curve: Curve { .of(suite) }

    /// The ceremony parameters the key was made under (its context).
    public var parameters: KeyCeremony.Parameters {
        get throws {
            KeyCeremony.Parameters(origin: origin, tenderId: tenderId, section: section, suite: suite, threshold: threshold, attempt: attempt,
                                   participants: try officials.map { official in
                                       var participant = KeyCeremony.Participant(index: official.index, party: official.party,
                                                                                 certificate: try Self.certificate(of: official))
                                       participant.subject = official.subject
                                       return participant
                                   })
        }
    }

    /// Reads and checks an opening key file (structure, and every derived key recomputed from the
    /// commitments). Files of the retired version 1 are refused.
    public static func load(_ data: Data) throws -> OpeningKeyFile {
        struct Head: Decodable { var format: String?; var version: Int? }
        if let head = try? JSONDecoder.ebid.decode(Head.self, from: data), head.format == "ebid-opening-key", head.version == 1 {
            throw BidCoreError(.openingKeyRetired, """
                this opening key file is version 1, whose shares were split byte by byte and can only be put back together into the \
                whole private key; it is no longer accepted. Make a new key with `ebid opening ceremony` (or `ebid opening keygen`)
                """)
        }
        let file: OpeningKeyFile
        do {
            file = try JSONDecoder.ebid.decodeStrict(OpeningKeyFile.self, from: data)
        } catch {
            throw BidCoreError(.openingKeyMalformed, "not an ebid opening key file: \(describeDecodingError(error))")
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

    /// Decodes a file the service checked when it stored it (no recomputation). A version-1 file
    /// kept by an older data directory decodes as a retired key (`version == 1`, no dealings, no
    /// verification keys): its public key still names the bids sealed to it, but no committee can
    /// open them, since its shares were never scalars.
    public static func decodeStored(_ data: Data) throws -> OpeningKeyFile {
        if let file = try? JSONDecoder.ebid.decode(OpeningKeyFile.self, from: data) { return file }
        struct Retired: Decodable {
            struct Official: Decodable { var index: Int; var subject: String; var certificateFingerprint: String; var certificate: String }
            var version: Int
            var suite: Suite
            var keyId: String
            var publicKey: String
            var threshold: Int
            var createdAt: Date
            var officials: [Official]
        }
        let old = try JSONDecoder.ebid.decode(Retired.self, from: data)
        guard old.version == 1 else { throw BidCoreError(.openingKeyMalformed, "a stored opening key does not decode") }
        return OpeningKeyFile(version: 1, origin: .dealer, suite: old.suite, tenderId: nil, section: nil, attempt: 0, threshold: old.threshold,
                              keyId: old.keyId, publicKey: old.publicKey, createdAt: old.createdAt,
                              officials: old.officials.map { .init(index: $0.index, party: nil, subject: $0.subject, certificateFingerprint: $0.certificateFingerprint,
                                                                  certificate: $0.certificate, verificationKey: "") },
                              dealings: [], confirmations: nil, platform: nil)
    }

    /// A key of the retired version 1 (only in data directories made before version 2).
    public var isRetired: Bool { version == 1 }

    /// Structural checks, and the public key, key id and verification keys recomputed from the
    /// commitments: a file cannot claim keys its dealings do not give.
    public func validate() throws {
        guard format == "ebid-opening-key", version == 2 else {
            throw BidCoreError(.openingKeyMalformed, "unsupported opening key format \(format) v\(version)")
        }
        let parameters = try self.parameters
        try parameters.validate()
        let key = try openingPublicKey
        guard key.type == curve.keyType else {
            throw BidCoreError(.openingKeyMalformed, "a \(suite.rawValue) opening key must be \(curve.keyType.rawValue), got \(key.type.rawValue)")
        }
        guard key.keyID(suite.hash) == keyId else { throw BidCoreError(.openingKeyMalformed, "keyId does not match the public key") }
        if origin == .ceremony { guard tenderId != nil, section != nil else { throw BidCoreError(.openingKeyMalformed, "a ceremony's key names its tender and section") } }
        let dealings = try KeyCeremony.completeDealings(self.dealings, parameters)
        for dealing in dealings {
            guard dealing.commitments.count == threshold, dealing.shares.map(\.recipient) == officials.map(\.index) else {
                throw BidCoreError(.openingKeyMalformed, "dealing \(dealing.dealer) does not have \(threshold) commitments and one share per official")
            }
        }
        let (publicPoint, verificationKeys) = try KeyCeremony.derivedKeys(dealings, parameters)
        guard try curve.point(try key.ecPublicPoint()) == publicPoint else {
            throw BidCoreError(.openingKeyMalformed, "the public key is not the sum of the dealers' commitments")
        }
        for (official, expected) in zip(officials, verificationKeys) where (try? curve.point(hex: official.verificationKey)) != expected {
            throw BidCoreError(.openingKeyMalformed, "official \(official.index)'s verification key does not follow from the commitments")
        }
    }

    /// For a ceremony: every dealing signed by its dealer, every official's confirmation and the
    /// platform's signature over the transcript digest; with `trust`, every official's certificate
    /// valid at `time` for signing and encryption. Returns the transcript digest.
    @discardableResult
    public func verifyCeremony(trust: TrustStore?, at time: Date, platformCertificate: Certificate?) throws -> [UInt8] {
        guard origin == .ceremony else { throw BidCoreError(.ceremonyUnverified, "this key was made on one machine (`ebid opening keygen`), not by a key ceremony") }
        let parameters = try self.parameters
        for dealing in dealings { try KeyCeremony.verifyDealing(dealing, parameters) }
        let digest = try transcriptDigest()
        let confirmed = Dictionary((confirmations ?? []).map { ($0.index, $0.signature) }, uniquingKeysWith: { first, _ in first })
        for official in officials {
            let certificate = try Self.certificate(of: official)
            if let trust { try trust.verify(certificate, at: time, for: .signing) ; try trust.verify(certificate, at: time, for: .encryption) }
            let key = try certificate.publicKey
            guard let signature = confirmed[official.index].flatMap({ Data(base64Encoded: $0) }),
                  try key.isValidSignature([UInt8](signature), for: KeyCeremony.confirmationMessage(index: official.index, digest: digest),
                                           scheme: .preferred(for: key.type)) else {
                throw BidCoreError(.ceremonyUnverified, "official \(official.index) (\(official.subject)) has not confirmed this transcript")
            }
        }
        if let platformCertificate {
            guard let platform, platform.certificateFingerprint == platformCertificate.fingerprint,
                  let signature = Data(base64Encoded: platform.signature),
                  try platformCertificate.publicKey.isValidSignature([UInt8](signature), for: KeyCeremony.platformMessage(digest: digest),
                                                                     scheme: platform.scheme) else {
                throw BidCoreError(.ceremonyUnverified, "the transcript is not signed by the platform certificate \(platformCertificate.subject)")
            }
        }
        return digest
    }

    /// T, the digest every official and the platform sign.
    public func transcriptDigest() throws -> [UInt8] {
        let parameters = try self.parameters
        let dealings = try KeyCeremony.completeDealings(self.dealings, parameters)
        return try KeyCeremony.transcriptDigest(parameters, dealings: dealings, publicKey: try publicPoint(),
                                                verificationKeys: try officials.map { try curve.point(hex: $0.verificationKey) })
    }

    public func publicPoint() throws -> ECPoint { try curve.point(try openingPublicKey.ecPublicPoint()) }

    /// Yᵢ for share number `index`.
    public func verificationKey(_ index: Int) throws -> ECPoint {
        guard let official = officials.first(where: { $0.index == index }) else { throw BidCoreError(.notAShareholder, "there is no share number \(index)") }
        return try curve.point(hex: official.verificationKey)
    }

    /// The official entry for a certificate, if that certificate holds a share.
    public func official(for certificate: Certificate) -> Official? {
        officials.first { $0.certificateFingerprint == certificate.fingerprint }
    }

    /// The official's share sᵢ = Σⱼ fⱼ(i), decrypted on the official's machine from every dealing and
    /// checked against its verification key. Wipe it after use.
    public func share(officialKey: PrivateKey, officialCertificate: Certificate) throws -> (index: Int, value: Scalar) {
        guard let entry = official(for: officialCertificate) else {
            throw BidCoreError(.notAShareholder, "\(officialCertificate.subject) holds no share of opening key \(keyId.prefix(16))…")
        }
        guard try officialCertificate.publicKey == officialKey.publicKey else {
            throw BidCoreError(.invalidKey, "the private key does not belong to \(officialCertificate.subject)")
        }
        let parameters = try self.parameters
        let context = try parameters.contextDigest()
        var total = curve.scalar(0)
        for dealing in dealings {
            guard let share = dealing.shares.first(where: { $0.recipient == entry.index }) else {
                throw BidCoreError(.openingKeyMalformed, "dealing \(dealing.dealer) has no share for official \(entry.index)")
            }
            var plain = try KeyWrap.unwrap(try share.wrappedBytes(), algorithm: share.algorithm, with: officialKey,
                                           context: parameters.shareContext(context: context, dealer: dealing.dealer, recipient: entry.index))
            defer { wipe(&plain) }
            total = try curve.add(total, try curve.scalar(plain))
        }
        guard try curve.multiplyGenerator(total) == verificationKey(entry.index) else {
            total.wipe()
            throw BidCoreError(.shareInvalid, "the decrypted share does not match official \(entry.index)'s verification key")
        }
        return (entry.index, total)
    }

    static func certificate(of official: Official) throws -> Certificate {
        guard let der = Data(base64Encoded: official.certificate), let certificate = try? Certificate(der: [UInt8](der)),
              certificate.fingerprint == official.certificateFingerprint else {
            throw BidCoreError(.openingKeyMalformed, "official \(official.index) has a malformed certificate")
        }
        return certificate
    }

    /// Assembles the file from a finished ceremony (or keygen's single dealing).
    static func assemble(_ parameters: KeyCeremony.Parameters, dealings: [KeyCeremony.Dealing], confirmations: [Confirmation]?,
                         createdAt: Date) throws -> OpeningKeyFile {
        let ordered = try KeyCeremony.completeDealings(dealings, parameters)
        let (publicPoint, verificationKeys) = try KeyCeremony.derivedKeys(ordered, parameters)
        let publicKey = try PublicKey(ecPoint: publicPoint.bytes, type: parameters.curve.keyType)
        let officials = zip(parameters.participants, verificationKeys).map { participant, key in
            Official(index: participant.index, party: participant.party, subject: participant.subject,
                     certificateFingerprint: participant.certificateFingerprint, certificate: participant.certificate, verificationKey: key.hex)
        }
        let file = OpeningKeyFile(origin: parameters.origin, suite: parameters.suite, tenderId: parameters.tenderId, section: parameters.section,
                                  attempt: parameters.attempt, threshold: parameters.threshold, keyId: publicKey.keyID(parameters.suite.hash),
                                  publicKey: publicKey.pem, createdAt: Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down)),
                                  officials: officials, dealings: ordered, confirmations: confirmations, platform: nil)
        try file.validate()
        return file
    }

    /// A finished ceremony's transcript: the dealings, every official's confirmation and the
    /// platform's signature over the transcript digest (what the service does once all confirmed).
    public static func transcript(_ parameters: KeyCeremony.Parameters, dealings: [KeyCeremony.Dealing], confirmations: [Confirmation],
                                  createdAt: Date, platformKey: PrivateKey, platformCertificate: Certificate) throws -> OpeningKeyFile {
        guard parameters.origin == .ceremony else { throw BidCoreError(.invalidInput, "a transcript is made by a ceremony") }
        var file = try assemble(parameters, dealings: dealings, confirmations: confirmations.sorted { $0.index < $1.index }, createdAt: createdAt)
        let scheme = SignatureScheme.preferred(for: platformKey.type)
        let digest = try file.transcriptDigest()
        file.platform = PlatformSignature(certificateFingerprint: platformCertificate.fingerprint, scheme: scheme,
                                          signature: Data(try platformKey.sign(KeyCeremony.platformMessage(digest: digest), scheme: scheme)).base64EncodedString())
        try file.verifyCeremony(trust: nil, at: createdAt, platformCertificate: platformCertificate)
        return file
    }
}

/// `ebid opening keygen`: one machine makes the key pair, splits the private scalar k-of-n with
/// Shamir's scheme over Z_n, encrypts each share to one official's certificate and forgets the
/// key. That machine saw the whole key: fit for offline use and tests; a trading centre makes its
/// keys with the key ceremony (`KeyCeremony`), where no machine ever does.
public enum OpeningKeyDealer {
    /// - Parameters:
    ///   - officials: the opening officials' certificates, one share each, in order (share i+1).
    ///   - trust: when given, each official certificate must verify for encryption at `time`.
    public static func generate(suite: Suite, officials: [Certificate], threshold: Int, tenderId: String? = nil, section: String? = nil,
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
        let parameters = KeyCeremony.Parameters(origin: .dealer, tenderId: tenderId, section: section, suite: suite, threshold: threshold, attempt: 0,
                                                participants: officials.enumerated().map { .init(index: $0.offset + 1, party: nil, certificate: $0.element) })
        do { try parameters.validate() } catch let error as BidCoreError { throw BidCoreError(.invalidInput, error.reason) }
        let dealing = try KeyCeremony.makeDealing(parameters, dealer: 0, constant: nil)
        return try OpeningKeyFile.assemble(parameters, dealings: [dealing], confirmations: nil, createdAt: time)
    }
}

extension BidCoreError.Code {
    public static let openingKeyMalformed: Self = "opening-key.malformed"
    public static let openingKeyRetired: Self = "opening-key.retired-format"
    public static let notAShareholder: Self = "opening-key.not-a-shareholder"
    public static let shareInvalid: Self = "opening-key.share-invalid"
    public static let notEnoughShares: Self = "opening-key.not-enough-partials"
    public static let ceremonyUnverified: Self = "ceremony.unverified"
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
