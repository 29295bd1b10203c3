import Foundation

/// A bid entering scoring: what compliance review decided and, for the lowest evaluated price
/// method, the priced adjustments the committee recorded (评标价调整, positive or negative).
public struct ScoringBid: Sendable, Equatable {
    public var id: String
    public var price: ExactDecimal
    /// Rejected in compliance review (否决投标, Reg. art. 51): not scored, not ranked.
    public var rejected: Bool
    public var adjustments: ExactDecimal
    public init(id: String, price: ExactDecimal, rejected: Bool = false, adjustments: ExactDecimal = .zero) {
        self.id = id
        self.price = price
        self.rejected = rejected
        self.adjustments = adjustments
    }
}

/// One bid's result.
public struct BidResult: Sendable, Equatable {
    public var id: String
    public var price: ExactDecimal
    public var rejected: Bool
    /// Criterion id → aggregated score (before weight), price included.
    public var criteria: [String: ExactDecimal]
    /// Σ aggregate × weight, each product rounded to the rubric's places (comprehensive).
    public var total: ExactDecimal?
    /// Σ over technical criteria, the same way (for the higher-technical tie-break).
    public var technical: ExactDecimal?
    /// Price plus adjustments (lowest evaluated price).
    public var evaluatedPrice: ExactDecimal?
    /// 1-based rank among the bids not rejected; nil for rejected bids.
    public var rank: Int?
    public var candidate: Bool
}

public struct EvaluationOutcome: Sendable, Equatable {
    public var bids: [BidResult]
    public var price: PriceOutcome?
    public var deviations: [DeviationFlag]
    /// The ranked bids, best first.
    public var ranking: [BidResult] { bids.filter { $0.rank != nil }.sorted { $0.rank! < $1.rank! } }
    public var candidates: [BidResult] { ranking.filter(\.candidate) }
}

/// The whole scoring of a tender as one pure function: price scores, aggregation of the members'
/// revealed sheets, totals, deviation flags, ranking with the rubric's tie-breaks, candidates.
public enum Evaluator {
    /// `sheets`: member → bid → criterion → score, for every scored criterion of every bid not
    /// rejected. `tieSeed` is the draw's seed (the `draw` tie-break).
    public static func evaluate(method: EvaluationMethod, rubric: Rubric, bids: [ScoringBid], sheets: [String: [String: [String: ExactDecimal]]],
                                delta: ExactDecimal? = nil, tieSeed: [UInt8], hash: HashAlgorithm = .sha256) throws -> EvaluationOutcome {
        guard Set(bids.map(\.id)).count == bids.count else { throw BidCoreError(.scoringInvalid, "a bid appears twice") }
        let valid = bids.filter { !$0.rejected }
        try checkSheets(sheets, rubric: rubric, bids: valid)
        var price: PriceOutcome?
        if method == .comprehensive, rubric.priceCriterion != nil {
            price = try PriceScoring.score(valid.map { PricedBid(id: $0.id, price: $0.price) }, rubric: rubric, delta: delta)
        }
        var results: [BidResult] = []
        let memberSheets = Array(sheets.values)
        for bid in bids {
            var result = BidResult(id: bid.id, price: bid.price, rejected: bid.rejected, criteria: [:], candidate: false)
            guard !bid.rejected else { results.append(result); continue }
            let perMember = memberSheets.map { $0[bid.id]! }
            var total = ExactDecimal.zero
            var technical = ExactDecimal.zero
            for criterion in rubric.criteria {
                let score: ExactDecimal
                if criterion.kind == .price {
                    score = price!.scores[bid.id]!
                } else {
                    score = ScoreAggregation.aggregate(perMember.map { $0[criterion.id]! }, rubric: rubric)
                }
                result.criteria[criterion.id] = score
                let contribution = (score * criterion.factor).rounded(places: rubric.places, rubric.rounding)
                total += contribution
                if criterion.isTechnical { technical += contribution }
            }
            switch method {
            case .comprehensive:
                result.total = total
                result.technical = technical
            case .lowestEvaluatedPrice:
                result.evaluatedPrice = bid.price + bid.adjustments
            }
            results.append(result)
        }
        let order = try rankOrder(results.filter { !$0.rejected }, method: method, rubric: rubric, tieSeed: tieSeed, hash: hash)
        let indices = Dictionary(uniqueKeysWithValues: results.enumerated().map { ($1.id, $0) })
        for (position, id) in order.enumerated() {
            let index = indices[id]!
            results[index].rank = position + 1
            results[index].candidate = position < rubric.candidates
        }
        return EvaluationOutcome(bids: results, price: price, deviations: DeviationCheck.flags(sheets, rubric: rubric))
    }

    /// Best first: comprehensive by total (higher first), lowest evaluated price by evaluated
    /// price (lower first); then the rubric's tie-breaks in order, the last being the draw.
    static func rankOrder(_ results: [BidResult], method: EvaluationMethod, rubric: Rubric, tieSeed: [UInt8], hash: HashAlgorithm) throws -> [String] {
        let keys = Dictionary(uniqueKeysWithValues: results.map { ($0.id, ExpertDraw.tieBreakKey(bid: $0.id, seed: tieSeed, hash: hash)) })
        func precedes(_ a: BidResult, _ b: BidResult) -> Bool {
            switch method {
            case .comprehensive: if a.total! != b.total! { return a.total! > b.total! }
            case .lowestEvaluatedPrice: if a.evaluatedPrice! != b.evaluatedPrice! { return a.evaluatedPrice! < b.evaluatedPrice! }
            }
            for tieBreak in rubric.tieBreaks {
                switch tieBreak {
                case .lowerPrice: if a.price != b.price { return a.price < b.price }
                case .higherTechnical: if a.technical! != b.technical! { return a.technical! > b.technical! }
                case .draw:
                    let ka = keys[a.id]!, kb = keys[b.id]!
                    if ka != kb { return ka.lexicographicallyPrecedes(kb) }
                }
            }
            return Array(a.id.utf8).lexicographicallyPrecedes(Array(b.id.utf8))
        }
        return results.sorted(by: precedes).map(\.id)
    }

    /// Every member scored every scored criterion of every valid bid, within bounds and places.
    static func checkSheets(_ sheets: [String: [String: [String: ExactDecimal]]], rubric: Rubric, bids: [ScoringBid]) throws {
        let scored = rubric.scoredCriteria
        guard !scored.isEmpty else { return }
        guard !sheets.isEmpty else { throw BidCoreError(.scoringInvalid, "no member's scores") }
        for (member, sheet) in sheets {
            guard Set(sheet.keys) == Set(bids.map(\.id)) else {
                throw BidCoreError(.scoringInvalid, "\(member) must score exactly the bids not rejected")
            }
            for (bid, scores) in sheet {
                try checkScores(scores, rubric: rubric, what: "\(member) on \(bid)")
            }
        }
    }

    /// One member's scores of one bid: every scored criterion once, each within its bounds with
    /// at most the rubric's decimal places.
    public static func checkScores(_ scores: [String: ExactDecimal], rubric: Rubric, what: String) throws {
        let scored = rubric.scoredCriteria
        guard scores.count == scored.count, scored.allSatisfy({ scores[$0.id] != nil }) else {
            throw BidCoreError(.scoringInvalid, "\(what): give a score for exactly the criteria \(scored.map(\.id).joined(separator: ", "))")
        }
        for criterion in scored {
            let score = scores[criterion.id]!
            guard score >= criterion.lowest, score <= criterion.maximum else {
                throw BidCoreError(.scoringInvalid, "\(what): \(criterion.id) must be \(criterion.lowest)…\(criterion.maximum), not \(score)")
            }
            guard score.scale <= rubric.places || score.normalized.scale <= rubric.places else {
                throw BidCoreError(.scoringInvalid, "\(what): \(criterion.id) has more than \(rubric.places) decimals")
            }
        }
    }
}
