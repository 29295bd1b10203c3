import Foundation

/// Kinds of bid parts (DESIGN.md): 商务标, 技术标 (may be reviewed anonymously, 暗标), 资格审查.
public enum BidPartKind: String, Codable, Sendable, CaseIterable {
    case commercial
    case technical
    case qualification
}

/// The bid summary (开标一览表): the items read out at the opening. Amounts are exact decimal
/// strings in yuan (never binary floating point).
public struct BidSummary: Codable, Sendable, Equatable {
    /// 投标报价, yuan, e.g. "12345678.90".
    public var price: String
    /// 工期, calendar days.
    public var durationDays: Int
    /// 质量标准, e.g. "合格".
    public var quality: String
    /// 项目经理.
    public var projectManager: String
    /// 投标保证金 account the bid security was paid from.
    public var bidSecurityAccount: String
    /// Further items the tender asks for (name → value), optional.
    public var extra: [String: String]?

    public init(price: String, durationDays: Int, quality: String, projectManager: String, bidSecurityAccount: String, extra: [String: String]? = nil) {
        self.price = price
        self.durationDays = durationDays
        self.quality = quality
        self.projectManager = projectManager
        self.bidSecurityAccount = bidSecurityAccount
        self.extra = extra
    }

    /// A price is 1-15 digits with up to 2 decimals (fen), no sign, no exponent.
    public static func isValidPrice(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return false }
        guard let whole = parts.first, (1...15).contains(whole.count), whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        if whole.count > 1 && whole.first == "0" { return false }
        if parts.count == 2 {
            let fraction = parts[1]
            guard (1...2).contains(fraction.count), fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        }
        return true
    }

    public func validate() throws {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.bidSummaryInvalid, reason) }
        guard Self.isValidPrice(price) else { throw fail("price \"\(price)\" must be a decimal amount in yuan with at most 2 decimals") }
        guard (1...36500).contains(durationDays) else { throw fail("durationDays must be 1…36500") }
        guard !quality.isEmpty, quality.count <= 200 else { throw fail("quality must be 1…200 characters") }
        guard !projectManager.isEmpty, projectManager.count <= 100 else { throw fail("projectManager must be 1…100 characters") }
        guard !bidSecurityAccount.isEmpty, bidSecurityAccount.count <= 100 else { throw fail("bidSecurityAccount must be 1…100 characters") }
        if let extra, extra.count > 32 || extra.contains(where: { $0.key.isEmpty || $0.key.count > 64 || $0.value.count > 1000 }) {
            throw fail("extra holds at most 32 items with keys of 1…64 and values of at most 1000 characters")
        }
    }
}

/// The inner signed manifest: encrypted with the content, signed by the bidder before encryption.
public struct BidManifest: Codable, Sendable, Equatable {
    public struct Bidder: Codable, Sendable, Equatable {
        /// Organisation name (certificate O, else CN).
        public var name: String
        /// 统一社会信用代码 from the certificate's serialNumber attribute, when it holds one.
        public var creditCode: String?
        /// SHA-256 of the signer certificate (DER), hex.
        public var certificateFingerprint: String
    }

    public struct Part: Codable, Sendable, Equatable {
        public var kind: BidPartKind
        /// File name, a single path component (see `isSafeFileName`).
        public var name: String
        public var size: UInt64
        /// Suite hash of the part's bytes, hex.
        public var digest: String
        public init(kind: BidPartKind, name: String, size: UInt64, digest: String) {
            self.kind = kind
            self.name = name
            self.size = size
            self.digest = digest
        }
    }

    public var format = "ebid-bid-manifest"
    public var version = 1
    public var packageId: String
    public var tenderId: String
    public var section: String
    public var suite: Suite
    public var bidder: Bidder
    /// The inner signer's certificate, base64 DER (must be the outer signer's).
    public var signerCertificate: String
    public var signatureScheme: SignatureScheme
    public var summary: BidSummary
    public var parts: [Part]
    /// Digest identifying the machine that authored the bid (a collusion signal, Reg. art. 40).
    public var machineFingerprint: String
    public var createdAt: Date

    public func validate() throws {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.sealedManifestMalformed, reason) }
        guard format == "ebid-bid-manifest", version == 1 else { throw fail("format \(format) v\(version) is not ebid-bid-manifest v1") }
        guard !parts.isEmpty, parts.count <= SealedBidFormat.maxParts else { throw fail("a bid has 1…\(SealedBidFormat.maxParts) parts") }
        guard Set(parts.map(\.name)).count == parts.count else { throw fail("two parts have the same name") }
        for part in parts {
            guard Self.isSafeFileName(part.name) else { throw fail("part name \(part.name.debugDescription) is not a plain file name") }
            guard Hex.decode(part.digest)?.count == 32 else { throw fail("part \(part.name) has a malformed digest") }
        }
        guard !machineFingerprint.isEmpty, machineFingerprint.count <= 128 else { throw fail("machineFingerprint must be 1…128 characters") }
        do { try summary.validate() } catch let error as BidCoreError { throw fail(error.reason) }
    }

    /// One path component: no separators, no "." or "..", no leading dot, no control characters,
    /// at most 200 bytes. Chinese names are fine.
    public static func isSafeFileName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 200, !name.hasPrefix("."), name != "..",
              name.trimmingCharacters(in: .whitespaces) == name else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            scalar != "/" && scalar != "\\" && scalar != ":" && !CharacterSet.controlCharacters.contains(scalar)
        }
    }
}

extension BidCoreError.Code {
    public static let bidSummaryInvalid: Self = "bid.summary-invalid"
}

extension BidManifest {
    /// The bidder the manifest names must be its signer in every field — name, unified social
    /// credit code and certificate fingerprint — or the bid says it is from someone else.
    public func requireBidder(is signer: Certificate) throws {
        let identity = SignerIdentity(signer)
        var differences: [String] = []
        if bidder.name != identity.name { differences.append("name \(bidder.name), not \(identity.name)") }
        if bidder.creditCode != identity.creditCode {
            differences.append("credit code \(bidder.creditCode ?? "none"), not \(identity.creditCode ?? "none")")
        }
        if bidder.certificateFingerprint != identity.certificateFingerprint {
            differences.append("certificate \(bidder.certificateFingerprint.prefix(16))…, not \(identity.certificateFingerprint.prefix(16))…")
        }
        guard differences.isEmpty else {
            throw BidCoreError(.sealedSignerMismatch,
                               "the manifest names another bidder than its signer \(identity.subject): \(differences.joined(separator: "; "))")
        }
    }
}
