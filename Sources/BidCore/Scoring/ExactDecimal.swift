import Foundation

/// How a result is cut to a number of decimal places. Tenders state it (RULES.md, "Scoring
/// methods": results rounded HALF_UP); DOWN is for documents that say "不四舍五入".
public enum RoundingRule: String, Codable, Sendable, CaseIterable {
    /// Ties away from zero: 0.125 → 0.13, −0.125 → −0.13 (Java's and Python's ROUND_HALF_UP).
    case halfUp = "HALF_UP"
    /// Towards zero: 0.129 → 0.12.
    case down = "DOWN"
}

/// An exact decimal number, `significand × 10^−scale`: the one number type for money, scores and
/// coefficients (RULES.md: never binary floating point). Addition, subtraction and multiplication
/// are exact; division and rounding take an explicit scale and `RoundingRule`, and round the exact
/// quotient once.
///
/// The significand is 128-bit (38 digits). Callers keep operands in the ranges a rubric allows —
/// prices of at most 15 integer digits, scales of at most `maxScale` — where no formula of
/// BidCore/Scoring comes near the limit; beyond it arithmetic traps rather than wraps.
/// Equality and hashing are numeric: 1.50 == 1.5. JSON carries it as a string ("12.50"), never a
/// JSON number, which a decoder would read as binary floating point first.
public struct ExactDecimal: Sendable, Hashable, Comparable, Codable, CustomStringConvertible, ExpressibleByIntegerLiteral {
    public let significand: Int128
    public let scale: Int

    /// Largest scale accepted from text or asked of division.
    public static let maxScale = 18
    /// Longest digit string accepted from text.
    public static let maxDigits = 30

    public static let zero = ExactDecimal(0)
    public static let hundred = ExactDecimal(100)

    public init(significand: Int128, scale: Int) {
        precondition((0...(2 * Self.maxScale)).contains(scale), "ExactDecimal scale \(scale) out of range")
        self.significand = significand
        self.scale = scale
    }

    public init(_ integer: Int) { self.init(significand: Int128(integer), scale: 0) }
    public init(integerLiteral value: Int) { self.init(value) }

    /// Parses "12", "-0.5", "38000000.00": an optional minus, digits, an optional point and
    /// digits. No plus sign, exponent, spaces or grouping. Nil otherwise.
    public init?(_ text: String) {
        var value: Int128 = 0
        var negative = false
        var digits = 0, fraction = 0
        var sawPoint = false, first = true, lastWasPoint = false
        for byte in text.utf8 {
            defer { first = false }
            if first && byte == UInt8(ascii: "-") { negative = true; continue }
            if byte == UInt8(ascii: ".") {
                guard !sawPoint, digits > 0 else { return nil }
                sawPoint = true
                lastWasPoint = true
                continue
            }
            guard (0x30...0x39).contains(byte) else { return nil }
            lastWasPoint = false
            digits += 1
            if sawPoint { fraction += 1 }
            guard digits <= Self.maxDigits, fraction <= Self.maxScale else { return nil }
            value = value * 10 + Int128(byte - 0x30)
        }
        guard digits > 0, !lastWasPoint else { return nil }
        self.init(significand: negative ? -value : value, scale: fraction)
    }

    /// A bid price in yuan as the bid summary writes it (`BidSummary.isValidPrice`: 1–15 digits,
    /// at most 2 decimals, no sign); nil otherwise.
    public static func price(_ text: String?) -> ExactDecimal? {
        guard let text, BidSummary.isValidPrice(text) else { return nil }
        return ExactDecimal(text)
    }

    /// The plain decimal text with exactly `scale` decimals ("1.50" stays "1.50").
    public var description: String {
        let digits = String(significand.magnitude)
        let sign = significand < 0 ? "-" : ""
        guard scale > 0 else { return sign + digits }
        let padded = digits.count <= scale ? String(repeating: "0", count: scale - digits.count + 1) + digits : digits
        let cut = padded.index(padded.endIndex, offsetBy: -scale)
        return sign + padded[..<cut] + "." + padded[cut...]
    }

    /// Text with exactly `places` decimals, rounded by `rule` (for reports: "85.50").
    public func formatted(places: Int, rule: RoundingRule = .halfUp) -> String {
        rounded(places: places, rule).description
    }

    // MARK: Codable (as a JSON string)

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = ExactDecimal(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "\"\(text)\" is not a plain decimal number (digits, one optional point, optional leading minus)")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Comparison and hashing (numeric)

    /// 10^0 … 10^38 (all that fit in an Int128).
    private static let powers: [Int128] = {
        var table: [Int128] = [1]
        for _ in 1...38 { table.append(table.last! * 10) }
        return table
    }()

    private static func pow10(_ exponent: Int) -> Int128 {
        precondition(exponent >= 0 && exponent <= 38, "10^\(exponent) does not fit")
        return powers[exponent]
    }

    /// The significand at a larger scale (exact).
    private func significand(at target: Int) -> Int128 {
        precondition(target >= scale)
        return significand * Self.pow10(target - scale)
    }

    public static func == (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let common = Swift.max(lhs.scale, rhs.scale)
        return lhs.significand(at: common) == rhs.significand(at: common)
    }

    public static func < (lhs: ExactDecimal, rhs: ExactDecimal) -> Bool {
        let common = Swift.max(lhs.scale, rhs.scale)
        return lhs.significand(at: common) < rhs.significand(at: common)
    }

    /// The same number with trailing fractional zeros removed (1.500 → 1.5).
    public var normalized: ExactDecimal {
        var sig = significand
        var sc = scale
        while sc > 0 && sig % 10 == 0 { sig /= 10; sc -= 1 }
        return ExactDecimal(significand: sig, scale: sc)
    }

    public func hash(into hasher: inout Hasher) {
        let n = normalized
        hasher.combine(n.significand)
        hasher.combine(n.scale)
    }

    // MARK: Arithmetic

    public var isNegative: Bool { significand < 0 }
    public var isZero: Bool { significand == 0 }
    public var magnitude: ExactDecimal { ExactDecimal(significand: significand < 0 ? -significand : significand, scale: scale) }

    public static func + (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let common = Swift.max(lhs.scale, rhs.scale)
        return ExactDecimal(significand: lhs.significand(at: common) + rhs.significand(at: common), scale: common)
    }

    public static func - (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let common = Swift.max(lhs.scale, rhs.scale)
        return ExactDecimal(significand: lhs.significand(at: common) - rhs.significand(at: common), scale: common)
    }

    public static prefix func - (value: ExactDecimal) -> ExactDecimal {
        ExactDecimal(significand: -value.significand, scale: value.scale)
    }

    /// Exact product (scales add). Operands are normalised only when the plain product would not
    /// fit (normalising costs 128-bit divisions).
    public static func * (lhs: ExactDecimal, rhs: ExactDecimal) -> ExactDecimal {
        let (product, overflow) = lhs.significand.multipliedReportingOverflow(by: rhs.significand)
        if !overflow && lhs.scale + rhs.scale <= 2 * maxScale { return ExactDecimal(significand: product, scale: lhs.scale + rhs.scale) }
        let a = lhs.normalized, b = rhs.normalized
        return ExactDecimal(significand: a.significand * b.significand, scale: a.scale + b.scale)
    }

    public static func += (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs + rhs }
    public static func -= (lhs: inout ExactDecimal, rhs: ExactDecimal) { lhs = lhs - rhs }

    /// `self / divisor`, the exact quotient rounded once to `places` decimals. Nil when dividing by zero.
    public func divided(by divisor: ExactDecimal, places: Int, _ rule: RoundingRule = .halfUp) -> ExactDecimal? {
        precondition((0...Self.maxScale).contains(places), "division scale \(places) out of range")
        guard !divisor.isZero else { return nil }
        // a/b = (a.sig · 10^(places + b.scale)) / (b.sig · 10^a.scale) · 10^−places; normalised
        // first only when that would not fit.
        func operands(_ a: ExactDecimal, _ b: ExactDecimal) -> (Int128, Int128)? {
            let up = places + b.scale - a.scale
            guard abs(up) <= 38 else { return nil }
            let (value, overflow) = (up >= 0 ? a.significand : b.significand).multipliedReportingOverflow(by: Self.pow10(abs(up)))
            if overflow { return nil }
            return up >= 0 ? (value, b.significand) : (a.significand, value)
        }
        guard let (numerator, denominator) = operands(self, divisor) ?? operands(normalized, divisor.normalized) else {
            preconditionFailure("ExactDecimal division out of range")
        }
        return ExactDecimal(significand: Self.divide(numerator, denominator, rule), scale: places)
    }

    /// The number rounded to `places` decimals (exact when it has no more than that).
    public func rounded(places: Int, _ rule: RoundingRule = .halfUp) -> ExactDecimal {
        precondition((0...Self.maxScale).contains(places), "rounding scale \(places) out of range")
        if scale <= places { return ExactDecimal(significand: significand(at: places), scale: places) }
        return ExactDecimal(significand: Self.divide(significand, Self.pow10(scale - places), rule), scale: places)
    }

    /// Integer division with the rule applied to the remainder.
    private static func divide(_ numerator: Int128, _ denominator: Int128, _ rule: RoundingRule) -> Int128 {
        let (quotient, remainder) = numerator.quotientAndRemainder(dividingBy: denominator)
        guard remainder != 0, rule == .halfUp else { return quotient }
        // Round away from zero when |remainder| ≥ |denominator| / 2, i.e. 2|r| ≥ |d|.
        let twice = remainder.magnitude * 2
        guard twice >= denominator.magnitude else { return quotient }
        return (numerator < 0) != (denominator < 0) ? quotient - 1 : quotient + 1
    }

    public static func min(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal { a < b ? a : b }
    public static func max(_ a: ExactDecimal, _ b: ExactDecimal) -> ExactDecimal { a < b ? b : a }

    /// Sum of a list (exact).
    public static func sum<S: Sequence>(_ values: S) -> ExactDecimal where S.Element == ExactDecimal {
        values.reduce(.zero, +)
    }
}
