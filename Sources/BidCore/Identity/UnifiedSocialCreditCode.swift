import Foundation

/// 统一社会信用代码 (unified social credit code), GB 32100-2015: 18 characters —
/// registration authority (1), organisation category (1), administrative division (6),
/// organisation code (9, GB 11714 with its own check character), check character (1).
public struct UnifiedSocialCreditCode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The 31 characters of GB 32100 (no I, O, S, V, Z), in value order.
    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    /// Weights 3^(i−1) mod 31 for positions 1…17.
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    public let value: String

    /// Validates length, alphabet, the division digits and the GB 32100 check character.
    public init(_ text: String) throws {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        let chars = Array(code)
        guard chars.count == 18 else {
            throw BidCoreError(.invalidCreditCode, "a unified social credit code has 18 characters, \"\(text)\" has \(chars.count)")
        }
        guard let values = Self.values(chars) else {
            throw BidCoreError(.invalidCreditCode, "\"\(text)\" uses characters outside GB 32100 (0-9 and A-Y without I, O, S, V, Z)")
        }
        guard chars[2..<8].allSatisfy(\.isASCII) && chars[2..<8].allSatisfy(\.isNumber) else {
            throw BidCoreError(.invalidCreditCode, "\"\(text)\": characters 3-8 must be the administrative division code (digits)")
        }
        let expected = Self.checkCharacter(values.prefix(17))
        guard chars[17] == expected else {
            throw BidCoreError(.invalidCreditCode, "\"\(text)\": check character is \(chars[17]), GB 32100 gives \(expected)")
        }
        self.value = code
    }

    /// Builds a valid code: authority + category + 6-digit division + 8-character organisation
    /// code body; appends the GB 11714 and GB 32100 check characters.
    public static func make(authority: Character = "9", category: Character = "1", division: String, organizationBody: String) throws -> UnifiedSocialCreditCode {
        guard division.count == 6, division.allSatisfy(\.isNumber), organizationBody.count == 8 else {
            throw BidCoreError(.invalidCreditCode, "division must be 6 digits and the organisation code body 8 characters")
        }
        guard let orgCheck = organizationCodeCheck(Array(organizationBody.uppercased())) else {
            throw BidCoreError(.invalidCreditCode, "organisation code body \(organizationBody) has invalid characters")
        }
        let body = "\(authority)\(category)\(division)\(organizationBody.uppercased())\(orgCheck)"
        guard let values = values(Array(body)) else { throw BidCoreError(.invalidCreditCode, "\(body) uses characters outside GB 32100") }
        return try UnifiedSocialCreditCode(body + String(checkCharacter(values[...])))
    }

    /// The embedded organisation code (characters 9-17).
    public var organizationCode: String { String(value.dropFirst(8).prefix(9)) }

    /// Whether the embedded organisation code's own GB 11714 check character is right. Not every
    /// issued code satisfies it (some categories use other numbering), so it is reported, not required.
    public var organizationCodeIsValid: Bool {
        let chars = Array(organizationCode)
        return Self.organizationCodeCheck(Array(chars.prefix(8))) == chars[8]
    }

    public var description: String { value }

    public init(from decoder: Decoder) throws {
        try self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    private static func values<S: Sequence>(_ chars: S) -> [Int]? where S.Element == Character {
        var out: [Int] = []
        for char in chars {
            guard let index = alphabet.firstIndex(of: char) else { return nil }
            out.append(index)
        }
        return out
    }

    private static func checkCharacter(_ values: ArraySlice<Int>) -> Character {
        let sum = zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return alphabet[(31 - sum % 31) % 31]
    }

    /// GB 11714-1997: weights 3 7 9 10 5 8 4 2; digits are 0-9, letters A-Z are 10-35;
    /// C9 = 11 − (sum mod 11), with 10 written X and 11 written 0.
    static func organizationCodeCheck(_ chars: [Character]) -> Character? {
        guard chars.count == 8 else { return nil }
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        var sum = 0
        for (char, weight) in zip(chars, weights) {
            guard let ascii = char.asciiValue else { return nil }
            let value: Int
            switch ascii {
            case 48...57: value = Int(ascii) - 48
            case 65...90: value = Int(ascii) - 55
            default: return nil
            }
            sum += value * weight
        }
        switch 11 - sum % 11 {
        case 10: return "X"
        case 11: return "0"
        case let digit: return Character(String(digit))
        }
    }
}
