@testable import BidCore
import Foundation
import Testing

/// ExactDecimal: the one number type of scoring (RULES.md: no binary floating point; HALF_UP).
struct ExactDecimalTests {
    func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

    @Test("plain decimals parse and print as given", arguments: ["0", "12", "-0.5", "38000000.00", "0.001", "123456789012345.67", "-7"])
    func roundTrip(_ text: String) {
        #expect(ExactDecimal(text)?.description == text)
    }

    @Test("anything but a plain decimal is refused", arguments: ["", "-", ".5", "5.", "+1", "1e3", "1,000", " 1", "1 ", "１", "0x10", "1..2", "1.2.3",
                                                                 "1234567890123456789012345678901", "0.1234567890123456789"])
    func refused(_ text: String) {
        #expect(ExactDecimal(text) == nil)
    }

    @Test func equalityIsNumeric() {
        #expect(d("1.50") == d("1.5"))
        #expect(Set([d("1.50"), d("1.5"), d("1.500")]).count == 1)
        #expect(d("-0.01") < d("0"))
        #expect(d("9.99") < d("10"))
        #expect(d("1.50").description == "1.50")
    }

    @Test func arithmeticIsExact() {
        // 0.1 + 0.2 is 0.3 here; in binary floating point it is 0.30000000000000004.
        #expect(d("0.1") + d("0.2") == d("0.3"))
        #expect(d("36880000.00") * d("0.95") == d("35036000"))
        #expect(d("5") - d("7.25") == d("-2.25"))
    }

    @Test("HALF_UP rounds ties away from zero, once", arguments: [
        ("2.675", 2, "2.68"),  // a Double holds 2.67499999…, and rounds to 2.67
        ("0.125", 2, "0.13"), ("-0.125", 2, "-0.13"), ("2.5", 0, "3"), ("-2.5", 0, "-3"),
        ("1.0049", 2, "1.00"), ("99.995", 2, "100.00"), ("7", 2, "7.00"),
    ])
    func halfUp(_ value: String, _ places: Int, _ expected: String) {
        #expect(d(value).rounded(places: places).description == expected)
    }

    @Test func downTruncates() {
        #expect(d("2.679").rounded(places: 2, .down).description == "2.67")
        #expect(d("-2.679").rounded(places: 2, .down).description == "-2.67")
    }

    @Test("division rounds the exact quotient", arguments: [
        ("1", "3", 2, "0.33"), ("2", "3", 2, "0.67"), ("1", "8", 2, "0.13"), ("-1", "8", 2, "-0.13"), ("10", "4", 0, "3"),
        ("950000", "1200000", 4, "0.7917"), ("8280", "931", 6, "8.893663"), ("1", "-3", 3, "-0.333"),
    ])
    func division(_ a: String, _ b: String, _ places: Int, _ expected: String) {
        #expect(d(a).divided(by: d(b), places: places)?.description == expected)
    }

    @Test func divisionByZeroIsNil() {
        #expect(d("1").divided(by: .zero, places: 2) == nil)
    }

    @Test func jsonCarriesAString() throws {
        let data = try JSONEncoder().encode(["score": d("85.50")])
        #expect(String(decoding: data, as: UTF8.self) == #"{"score":"85.50"}"#)
        // A JSON number is refused: it may already have passed through a Double.
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([String: ExactDecimal].self, from: Data(#"{"score":85.5}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([String: ExactDecimal].self, from: Data(#"{"score":"8e1"}"#.utf8)) }
    }
}
