import Foundation

/// Commit-then-reveal for sealed scoring (DESIGN.md, "Sealed expert scoring"): an expert first
/// hands in commitment = H("ebid/score-commit/v1" ‖ frame(context) ‖ frame(salt) ‖ frame(sheet)),
/// signed, where `sheet` is the exact bytes of its score sheet and `salt` 32 fresh random bytes;
/// only when every member has committed does anyone reveal (sheet and salt). The commitment is a
/// hash over a secret 256-bit salt, so the stored commitment tells nobody — host and platform
/// operator included — anything about the scores; the binding is SHA-256's / SM3's collision
/// resistance. Frames are u32be(length) ‖ bytes.
public enum ScoreCommitment {
    public static let saltLength = 32

    /// `tender/section/member/round`: a commitment never serves another tender, member or round.
    public static func context(tender: String, section: String, member: String, round: String) -> String {
        "\(tender)/\(section)/\(member)/\(round)"
    }

    public static func commitment(sheet: [UInt8], salt: [UInt8], context: String, hash: HashAlgorithm) -> [UInt8] {
        StreamingDigest.hash(DrawFraming.frame("ebid/score-commit/v1") + DrawFraming.frame(context) + DrawFraming.frame(salt) + DrawFraming.frame(sheet), using: hash)
    }

    public static func freshSalt() -> [UInt8] { SecureRandom.bytes(saltLength) }

    /// Whether `sheet` and `salt` open `commitment` (compared in constant time).
    public static func opens(_ commitment: [UInt8], sheet: [UInt8], salt: [UInt8], context: String, hash: HashAlgorithm) -> Bool {
        guard salt.count == saltLength, commitment.count == hash.outputSize else { return false }
        let expected = Self.commitment(sheet: sheet, salt: salt, context: context, hash: hash)
        return zip(expected, commitment).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
