@testable import BidCore
import Foundation
import Testing

/// Bid cleaning (清标) of priced bills of quantities (评标委员会和评标方法暂行规定 art. 19; RULES.md).
struct BidCleaningTests {
    func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

    @Test("amounts in words", arguments: [
        ("叁仟陆佰捌拾捌万元整", "36880000.00"), ("人民币壹拾万零伍元伍角", "100005.50"), ("拾元整", "10.00"),
        ("壹亿贰仟万元整", "120000000.00"), ("壹仟零伍元零伍分", "1005.05"), ("玖拾玖元玖角玖分", "99.99"), ("伍佰元正", "500.00"),
        ("壹拾贰万叁仟肆佰伍拾陆元柒角捌分", "123456.78"),
    ])
    func wordsParse(_ words: String, _ amount: String) {
        #expect(ChineseAmount.parse(words) == d(amount))
    }

    @Test("unreadable words", arguments: ["", "叁仟", "壹贰元", "元整", "三千元", "壹仟元整伍", "伍角"])
    func wordsRefused(_ words: String) {
        #expect(ChineseAmount.parse(words) == nil)
    }

    @Test("amounts written in words", arguments: [
        ("38000000.00", "叁仟捌佰万元整"), ("100005.50", "壹拾万零伍元伍角"), ("1005.05", "壹仟零伍元零伍分"), ("0.05", "零元零伍分"),
        ("120000000", "壹亿贰仟万元整"), ("100000001.10", "壹亿零壹元壹角"), ("10010000", "壹仟零壹万元整"), ("0", "零元整"),
        ("123456.78", "壹拾贰万叁仟肆佰伍拾陆元柒角捌分"), ("1010", "壹仟零壹拾元整"),
    ])
    func wordsWritten(_ amount: String, _ words: String) {
        #expect(ChineseAmount.words(d(amount)) == words)
    }

    @Test("words written read back as the same amount; what cannot be written is refused")
    func wordsRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let cents = Int128(Int64.random(in: 0..<100_000_000_000_000, using: &generator)) / Int128([1, 10, 1000, 100_000][Int.random(in: 0..<4, using: &generator)])
            let amount = ExactDecimal(significand: cents, scale: 2)
            let words = ChineseAmount.words(amount)
            #expect(words.flatMap(ChineseAmount.parse) == amount, "\(amount) → \(words ?? "nil")")
        }
        #expect(ChineseAmount.words(d("-1")) == nil)
        #expect(ChineseAmount.words(d("1.005")) == nil)
        #expect(ChineseAmount.words(d("1.500")) == "壹元伍角")
        #expect(ChineseAmount.words(d("999999999999.99")) == "玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分")
        #expect(ChineseAmount.words(d("1000000000000")) == nil)
    }

    static let tenderBill = """
        code,name,unit,quantity,controlUnitPrice
        040101001,挖一般土方,m3,1200,18.50
        040202001,路床整形,m2,5600,3.20
        040203005,水泥混凝土路面,m2,5600,128.00
        040801001,人行道块料铺设,m2,900,96.00
        """

    @Test func aCleanBillHasNoFindings() throws {
        let bid = try BillOfQuantities.parseBidBill("""
            code,name,unit,quantity,unitPrice,total,words
            040101001,挖一般土方,m3,1200,18.00,21600.00,
            040202001,路床整形,m2,5600,3.10,17360.00,
            040203005,水泥混凝土路面,m2,5600,125.00,700000.00,
            040801001,人行道块料铺设,m2,900,95.00,85500.00,
            TOTAL,,,,,824460.00,捌拾贰万肆仟肆佰陆拾元整
            """)
        let report = BidCleaning.clean(bid: bid, tender: try BillOfQuantities.parseTenderBill(Self.tenderBill), unbalancedPercent: 15)
        #expect(report.findings.isEmpty)
        #expect(report.correctedTotal == d("824460.00"))
        #expect(!report.needsConfirmation)
    }

    @Test func correctionsFollowArticle19() throws {
        let bid = try BillOfQuantities.parseBidBill("""
            code,name,unit,quantity,unitPrice,total,words
            040101001,挖一般土方,m3,1200,18.00,2160.00,
            040202001,路床整形,m2,5600,3.10,17630.00,
            040203005,水泥混凝土路面,m2,5600,12.50,700000.00,
            040801001,人行道块料铺设,m2,900,140.00,126000.00,
            040901001,新增绿化,m2,10,50.00,500.00,
            TOTAL,,,,,850000.00,捌拾伍万元整
            """)
        let report = BidCleaning.clean(bid: bid, tender: try BillOfQuantities.parseTenderBill(Self.tenderBill), unbalancedPercent: 15)
        let kinds = report.findings.map { "\($0.kind.rawValue):\($0.item)" }
        // 1200 × 18.00 = 21,600 ≠ 2,160. 2,160 would be 1200 × 1.80, but 18.00 is the price near the
        // control 18.50: the point is not plainly misplaced, so the unit price prevails.
        #expect(report.findings.contains { $0.kind == .lineTotalCorrected && $0.item == "040101001" && $0.corrected == d("21600.00") })
        // 5600 × 3.10 = 17,360 ≠ 17,630 (digits transposed): the unit price prevails.
        #expect(report.findings.contains { $0.kind == .lineTotalCorrected && $0.item == "040202001" && $0.corrected == d("17360.00") })
        // 12.50 × 5600 = 70,000 ≠ 700,000 = 125.00 × 5600, and 125.00 is near the control 128.00 where
        // 12.50 is not: the point is plainly misplaced, the total prevails and the unit price is 125.
        #expect(report.findings.contains { $0.kind == .unitPriceDecimalMisplaced && $0.item == "040203005" && $0.corrected == d("125") })
        // 140 against a control of 96 is +45.83 %: unbalanced; 18.00 against 18.50 (−2.7 %) is not.
        #expect(kinds.contains("unbalanced-high:040801001"))
        #expect(!kinds.contains("unbalanced-low:040101001"))
        #expect(kinds.contains("item-added:040901001"))
        // Σ corrected = 21,600 + 17,360 + 700,000 + 126,000 + 500 = 865,460 ≠ 850,000.
        #expect(report.correctedTotal == d("865460.00"))
        #expect(report.findings.contains { $0.kind == .totalCorrected && $0.corrected == d("865460.00") })
        #expect(report.needsConfirmation)
    }

    @Test func wordsPrevailOverFigures() throws {
        let bid = try BillOfQuantities.parseBidBill("""
            code,name,unit,quantity,unitPrice,total,words
            040101001,挖一般土方,m3,1200,18.50,22200.00,
            TOTAL,,,,,22000.00,贰万贰仟贰佰元整
            """)
        let report = BidCleaning.clean(bid: bid, tender: try BillOfQuantities.parseTenderBill(Self.tenderBill), unbalancedPercent: 15)
        #expect(report.findings.contains { $0.kind == .wordsOverFigures && $0.item == "TOTAL" && $0.corrected == d("22200.00") })
        #expect(!report.findings.contains { $0.kind == .totalCorrected })  // the words agree with the lines
        #expect(report.findings.filter { $0.kind == .itemMissing }.count == 3)
    }

    @Test("malformed bills are refused", arguments: [
        "", "code,name\nA,B", "code,name,unit,quantity,unitPrice,total\nA,x,m,1,2,2",  // no TOTAL
        "code,name,unit,quantity,unitPrice,total\nA,x,m,1,2\nTOTAL,,,,,2",
        "code,name,unit,quantity,unitPrice,total\nA,x,m,1,2,2\nA,x,m,1,2,2\nTOTAL,,,,,4",
        "code,name,unit,quantity,unitPrice,total\nA,x,m,1,2e1,2\nTOTAL,,,,,2",
        "code,name,unit,quantity,unitPrice,total\nA,x,m,-1,2,2\nTOTAL,,,,,2",
        "code,name,unit,quantity,unitPrice,total\nTOTAL,,,,,2\nA,x,m,1,2,2",
    ])
    func malformed(_ text: String) {
        #expect(throws: BidCoreError.self) { try BillOfQuantities.parseBidBill(text) }
    }
}

extension BidCleaningTests {
    @Test("hostile amounts: words that overflow, digits beyond the bounds, a flood of lines — refused, never a trap")
    func hostileAmounts() throws {
        #expect(ChineseAmount.parse("壹亿亿亿亿亿亿亿元") == nil)
        #expect(ChineseAmount.parse("玖仟玖佰玖拾玖万玖仟玖佰玖拾玖亿玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元") == nil)  // 10^16 − 1
        #expect(ChineseAmount.parse(String(repeating: "壹拾", count: 40) + "元") == nil)
        let huge = String(repeating: "9", count: 30)
        #expect(throws: BidCoreError.self) {
            try BillOfQuantities.parseBidBill("code,name,unit,quantity,unitPrice,total\nA,x,m,\(huge),\(huge),1\nTOTAL,,,,,1")
        }
        // The largest values the bounds allow still clean without overflow, the misplaced-point search included.
        let big = try BillOfQuantities.parseBidBill("code,name,unit,quantity,unitPrice,total\nA,x,m,999999999999.999999,9999999999999.999999,999999999999999.99\nTOTAL,,,,,1")
        let tender = try BillOfQuantities.parseTenderBill("code,name,unit,quantity,controlUnitPrice\nA,x,m,1,9999999999999.999999")
        #expect(!BidCleaning.clean(bid: big, tender: tender, unbalancedPercent: 15).findings.isEmpty)
        #expect(throws: BidCoreError.self) { try BillOfQuantities.parseBidBill("code,name,unit,quantity,unitPrice,total\n" + String(repeating: "\n", count: 200_000)) }
    }
}
