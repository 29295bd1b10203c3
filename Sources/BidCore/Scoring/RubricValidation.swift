import Foundation

extension BidCoreError.Code {
    public static let rubricInvalid: Self = "rubric.invalid"
    public static let committeeInvalid: Self = "committee.invalid"
}

extension EvaluationSpec {
    /// Checks everything a tender's evaluation must state before it is published, within bounds
    /// where no formula can overflow (see `ExactDecimal`). Throws `rubric.invalid` /
    /// `committee.invalid` naming the first problem.
    public func validate() throws {
        try rubric.validate(for: method)
        try committee?.validate()
    }

    /// Reads and validates the `evaluation` object of a tender (strict JSON: no duplicate keys).
    public static func decodeValidated(_ data: Data) throws -> EvaluationSpec {
        let spec: EvaluationSpec
        do { spec = try JSONDecoder().decodeStrict(EvaluationSpec.self, from: data) } catch {
            throw BidCoreError(.rubricInvalid, "evaluation: \(describeDecodingError(error))")
        }
        try spec.validate()
        return spec
    }
}

extension Rubric {
    static let maxCriteria = 200
    static let maxPoints: ExactDecimal = 1000

    public func validate(for method: EvaluationMethod) throws {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.rubricInvalid, reason) }
        guard (0...6).contains(places) else { throw fail("places must be 0…6") }
        guard criteria.count <= Self.maxCriteria else { throw fail("at most \(Self.maxCriteria) criteria") }
        var seen = Set<String>()
        for criterion in criteria {
            let label = "criterion \(criterion.id)"
            guard Self.isIdentifier(criterion.id) else { throw fail("criterion id \"\(criterion.id)\" must be 1…32 of A-Z a-z 0-9 . _ -") }
            guard seen.insert(criterion.id).inserted else { throw fail("criterion id \(criterion.id) appears twice") }
            guard !criterion.name.isEmpty, criterion.name.count <= 200 else { throw fail("\(label): name must be 1…200 characters") }
            guard criterion.maximum > .zero, criterion.maximum <= Self.maxPoints, criterion.maximum.normalized.scale <= places else {
                throw fail("\(label): maximum must be above 0, at most \(Self.maxPoints), with at most \(places) decimals")
            }
            if let minimum = criterion.minimum {
                guard !minimum.isNegative, minimum < criterion.maximum, minimum.normalized.scale <= places else {
                    throw fail("\(label): minimum must be 0 or more, below the maximum, with at most \(places) decimals")
                }
            }
            if let weight = criterion.weight {
                guard weight > .zero, weight <= 100, weight.normalized.scale <= 6 else { throw fail("\(label): weight must be above 0, at most 100, with at most 6 decimals") }
            }
            if criterion.kind == .price && criterion.part == .technical { throw fail("\(label): the price criterion is not part of the technical review") }
        }
        let priceCriteria = criteria.filter { $0.kind == .price }
        switch method {
        case .comprehensive:
            guard !criteria.isEmpty else { throw fail("a comprehensive evaluation needs criteria") }
            guard priceCriteria.count <= 1 else { throw fail("at most one price criterion") }
            if priceCriteria.isEmpty != (price == nil) {
                throw fail(price == nil ? "the price criterion needs a price formula (price.formula)" : "a price formula needs a criterion of kind price")
            }
        case .lowestEvaluatedPrice:
            // Law art. 41(2): the lowest evaluated price among bids meeting the substantive terms;
            // the committee reviews compliance and records priced adjustments, nobody scores the price.
            guard priceCriteria.isEmpty, price == nil else { throw fail("the lowest evaluated price method takes no price criterion or formula") }
        }
        guard maximumTotal <= Self.maxPoints else { throw fail("the criteria total at most \(Self.maxPoints) points") }
        if case .benchmark(let formula) = price {
            try formula.validate(maximum: priceCriterion!.maximum)
        }
        switch aggregation.method {
        case .mean: guard aggregation.trimWhenAtLeast == nil else { throw fail("aggregation: trimWhenAtLeast belongs to trimmed-mean") }
        case .trimmedMean:
            guard let from = aggregation.trimWhenAtLeast, (5...99).contains(from) else {
                throw fail("aggregation: trimmed-mean needs trimWhenAtLeast of 5…99 (RULES.md: only when the committee is large enough)")
            }
        }
        guard deviationPercent > .zero, deviationPercent <= 100, deviationPercent.normalized.scale <= 2 else { throw fail("deviationPercent must be above 0 and at most 100") }
        guard unbalancedPercent > .zero, unbalancedPercent <= 100, unbalancedPercent.normalized.scale <= 2 else { throw fail("unbalancedPercent must be above 0 and at most 100") }
        guard !tieBreaks.isEmpty, Set(tieBreaks).count == tieBreaks.count, tieBreaks.last == .draw else {
            throw fail("tieBreaks lists each of lower-price, higher-technical at most once and ends with draw")
        }
        if method == .lowestEvaluatedPrice && tieBreaks.contains(.higherTechnical) { throw fail("tieBreaks: higher-technical needs scored criteria") }
        guard (1...3).contains(candidates) else { throw fail("candidates must be 1…3 (Reg. art. 53)") }
    }

    static func isIdentifier(_ text: String) -> Bool {
        (1...32).contains(text.utf8.count) && text.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x2e || byte == 0x5f || byte == 0x2d
        }
    }
}

extension BenchmarkPriceFormula {
    /// δ above this is not a benchmark discount any document uses; it also keeps benchmarks positive.
    static let deltaCeiling: ExactDecimal = ExactDecimal("0.2")!

    func validate(maximum: ExactDecimal) throws {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.rubricInvalid, "price: \(reason)") }
        guard drop.count <= 10, Set(drop.map(\.whenAtLeast)).count == drop.count else { throw fail("drop lists at most 10 rules with different whenAtLeast") }
        for rule in drop {
            guard (0...3).contains(rule.highest), (0...3).contains(rule.lowest), rule.whenAtLeast > rule.highest + rule.lowest, rule.whenAtLeast <= 100 else {
                throw fail("a drop rule leaves out 0…3 highest and 0…3 lowest prices, and whenAtLeast (at most 100) must exceed their sum so a price remains")
            }
        }
        func checkDelta(_ value: ExactDecimal) throws {
            guard !value.isNegative, value < Self.deltaCeiling, value.normalized.scale <= 4 else { throw fail("δ must be 0 or more, below 0.2, with at most 4 decimals") }
        }
        switch delta {
        case .fixed(let value): try checkDelta(value)
        case .drawn(let set):
            guard (1...20).contains(set.count), Set(set).count == set.count else { throw fail("drawnFrom lists 1…20 different values") }
            try set.forEach(checkDelta)
        }
        guard (0...4).contains(benchmarkPlaces), (0...4).contains(deviationPlaces ?? 0) else { throw fail("benchmarkPlaces and deviationPlaces must be 0…4") }
        for (name, slope) in [("slopeAbove", slopeAbove), ("slopeBelow", slopeBelow)] {
            guard !slope.isNegative, slope <= 100, slope.normalized.scale <= 4 else { throw fail("\(name) must be 0…100 points per 1 % with at most 4 decimals") }
        }
        if let floor { guard !floor.isNegative, floor <= maximum, floor.normalized.scale <= 4 else { throw fail("floor must be 0…the maximum") } }
        if let maxDeduction { guard maxDeduction > .zero, maxDeduction <= maximum, maxDeduction.normalized.scale <= 4 else { throw fail("maxDeduction must be above 0 and at most the maximum") } }
    }
}
