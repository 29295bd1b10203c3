@testable import BidCore
import Foundation
import Testing

/// Price formulas (RULES.md, "Scoring methods"), checked against worked examples from published
/// tender documents. Each expected figure was worked out by hand from the document's formula
/// (and checked with Python's `decimal` at ROUND_HALF_UP); the source is named with each example.
struct PriceScoringTests {
    func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }
    func bids(_ prices: [(String, String)]) -> [PricedBid] { prices.map { PricedBid(id: $0.0, price: ExactDecimal($0.1)!) } }

    func rubric(max: String, formula: PriceFormula) -> Rubric {
        Rubric(criteria: [Criterion(id: "P", name: "投标报价", kind: .price, part: .commercial, maximum: d(max))], price: formula)
    }

    /// Example 1. An engineering tender's 评标办法 (huatuo0.cn/wenku, 2015), clause 2.2.2–2.2.6:
    /// "基准价为所有通过技术、商务评审的合格投标人的评标价去掉部分高价和部分低价后的算术平均值×(1+浮动系数),
    /// 浮动系数为-5%。合格投标数量≤5时，直接计算；=6时，去掉一个最高价；≥7时，去掉一个最高价、一个最低价。
    /// 价格得分=100-100n×|评标价-基准价|/基准价，四舍五入取后两位。评标价≤基准价时 n=0.8，>基准价时 n=1.2。
    /// 报价分最低0分。" The document does not say how the base is rounded; this rubric keeps it to the fen.
    ///
    /// Seven bids A 10,000,000; B 9,800,000; C 9,600,000; D 10,200,000; E 9,400,000; F 10,500,000; G 9,000,000.
    /// Seven → drop F (highest) and G (lowest): mean (10.0 + 9.8 + 9.6 + 10.2 + 9.4) M / 5 = 9,800,000.00;
    /// × (1 − 0.05) = 9,310,000.00. A: 100 − 120 × 690,000 / 9,310,000 = 100 − 8.893662… = 91.11.
    /// B: 100 − 120 × 490,000 / 9,310,000 = 93.68. C: 100 − 120 × 290,000 / 9,310,000 = 96.26.
    /// D: 100 − 120 × 890,000 / 9,310,000 = 88.53. E: 100 − 120 × 90,000 / 9,310,000 = 98.84.
    /// F: 100 − 120 × 1,190,000 / 9,310,000 = 84.66. G (below): 100 − 80 × 310,000 / 9,310,000 = 97.34.
    static let example1 = BenchmarkPriceFormula(
        drop: [.init(whenAtLeast: 6, highest: 1, lowest: 0), .init(whenAtLeast: 7, highest: 1, lowest: 1)],
        delta: .fixed(ExactDecimal("0.05")!), benchmarkPlaces: 2, deviationPlaces: nil, slopeAbove: ExactDecimal("1.2")!, slopeBelow: ExactDecimal("0.8")!,
        floor: .zero)

    @Test func benchmarkWorkedExampleSevenBids() throws {
        let outcome = try PriceScoring.score(bids([("A", "10000000"), ("B", "9800000"), ("C", "9600000"), ("D", "10200000"),
                                                   ("E", "9400000"), ("F", "10500000"), ("G", "9000000")]),
                                             rubric: rubric(max: "100", formula: .benchmark(Self.example1)))
        #expect(outcome.base == d("9800000.00"))
        #expect(outcome.benchmark == d("9310000.00"))
        #expect(Set(outcome.droppedFromBase) == ["F", "G"])
        let expected = ["A": "91.11", "B": "93.68", "C": "96.26", "D": "88.53", "E": "98.84", "F": "84.66", "G": "97.34"]
        #expect(outcome.scores.mapValues(\.description) == expected)
    }

    /// Example 1 again with six bids (A, B, C, D, G and F; no E): six → drop only the highest (F).
    /// Mean (10.0 + 9.8 + 9.6 + 10.2 + 9.0) M / 5 = 9,720,000.00; × 0.95 = 9,234,000.00.
    /// A: 100 − 120 × 766,000 / 9,234,000 = 90.05. B: 100 − 120 × 566,000 / 9,234,000 = 92.64.
    /// C: 100 − 120 × 366,000 / 9,234,000 = 95.24. D: 100 − 120 × 966,000 / 9,234,000 = 87.45.
    /// G (below): 100 − 80 × 234,000 / 9,234,000 = 97.97. F: 100 − 120 × 1,266,000 / 9,234,000 = 83.55.
    @Test func benchmarkWorkedExampleSixBids() throws {
        let outcome = try PriceScoring.score(bids([("A", "10000000"), ("B", "9800000"), ("C", "9600000"), ("D", "10200000"),
                                                   ("G", "9000000"), ("F", "10500000")]),
                                             rubric: rubric(max: "100", formula: .benchmark(Self.example1)))
        #expect(outcome.droppedFromBase == ["F"])
        #expect(outcome.benchmark == d("9234000.00"))
        #expect(outcome.scores.mapValues(\.description) == ["A": "90.05", "B": "92.64", "C": "95.24", "D": "87.45", "G": "97.97", "F": "83.55"])
    }

    /// Example 2. A tender correction notice (thebid.cn/gonggao/998201): "S=(a1+…+an−M−N)/(n−2)(n≥5)
    /// 或 S=(a1+…+an)/n(n≤4) … Y=60−P×K×100 (Y≥0) … ai 大于 S 时，K 取 0.2；ai 小于 S 时，K 取 0.1；
    /// ai 等于 S 时，K 取 0 … 保留 2 位小数". S kept to the fen (the notice does not say).
    ///
    /// Five bids 3,560,000; 3,420,000; 3,380,000; 3,300,000; 3,650,000 → drop 3,650,000 and 3,300,000:
    /// S = 10,360,000 / 3 = 3,453,333.33. 3,560,000: 60 − 0.2 × 100 × 106,666.67 / 3,453,333.33 = 59.38.
    /// 3,420,000: 60 − 0.1 × 100 × 33,333.33 / S = 59.90. 3,380,000: 60 − 10 × 73,333.33 / S = 59.79.
    /// 3,300,000: 60 − 10 × 153,333.33 / S = 59.56. 3,650,000: 60 − 20 × 196,666.67 / S = 58.86.
    @Test func benchmarkWorkedExampleCorrectionNotice() throws {
        let formula = BenchmarkPriceFormula(drop: [.init(whenAtLeast: 5, highest: 1, lowest: 1)], slopeAbove: d("0.2"), slopeBelow: d("0.1"), floor: .zero)
        let outcome = try PriceScoring.score(bids([("a1", "3560000"), ("a2", "3420000"), ("a3", "3380000"), ("a4", "3300000"), ("a5", "3650000")]),
                                             rubric: rubric(max: "60", formula: .benchmark(formula)))
        #expect(outcome.benchmark == d("3453333.33"))
        #expect(outcome.scores.mapValues(\.description) == ["a1": "59.38", "a2": "59.90", "a3": "59.79", "a4": "59.56", "a5": "58.86"])
        // Four bids: nothing dropped, S is the plain mean.
        let four = try PriceScoring.score(bids([("a1", "3560000"), ("a2", "3420000"), ("a3", "3380000"), ("a4", "3300000")]),
                                          rubric: rubric(max: "60", formula: .benchmark(formula)))
        #expect(four.droppedFromBase.isEmpty)
        #expect(four.benchmark == d("3415000.00"))
    }

    /// Example 3. Government procurement, 政府采购货物和服务招标投标管理办法 (财政部令第87号) art. 55:
    /// "投标报价得分=(评标基准价/投标报价)×价格权值×100", the base being the lowest valid price. Price
    /// weight 30 %: 950,000 → 30.00; 1,000,000 → 950,000 / 1,000,000 × 30 = 28.50; 1,200,000 → 23.75;
    /// 1,100,000 → 25.909… = 25.91.
    @Test func lowestPriceFirstWorkedExample() throws {
        let outcome = try PriceScoring.score(bids([("x", "950000"), ("y", "1000000"), ("z", "1200000"), ("w", "1100000")]),
                                             rubric: rubric(max: "30", formula: .lowestPriceFirst))
        #expect(outcome.lowest == d("950000"))
        #expect(outcome.scores.mapValues(\.description) == ["x": "30.00", "y": "28.50", "z": "23.75", "w": "25.91"])
    }

    @Test func roundedDeviationIsAParameter() throws {
        // With the deviation rounded to 2 places first (as some documents say "偏差率保留两位小数"):
        // A's D = 690,000 / 9,310,000 × 100 = 7.4114…% → 7.41; 100 − 1.2 × 7.41 = 91.108 → 91.11;
        // D's D = 9.5596…% → 9.56; 100 − 1.2 × 9.56 = 88.528 → 88.53; F's 12.78 → 84.664 → 84.66.
        var formula = Self.example1
        formula.deviationPlaces = 2
        let outcome = try PriceScoring.score(bids([("A", "10000000"), ("B", "9800000"), ("C", "9600000"), ("D", "10200000"),
                                                   ("E", "9400000"), ("F", "10500000"), ("G", "9000000")]),
                                             rubric: rubric(max: "100", formula: .benchmark(formula)))
        #expect(outcome.deviations["A"] == d("7.41"))
        #expect(outcome.scores["A"] == d("91.11"))
        // B's D = 5.2631…% → 5.26; 100 − 1.2 × 5.26 = 93.688 → 93.69: a fen more than 93.68 unrounded.
        #expect(outcome.scores["B"] == d("93.69"))
        #expect(outcome.scores["G"] == d("97.34"))  // D = −3.33 → 100 − 2.664
    }

    @Test func floorAndCapBound() throws {
        let formula = BenchmarkPriceFormula(slopeAbove: d("2"), slopeBelow: d("1"), floor: d("20"), maxDeduction: d("50"))
        // Benchmark = mean = 1,000,000.00 (no drop, δ 0). 2,000,000 is 100 % above: deduction 200, capped at 50 → 50.
        // 5,000,000 is 400 % above → still 50 (cap), never under the floor 20.
        let outcome = try PriceScoring.score(bids([("a", "1000000"), ("b", "2000000"), ("c", "0.01"), ("d", "999999.99")]),
                                             rubric: rubric(max: "100", formula: .benchmark(formula)))
        #expect(outcome.benchmark == d("1000000.00"))
        #expect(outcome.scores.values.allSatisfy { $0 >= d("20") && $0 <= d("100") })
        #expect(outcome.scores["b"] == d("50.00"))
    }

    @Test func drawnDeltaMustComeFromThePublishedSet() throws {
        let formula = BenchmarkPriceFormula(delta: .drawn([d("0.01"), d("0.03")]), slopeAbove: 1, slopeBelow: 1)
        let priced = bids([("a", "100"), ("b", "200")])
        #expect(throws: BidCoreError.self) { try PriceScoring.score(priced, rubric: rubric(max: "10", formula: .benchmark(formula)), delta: d("0.02")) }
        #expect(throws: BidCoreError.self) { try PriceScoring.score(priced, rubric: rubric(max: "10", formula: .benchmark(formula))) }
        let outcome = try PriceScoring.score(priced, rubric: rubric(max: "10", formula: .benchmark(formula)), delta: d("0.03"))
        #expect(outcome.benchmark == d("145.50"))  // 150 × 0.97
    }

    // MARK: Properties

    /// A small deterministic generator for the property tests (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
        mutating func price() -> ExactDecimal { ExactDecimal(significand: Int128(5_000_000_00 + next() % 5_000_000_00), scale: 2) }
    }

    static let formulas: [PriceFormula] = [.lowestPriceFirst, .benchmark(example1),
                                           .benchmark(BenchmarkPriceFormula(drop: [.init(whenAtLeast: 5, highest: 1, lowest: 1)], slopeAbove: ExactDecimal("0.2")!,
                                                                            slopeBelow: ExactDecimal("0.1")!, floor: .zero))]

    @Test("scores stay within bounds and do not depend on the order of the bids", arguments: 0..<3)
    func boundsAndOrder(_ which: Int) throws {
        var random = Generator(state: UInt64(which) + 7)
        let scoring = rubric(max: "60", formula: Self.formulas[which])
        for _ in 0..<150 {
            let count = Int(random.next() % 12) + 1
            let priced = (0..<count).map { PricedBid(id: "b\($0)", price: random.price()) }
            let outcome = try PriceScoring.score(priced, rubric: scoring)
            #expect(outcome.scores.count == count)
            #expect(outcome.scores.values.allSatisfy { !$0.isNegative && $0 <= d("60") && $0.scale == 2 })
            var shuffled = priced
            for index in shuffled.indices.reversed() { shuffled.swapAt(index, Int(random.next() % UInt64(index + 1))) }
            #expect(try PriceScoring.score(shuffled, rubric: scoring) == outcome)
        }
    }

    @Test("a higher price never scores more (low price first; above and below a benchmark)")
    func monotonic() throws {
        var random = Generator(state: 99)
        for which in 0..<3 {
            let scoring = rubric(max: "60", formula: Self.formulas[which])
            for _ in 0..<100 {
                let priced = (0..<9).map { PricedBid(id: "b\($0)", price: random.price()) }
                let outcome = try PriceScoring.score(priced, rubric: scoring)
                let byPrice = priced.sorted { $0.price < $1.price }
                for (lower, higher) in zip(byPrice, byPrice.dropFirst()) {
                    let benchmark = outcome.benchmark ?? .zero
                    if outcome.benchmark == nil || lower.price >= benchmark {
                        #expect(outcome.scores[lower.id]! >= outcome.scores[higher.id]!)
                    } else if higher.price <= benchmark {
                        // Below the benchmark, nearer the benchmark is nearer full marks.
                        #expect(outcome.scores[lower.id]! <= outcome.scores[higher.id]!)
                    }
                }
            }
        }
    }
}
