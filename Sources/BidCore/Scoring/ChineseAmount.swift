import Foundation

/// Amounts written in words (大写金额, e.g. 叁仟陆佰捌拾捌万元整): the words prevail over the figures
/// where a bid gives both (评标委员会和评标方法暂行规定 art. 19; RULES.md, "Evaluation").
public enum ChineseAmount {
    private static let digits: [Character: Int128] = ["零": 0, "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9]
    private static let units: [Character: Int128] = ["拾": 10, "佰": 100, "仟": 1000]
    /// Nothing at or above 10^15 yuan is an amount (a bid price has at most 15 digits).
    private static let limit: Int128 = 1_000_000_000_000_000

    /// Parses an amount in financial numerals, yuan with up to 角 and 分: an optional 人民币, digits
    /// 零壹贰叁肆伍陆柒捌玖, units 拾佰仟万亿, then 元 (or 圆), optional 角 / 分, optional 整 (or 正).
    /// Nil for anything else.
    public static func parse(_ text: String) -> ExactDecimal? {
        // An amount in words of at most 10^15 yuan needs far fewer than 64 characters.
        guard text.count <= 64 else { return nil }
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        if rest.hasPrefix("人民币") { rest = rest.dropFirst(3) }
        guard !rest.isEmpty else { return nil }
        var total: Int128 = 0, section: Int128 = 0, number: Int128 = 0
        var yuan: Int128?
        var jiao: Int128 = 0, fen: Int128 = 0
        var sawDigit = false, ended = false
        var lastWasDigit = false
        for char in rest {
            guard !ended else { return nil }
            if let digit = digits[char] {
                if lastWasDigit && number != 0 && digit != 0 { return nil }  // two digits with no unit between
                number = digit
                sawDigit = true
                lastWasDigit = digit != 0
                continue
            }
            lastWasDigit = false
            if let unit = units[char] {
                guard yuan == nil else { return nil }
                section += (number == 0 && unit == 10 && !sawDigit ? 1 : number) * unit
                guard section < limit else { return nil }
                sawDigit = true
                number = 0
                continue
            }
            switch char {
            case "万":
                guard yuan == nil, section + number > 0 else { return nil }
                total += (section + number) * 10_000
                section = 0; number = 0
                guard total < limit else { return nil }
            case "亿":
                guard yuan == nil, total + section + number > 0 else { return nil }
                guard total + section + number < limit / 100_000_000 else { return nil }
                total = (total + section + number) * 100_000_000
                section = 0; number = 0
            case "元", "圆":
                guard yuan == nil, sawDigit else { return nil }
                yuan = total + section + number
                number = 0
            case "角":
                guard yuan != nil, number != 0 else { return nil }
                jiao = number; number = 0
            case "分":
                guard yuan != nil, number != 0 else { return nil }
                fen = number; number = 0
            case "整", "正":
                ended = true
            default:
                return nil
            }
        }
        guard let yuan, number == 0, yuan < limit else { return nil }
        return ExactDecimal(significand: yuan * 100 + jiao * 10 + fen, scale: 2)
    }

    private static let numerals: [Character] = ["零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖"]

    /// Writes an amount in yuan in financial numerals, as a notice or a price column prints it:
    /// `38000000.00` → 叁仟捌佰万元整, `1005.50` → 壹仟零伍元伍角, `0.05` → 零元零伍分. Nil for a
    /// negative amount, one with a nonzero figure below 分, or one of 10^12 yuan (一万亿) or more:
    /// no price comes near, and groups up to 亿 are all an amount needs.
    /// `parse(words(x)) == x` for every amount it writes.
    public static func words(_ amount: ExactDecimal) -> String? {
        guard amount.significand >= 0 else { return nil }
        let cents: Int128
        if amount.scale <= 2 {
            var value = amount.significand
            for _ in amount.scale..<2 { value *= 10 }
            cents = value
        } else {
            var divisor: Int128 = 1
            for _ in 2..<amount.scale { divisor *= 10 }
            guard amount.significand % divisor == 0 else { return nil }
            cents = amount.significand / divisor
        }
        let yuan = cents / 100, jiao = Int(cents / 10 % 10), fen = Int(cents % 10)
        guard yuan < 1_000_000_000_000 else { return nil }
        var text = ""
        if yuan > 0 {
            // Groups of four digits: 亿, 万, and the last; a zero between groups is said once.
            let groupUnits = ["亿", "万", ""]
            var groups: [Int] = []
            var rest = yuan
            for _ in 0..<3 {
                groups.insert(Int(rest % 10_000), at: 0)
                rest /= 10_000
            }
            var pendingZero = false
            for (index, group) in groups.enumerated() {
                guard group > 0 else {
                    if !text.isEmpty { pendingZero = true }
                    continue
                }
                if !text.isEmpty && (pendingZero || group < 1000) { text += "零" }
                pendingZero = false
                text += Self.group(group) + groupUnits[index]
            }
        }
        text += text.isEmpty ? "零元" : "元"
        if jiao == 0 && fen == 0 { return text + "整" }
        if jiao > 0 {
            text += String(numerals[jiao]) + "角"
        } else {
            text += "零"
        }
        if fen > 0 { text += String(numerals[fen]) + "分" }
        return text
    }

    /// 1…9999 in financial numerals (壹仟零伍, 壹拾).
    private static func group(_ value: Int) -> String {
        let places: [(Int, String)] = [(1000, "仟"), (100, "佰"), (10, "拾"), (1, "")]
        var text = "", zero = false
        for (place, unit) in places {
            let digit = value / place % 10
            if digit == 0 {
                if !text.isEmpty { zero = true }
                continue
            }
            if zero { text += "零" }
            zero = false
            text += String(numerals[digit]) + unit
        }
        return text
    }
}
