import Foundation

extension BidCoreError.Code {
    public static let scoringInvalid: Self = "scoring.invalid"
}

/// A bid as price scoring sees it: its id and its price, yuan.
public struct PricedBid: Sendable, Equatable {
    public var id: String
    public var price: ExactDecimal
    public init(id: String, price: ExactDecimal) {
        self.id = id
        self.price = price
    }
}

/// The price scores of the valid bids and the figures that led to them (for the report).
public struct PriceOutcome: Sendable, Equatable {
    public var scores: [String: ExactDecimal]
    /// lowest-price-first: the lowest valid price (评标基准价 of 政府采购).
    public var lowest: ExactDecimal?
    /// benchmark: the mean of the prices kept, the benchmark, δ, and the bids left out of the mean.
    public var base: ExactDecimal?
    public var benchmark: ExactDecimal?
    public var delta: ExactDecimal?
    public var droppedFromBase: [String] = []
    /// benchmark: each bid's deviation from the benchmark, percent.
    public var deviations: [String: ExactDecimal] = [:]
}

/// The price formulas of RULES.md, "Scoring methods", as pure functions over exact decimals.
public enum PriceScoring {
    /// Scores `bids` — the valid ones: not rejected, not above the maximum price — by the rubric's
    /// price criterion. `delta` is the δ drawn for a `drawnFrom` formula (ignored otherwise).
    public static func score(_ bids: [PricedBid], rubric: Rubric, delta drawn: ExactDecimal? = nil) throws -> PriceOutcome {
        guard let criterion = rubric.priceCriterion, let formula = rubric.price else {
            throw BidCoreError(.scoringInvalid, "the rubric has no price criterion")
        }
        guard !bids.isEmpty else { return PriceOutcome(scores: [:]) }
        guard bids.allSatisfy({ $0.price > .zero }) else { throw BidCoreError(.scoringInvalid, "every price must be above zero") }
        switch formula {
        case .lowestPriceFirst:
            // 价格分 = 评标基准价 / 投标报价 × 价格分值, the lowest valid price being the base.
            let lowest = bids.map(\.price).min()!
            var scores: [String: ExactDecimal] = [:]
            for bid in bids {
                scores[bid.id] = (lowest * criterion.maximum).divided(by: bid.price, places: rubric.places, rubric.rounding)!
            }
            return PriceOutcome(scores: scores, lowest: lowest)
        case .benchmark(let benchmark):
            let delta: ExactDecimal
            switch benchmark.delta {
            case .fixed(let value): delta = value
            case .drawn(let set):
                guard let drawn, set.contains(drawn) else { throw BidCoreError(.scoringInvalid, "δ must be drawn from the published set \(set.map(\.description))") }
                delta = drawn
            }
            return try scoreBenchmark(bids, formula: benchmark, delta: delta, maximum: criterion.maximum, rubric: rubric)
        }
    }

    static func scoreBenchmark(_ bids: [PricedBid], formula: BenchmarkPriceFormula, delta: ExactDecimal, maximum: ExactDecimal,
                               rubric: Rubric) throws -> PriceOutcome {
        // Order by price, then id bytes, so which of two equal prices is dropped is fixed (the
        // mean is the same either way).
        let ordered = bids.sorted { $0.price != $1.price ? $0.price < $1.price : Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
        var kept = ordered[...]
        var dropped: [String] = []
        if let rule = formula.drop.filter({ $0.whenAtLeast <= ordered.count }).max(by: { $0.whenAtLeast < $1.whenAtLeast }) {
            dropped = ordered.prefix(rule.lowest).map(\.id) + ordered.suffix(rule.highest).map(\.id)
            kept = ordered.dropFirst(rule.lowest).dropLast(rule.highest)
        }
        let sum = ExactDecimal.sum(kept.map(\.price))
        let base = sum.divided(by: ExactDecimal(kept.count), places: formula.benchmarkPlaces, rubric.rounding)!
        let benchmark = (base * (1 - delta)).rounded(places: formula.benchmarkPlaces, rubric.rounding)
        guard benchmark > .zero else { throw BidCoreError(.scoringInvalid, "the benchmark price rounds to zero") }
        var outcome = PriceOutcome(scores: [:], base: base, benchmark: benchmark, delta: delta, droppedFromBase: dropped)
        let floor = formula.floor ?? .zero
        let scale = max(rubric.places, 6)
        for bid in bids {
            let difference = bid.price - benchmark
            let slope = difference.isNegative ? formula.slopeBelow : formula.slopeAbove
            // The deduction slope × |D| with D = difference / benchmark × 100, as one exact
            // fraction: slope × 100 × |difference| / benchmark.
            let numerator: ExactDecimal
            if let places = formula.deviationPlaces {
                let deviation = (difference * .hundred).divided(by: benchmark, places: places, rubric.rounding)!
                outcome.deviations[bid.id] = deviation
                numerator = (slope * deviation.magnitude) * benchmark
            } else {
                outcome.deviations[bid.id] = (difference * .hundred).divided(by: benchmark, places: scale, rubric.rounding)!
                numerator = slope * .hundred * difference.magnitude
            }
            // score = max − numerator / benchmark, the deduction capped, floored; rounded once.
            var scoreNumerator = maximum * benchmark - numerator
            if let cap = formula.maxDeduction, numerator > cap * benchmark { scoreNumerator = (maximum - cap) * benchmark }
            if scoreNumerator < floor * benchmark { scoreNumerator = floor * benchmark }
            outcome.scores[bid.id] = scoreNumerator.divided(by: benchmark, places: rubric.places, rubric.rounding)!
        }
        return outcome
    }
}
