import Foundation

/// The two crypto suites of ebid (DESIGN.md, "Crypto suites").
public enum Suite: String, Sendable, Codable, CaseIterable {
    /// 国密: SM2 signatures and key wrap, SM3, SM4-CTR + HMAC-SM3 chunks.
    case gm = "GM"
    /// ECDSA P-256 (RSA accepted), SHA-256, AES-256-GCM chunks, ECIES P-256 / RSA-OAEP key wrap.
    case nist = "NIST"

    public var hash: HashAlgorithm { self == .gm ? .sm3 : .sha256 }

    /// Parses `GM`/`NIST` in any case.
    public init?(caseInsensitive text: String) {
        switch text.uppercased() {
        case "GM": self = .gm
        case "NIST": self = .nist
        default: return nil
        }
    }

    /// Signature schemes a signer may use in this suite.
    public var signatureSchemes: [SignatureScheme] {
        self == .gm ? [.sm2WithSM3] : [.ecdsaP256SHA256, .rsaPSSSHA256, .rsaPKCS1SHA256]
    }
}
