import Foundation

/// The two statutory evaluation methods (Law art. 41; RULES.md, "Scoring methods").
public enum EvaluationMethod: String, Codable, Sendable, CaseIterable {
    /// 综合评估法: the highest total of criterion scores wins.
    case comprehensive
    /// 经评审的最低投标价法: among compliant bids, the lowest evaluated price wins (not below cost).
    case lowestEvaluatedPrice = "lowest-evaluated-price"
}

/// What a criterion is scored on.
public enum CriterionKind: String, Codable, Sendable, CaseIterable {
    /// Judgement within the bounds (施工组织设计…): every member scores, scores are aggregated.
    case subjective
    /// Facts against a scale (业绩, 信用…): every member scores too, and should agree.
    case objective
    /// Computed from the bid price by the rubric's price formula; nobody scores it.
    case price
}

/// One line of the scoring table (评分标准). A member's score lies in `minimum…maximum`, in
/// steps of 10^−scale; the aggregate times `weight` is what the criterion adds to the total.
public struct Criterion: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var kind: CriterionKind
    /// The bid part the committee reviews for it: technical parts are reviewed under codes (暗标).
    public var part: BidPartKind?
    public var maximum: ExactDecimal
    public var minimum: ExactDecimal?
    public var weight: ExactDecimal?

    public init(id: String, name: String, kind: CriterionKind, part: BidPartKind? = nil, maximum: ExactDecimal,
                minimum: ExactDecimal? = nil, weight: ExactDecimal? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.part = part
        self.maximum = maximum
        self.minimum = minimum
        self.weight = weight
    }

    public var lowest: ExactDecimal { minimum ?? .zero }
    public var factor: ExactDecimal { weight ?? 1 }
    /// The criterion reviewed under codes: technical, judged by members.
    public var isTechnical: Bool { kind != .price && (part ?? .technical) == .technical }
}

/// The engineering benchmark price family (评标基准价法; RULES.md, "Scoring methods"):
/// base = mean of the valid prices, dropping the highest and lowest when there are enough;
/// benchmark = base × (1 − δ); deviation D = (price − benchmark) / benchmark × 100, in percent;
/// score = maximum − slope × |D| (the slope above or below: points per 1 %), the deduction capped,
/// the score floored, then rounded once. Every intermediate rounding is a published parameter.
public struct BenchmarkPriceFormula: Codable, Sendable, Equatable {
    /// δ: fixed, or drawn at the opening from a published set by the tender's draw.
    public enum Delta: Codable, Sendable, Equatable {
        case fixed(ExactDecimal)
        case drawn([ExactDecimal])

        private enum CodingKeys: String, CodingKey { case fixed, drawnFrom }
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            if let set = try c.decodeIfPresent([ExactDecimal].self, forKey: .drawnFrom) {
                guard !c.contains(.fixed) else {
                    throw DecodingError.dataCorruptedError(forKey: .fixed, in: c, debugDescription: "give either fixed or drawnFrom, not both")
                }
                self = .drawn(set)
            } else {
                self = .fixed(try c.decode(ExactDecimal.self, forKey: .fixed))
            }
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            switch self {
            case .fixed(let value): try c.encode(value, forKey: .fixed)
            case .drawn(let set): try c.encode(set, forKey: .drawnFrom)
            }
        }
    }

    /// Which prices the mean leaves out: the rule with the largest `whenAtLeast` not above the
    /// number of valid prices applies (none: every valid price counts). E.g. 6 → drop the highest,
    /// 7 → drop the highest and the lowest.
    public struct DropRule: Codable, Sendable, Equatable {
        public var whenAtLeast: Int
        public var highest: Int
        public var lowest: Int
        public init(whenAtLeast: Int, highest: Int, lowest: Int) {
            self.whenAtLeast = whenAtLeast
            self.highest = highest
            self.lowest = lowest
        }
    }

    public var drop: [DropRule]
    public var delta: Delta
    /// Decimal places of the base and the benchmark price (yuan: 2).
    public var benchmarkPlaces: Int
    /// Decimal places the deviation in percent is rounded to before the deduction; nil: not
    /// rounded (the score is the exact expression, rounded once).
    public var deviationPlaces: Int?
    /// Points deducted per 1 % above / below the benchmark.
    public var slopeAbove: ExactDecimal
    public var slopeBelow: ExactDecimal
    /// The lowest score a valid price gets.
    public var floor: ExactDecimal?
    /// The most points deducted.
    public var maxDeduction: ExactDecimal?

    public init(drop: [DropRule] = [], delta: Delta = .fixed(.zero), benchmarkPlaces: Int = 2,
                deviationPlaces: Int? = nil, slopeAbove: ExactDecimal, slopeBelow: ExactDecimal, floor: ExactDecimal? = nil, maxDeduction: ExactDecimal? = nil) {
        self.drop = drop
        self.delta = delta
        self.benchmarkPlaces = benchmarkPlaces
        self.deviationPlaces = deviationPlaces
        self.slopeAbove = slopeAbove
        self.slopeBelow = slopeBelow
        self.floor = floor
        self.maxDeduction = maxDeduction
    }
}

/// How the price criterion is computed.
public enum PriceFormula: Codable, Sendable, Equatable {
    /// Government procurement (政府采购货物和服务招标投标管理办法 art. 55): score = lowest valid price /
    /// price × maximum.
    case lowestPriceFirst
    case benchmark(BenchmarkPriceFormula)

    private enum CodingKeys: String, CodingKey { case formula }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .formula) {
        case "lowest-price-first": self = .lowestPriceFirst
        case "benchmark": self = .benchmark(try BenchmarkPriceFormula(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .formula, in: c, debugDescription: "unknown price formula \"\(other)\" (lowest-price-first, benchmark)")
        }
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .lowestPriceFirst: try c.encode("lowest-price-first", forKey: .formula)
        case .benchmark(let formula):
            try c.encode("benchmark", forKey: .formula)
            try formula.encode(to: encoder)
        }
    }
}

/// How the members' scores on one criterion become the bid's score (RULES.md: mean by default;
/// the documents may drop one highest and one lowest per item when the committee is large enough).
public struct Aggregation: Codable, Sendable, Equatable {
    public enum Method: String, Codable, Sendable { case mean, trimmedMean = "trimmed-mean" }
    public var method: Method
    /// trimmed-mean: drop one highest and one lowest only with at least this many scores.
    public var trimWhenAtLeast: Int?
    public init(method: Method = .mean, trimWhenAtLeast: Int? = nil) {
        self.method = method
        self.trimWhenAtLeast = trimWhenAtLeast
    }
}

/// Ordering of equal bids, applied in the order listed; the list ends with `draw`, so the ranking
/// is always total.
public enum TieBreak: String, Codable, Sendable, CaseIterable {
    /// The lower bid price first.
    case lowerPrice = "lower-price"
    /// The higher total of technical criteria first.
    case higherTechnical = "higher-technical"
    /// By the tender's verifiable draw (BidCore/Draw, `TieBreakDraw`).
    case draw
}

/// The typed scoring table of a tender, published with it and never hidden (RULES.md).
public struct Rubric: Codable, Sendable, Equatable {
    /// Decimal places of every score and total.
    public var places: Int
    public var rounding: RoundingRule
    public var criteria: [Criterion]
    public var price: PriceFormula?
    public var aggregation: Aggregation
    /// A member's score this many percent from the mean of the others needs an explanation.
    public var deviationPercent: ExactDecimal
    /// Bid cleaning: a unit price this many percent from the control price is flagged (不平衡报价).
    public var unbalancedPercent: ExactDecimal
    public var tieBreaks: [TieBreak]
    /// Ranked candidates named (Reg. art. 53: at most 3).
    public var candidates: Int

    public init(places: Int = 2, rounding: RoundingRule = .halfUp, criteria: [Criterion], price: PriceFormula?, aggregation: Aggregation = .init(),
                deviationPercent: ExactDecimal = 30, unbalancedPercent: ExactDecimal = 15, tieBreaks: [TieBreak] = [.lowerPrice, .draw],
                candidates: Int = 3) {
        self.places = places
        self.rounding = rounding
        self.criteria = criteria
        self.price = price
        self.aggregation = aggregation
        self.deviationPercent = deviationPercent
        self.unbalancedPercent = unbalancedPercent
        self.tieBreaks = tieBreaks
        self.candidates = candidates
    }

    private enum CodingKeys: String, CodingKey {
        case places, rounding, criteria, price, aggregation, deviationPercent, unbalancedPercent, tieBreaks, candidates
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        places = try c.decodeIfPresent(Int.self, forKey: .places) ?? 2
        rounding = try c.decodeIfPresent(RoundingRule.self, forKey: .rounding) ?? .halfUp
        criteria = try c.decode([Criterion].self, forKey: .criteria)
        price = try c.decodeIfPresent(PriceFormula.self, forKey: .price)
        aggregation = try c.decodeIfPresent(Aggregation.self, forKey: .aggregation) ?? .init()
        deviationPercent = try c.decodeIfPresent(ExactDecimal.self, forKey: .deviationPercent) ?? 30
        unbalancedPercent = try c.decodeIfPresent(ExactDecimal.self, forKey: .unbalancedPercent) ?? 15
        tieBreaks = try c.decodeIfPresent([TieBreak].self, forKey: .tieBreaks) ?? [.lowerPrice, .draw]
        candidates = try c.decodeIfPresent(Int.self, forKey: .candidates) ?? 3
    }

    public var priceCriterion: Criterion? { criteria.first { $0.kind == .price } }
    public var scoredCriteria: [Criterion] { criteria.filter { $0.kind != .price } }
    /// The most a bid can total.
    public var maximumTotal: ExactDecimal { ExactDecimal.sum(criteria.map { $0.maximum * $0.factor }).rounded(places: places, rounding) }
}

/// The evaluation part of a tender: method, rubric, and the committee to draw.
public struct EvaluationSpec: Codable, Sendable, Equatable {
    public var method: EvaluationMethod
    public var rubric: Rubric
    public var committee: CommitteeSpec?

    public init(method: EvaluationMethod, rubric: Rubric, committee: CommitteeSpec? = nil) {
        self.method = method
        self.rubric = rubric
        self.committee = committee
    }
}
