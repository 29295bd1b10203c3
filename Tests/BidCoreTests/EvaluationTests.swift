@testable import BidCore
import Foundation
import Testing

/// Aggregation, deviation flags, ranking and rubric validation (RULES.md, "Evaluation" and
/// "Scoring methods"; Reg. art. 51, 53).
struct EvaluationTests {
    func d(_ text: String) -> ExactDecimal { ExactDecimal(text)! }

    /// 技术 40 (two subjective items) + 信用 10 (objective) + 价格 50 (low price first).
    func rubric(aggregation: Aggregation = .init(), tieBreaks: [TieBreak] = [.lowerPrice, .draw]) -> Rubric {
        Rubric(criteria: [
            Criterion(id: "T1", name: "施工组织设计", kind: .subjective, part: .technical, maximum: 25),
            Criterion(id: "T2", name: "项目管理机构", kind: .subjective, part: .technical, maximum: 15),
            Criterion(id: "C1", name: "企业信用", kind: .objective, part: .qualification, maximum: 10),
            Criterion(id: "P", name: "投标报价", kind: .price, part: .commercial, maximum: 50),
        ], price: .lowestPriceFirst, aggregation: aggregation, tieBreaks: tieBreaks)
    }

    func sheet(_ t1: String, _ t2: String, _ c1: String) -> [String: ExactDecimal] { ["T1": d(t1), "T2": d(t2), "C1": d(c1)] }

    @Test func meanAndTrimmedMean() {
        let scores = ["20", "21", "22", "23", "18", "24", "25"].map(d)
        // Mean: 153 / 7 = 21.857… → 21.86. Trimmed (7 ≥ 7): drop 18 and 25 → 110 / 5 = 22.00.
        #expect(ScoreAggregation.aggregate(scores, rubric: rubric()) == d("21.86"))
        #expect(ScoreAggregation.aggregate(scores, rubric: rubric(aggregation: .init(method: .trimmedMean, trimWhenAtLeast: 7))) == d("22.00"))
        // Below the threshold nothing is dropped.
        #expect(ScoreAggregation.aggregate(Array(scores.prefix(5)), rubric: rubric(aggregation: .init(method: .trimmedMean, trimWhenAtLeast: 7))) == d("20.80"))
    }

    @Test func deviationFlagsNeedExplanations() {
        // Others' mean on B-1/T1 = (20 + 21 + 19 + 20) / 4 = 20; 30 % is 6: 26 is fine, 26.01 is not.
        var sheets: [String: [String: [String: ExactDecimal]]] = [:]
        for (member, score) in [("m1", "20"), ("m2", "21"), ("m3", "19"), ("m4", "20"), ("m5", "26.01")] {
            sheets[member] = ["B-1": ["T1": d(score)]]
        }
        let flags = DeviationCheck.flags(sheets, rubric: rubric())
        #expect(flags.map(\.member) == ["m5"])
        #expect(flags.first?.othersMean == d("20.00"))
        sheets["m5"] = ["B-1": ["T1": d("26")]]
        #expect(DeviationCheck.flags(sheets, rubric: rubric()).isEmpty)
        // Low is as suspicious as high.
        sheets["m5"] = ["B-1": ["T1": d("13.99")]]
        #expect(DeviationCheck.flags(sheets, rubric: rubric()).map(\.member) == ["m5"])
    }

    func fiveMembers(_ perBid: [String: [String: ExactDecimal]]) -> [String: [String: [String: ExactDecimal]]] {
        Dictionary(uniqueKeysWithValues: (1...5).map { ("m\($0)", perBid) })
    }

    @Test func rankingTotalsRejectionsAndCandidates() throws {
        let bids = [ScoringBid(id: "B-1", price: d("9500000")), ScoringBid(id: "B-2", price: d("10000000")),
                    ScoringBid(id: "B-3", price: d("9000000"), rejected: true), ScoringBid(id: "B-4", price: d("9800000")),
                    ScoringBid(id: "B-5", price: d("9900000"))]
        let sheets = fiveMembers(["B-1": sheet("20", "12", "8"), "B-2": sheet("24", "14", "10"), "B-4": sheet("18", "10", "9"), "B-5": sheet("15", "10", "5")])
        let outcome = try Evaluator.evaluate(method: .comprehensive, rubric: rubric(), bids: bids, sheets: sheets, tieSeed: [1])
        // Rejected B-3 (the lowest price) is not scored and is not the price base: B-1 is.
        #expect(outcome.price?.lowest == d("9500000"))
        let b2 = try #require(outcome.bids.first { $0.id == "B-2" })
        // B-2: 24 + 14 + 10 + 50 × 9.5 / 10 = 47.50 → 95.50.
        #expect(b2.total == d("95.50"))
        #expect(b2.technical == d("38.00"))
        #expect(outcome.ranking.map(\.id) == ["B-2", "B-1", "B-4", "B-5"])  // 95.50, 90.00, 85.47, 78.99
        #expect(outcome.candidates.map(\.id) == ["B-2", "B-1", "B-4"])  // Reg. art. 53: at most 3
        #expect(outcome.bids.first { $0.id == "B-3" }?.rank == nil)
    }

    @Test func tieBreaksInTheRubricsOrder() throws {
        // B-1 and B-2 total the same; B-1 is cheaper → first with lower-price; with higher-technical first, B-2.
        let bids = [ScoringBid(id: "B-1", price: d("100")), ScoringBid(id: "B-2", price: d("100.50"))]
        let simple = Rubric(criteria: [Criterion(id: "T1", name: "技术", kind: .subjective, part: .technical, maximum: 60),
                                       Criterion(id: "C1", name: "商务", kind: .objective, part: .commercial, maximum: 40)], price: nil)
        let sheets = fiveMembers(["B-1": ["T1": d("50"), "C1": d("30")], "B-2": ["T1": d("55"), "C1": d("25")]])
        var rubric = simple
        rubric.tieBreaks = [.lowerPrice, .draw]
        #expect(try Evaluator.evaluate(method: .comprehensive, rubric: rubric, bids: bids, sheets: sheets, tieSeed: [1]).ranking.map(\.id) == ["B-1", "B-2"])
        rubric.tieBreaks = [.higherTechnical, .lowerPrice, .draw]
        #expect(try Evaluator.evaluate(method: .comprehensive, rubric: rubric, bids: bids, sheets: sheets, tieSeed: [1]).ranking.map(\.id) == ["B-2", "B-1"])
        // Equal in everything: the draw decides, by the seed, and the same seed decides the same way.
        let equal = [ScoringBid(id: "B-1", price: d("100")), ScoringBid(id: "B-2", price: d("100"))]
        let same = fiveMembers(["B-1": ["T1": d("50"), "C1": d("30")], "B-2": ["T1": d("50"), "C1": d("30")]])
        var orders = Set<[String]>()
        for seed in 0..<16 {
            let order = try Evaluator.evaluate(method: .comprehensive, rubric: simple, bids: equal, sheets: same, tieSeed: [UInt8(seed)]).ranking.map(\.id)
            let expected = ExpertDraw.tieBreakKey(bid: "B-1", seed: [UInt8(seed)]).lexicographicallyPrecedes(ExpertDraw.tieBreakKey(bid: "B-2", seed: [UInt8(seed)]))
            #expect(order == (expected ? ["B-1", "B-2"] : ["B-2", "B-1"]))
            orders.insert(order)
        }
        #expect(orders.count == 2)
    }

    @Test func lowestEvaluatedPriceRanksByPriceAndAdjustments() throws {
        let rubric = Rubric(criteria: [], price: nil, tieBreaks: [.draw], candidates: 2)
        try rubric.validate(for: .lowestEvaluatedPrice)
        let bids = [ScoringBid(id: "B-1", price: d("9500000"), adjustments: d("600000")), ScoringBid(id: "B-2", price: d("10000000")),
                    ScoringBid(id: "B-3", price: d("8000000"), rejected: true), ScoringBid(id: "B-4", price: d("9800000"), adjustments: d("-100000"))]
        let outcome = try Evaluator.evaluate(method: .lowestEvaluatedPrice, rubric: rubric, bids: bids, sheets: [:], tieSeed: [])
        #expect(outcome.ranking.map(\.id) == ["B-4", "B-2", "B-1"])  // 9.7 M, 10.0 M, 10.1 M
        #expect(outcome.candidates.count == 2)
    }

    @Test func sheetsOutsideTheRubricAreRefused() throws {
        let bids = [ScoringBid(id: "B-1", price: d("100"))]
        for bad in [sheet("26", "12", "8"), sheet("20", "-1", "8"), sheet("20.125", "12", "8"), ["T1": d("20"), "T2": d("12")]] {
            #expect(throws: BidCoreError.self) {
                try Evaluator.evaluate(method: .comprehensive, rubric: rubric(), bids: bids, sheets: fiveMembers(["B-1": bad]), tieSeed: [])
            }
        }
        // A sheet for a rejected bid, or one missing a bid, is refused too.
        #expect(throws: BidCoreError.self) {
            try Evaluator.evaluate(method: .comprehensive, rubric: rubric(), bids: bids + [ScoringBid(id: "B-2", price: d("1"), rejected: true)],
                                   sheets: fiveMembers(["B-1": sheet("20", "12", "8"), "B-2": sheet("20", "12", "8")]), tieSeed: [])
        }
    }

    @Test func totalsDoNotDependOnOrder() throws {
        var random = PriceScoringTests.Generator(state: 5)
        for _ in 0..<40 {
            let bids = (0..<6).map { ScoringBid(id: "B-\($0)", price: random.price()) }
            var sheets: [String: [String: [String: ExactDecimal]]] = [:]
            for member in 0..<5 {
                sheets["m\(member)"] = Dictionary(uniqueKeysWithValues: bids.map { bid in
                    (bid.id, ["T1": ExactDecimal(Int(random.next() % 26)), "T2": ExactDecimal(Int(random.next() % 16)), "C1": ExactDecimal(Int(random.next() % 11))])
                })
            }
            let outcome = try Evaluator.evaluate(method: .comprehensive, rubric: rubric(), bids: bids, sheets: sheets, tieSeed: [9])
            let reversed = try Evaluator.evaluate(method: .comprehensive, rubric: rubric(), bids: bids.reversed(), sheets: sheets, tieSeed: [9])
            #expect(outcome.ranking.map(\.id) == reversed.ranking.map(\.id))
            #expect(outcome.ranking.allSatisfy { $0.total! <= d("100") && !$0.total!.isNegative })
        }
    }

    // MARK: Rubric validation

    @Test func theSeedRubricValidates() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../seeds/tenders/demo-tender.json")
        let tender = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let evaluation = try JSONSerialization.data(withJSONObject: tender["evaluation"]!)
        let spec = try EvaluationSpec.decodeValidated(evaluation)
        #expect(spec.committee?.size ?? 0 >= 5)
    }

    @Test("bad rubrics are refused with a reason", arguments: [
        #"{"method":"comprehensive","rubric":{"criteria":[]}}"#,
        #"{"method":"lottery","rubric":{"criteria":[]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"P","name":"价","kind":"price","maximum":"50"}]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"},{"id":"T","name":"技","kind":"subjective","maximum":"50"}]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":50}]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50.125"}]}}"#,
        #"{"method":"comprehensive","rubric":{"candidates":4,"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"}]}}"#,
        #"{"method":"comprehensive","rubric":{"tieBreaks":["lower-price"],"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"}]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"P","name":"价","kind":"price","maximum":"50"}],"price":{"formula":"benchmark","drop":[{"whenAtLeast":2,"highest":1,"lowest":1}],"slopeAbove":"1","slopeBelow":"1","benchmarkPlaces":2}}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"P","name":"价","kind":"price","maximum":"50"}],"price":{"formula":"benchmark","drop":[],"delta":{"fixed":"0.5"},"slopeAbove":"1","slopeBelow":"1","benchmarkPlaces":2}}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"}]},"committee":{"size":4,"seats":[{"specialty":"市政","count":4}]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"}]},"committee":{"size":7,"tendererRepresentatives":3,"seats":[{"specialty":"市政","count":4}]}}"#,
        #"{"method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"}]},"committee":{"size":5,"seats":[{"specialty":"市政","count":5,"from":"other-regions"}]}}"#,
        #"{"method":"lowest-evaluated-price","rubric":{"criteria":[{"id":"P","name":"价","kind":"price","maximum":"50"}],"price":{"formula":"lowest-price-first"}}}"#,
        #"{"method":"comprehensive","method":"comprehensive","rubric":{"criteria":[{"id":"T","name":"技","kind":"subjective","maximum":"50"}]}}"#,
    ])
    func badRubrics(_ json: String) {
        #expect(throws: BidCoreError.self) { try EvaluationSpec.decodeValidated(Data(json.utf8)) }
    }
}
