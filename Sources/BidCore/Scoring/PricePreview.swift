import Foundation

/// `ebid eval preview`: the price scores a rubric gives a list of prices, so that an agency can
/// check a rubric before it publishes it. Input lines are `ID,PRICE` (yuan, up to 2 decimals);
/// blank lines, `#` comments and an `ID,PRICE` header are skipped.
public struct PricePreview: Sendable {
    public struct Row: Codable, Sendable, Equatable {
        public var id: String
        public var price: ExactDecimal
        /// Nil for a price above the maximum price (rejected, Reg. art. 51).
        public var score: ExactDecimal?
        /// benchmark formulas: the deviation from the benchmark, percent.
        public var deviation: ExactDecimal?
    }

    public var rows: [Row]
    public var outcome: PriceOutcome

    public static let maxLines = 100_000

    /// Reads an `evaluation` object, or a whole tender spec holding one (its maximumPrice applies).
    public static func loadEvaluation(_ data: Data) throws -> (EvaluationSpec, maximumPrice: ExactDecimal?) {
        do { try StrictJSON.check(data) } catch { throw BidCoreError(.rubricInvalid, "the rubric file is not valid JSON: \(describeDecodingError(error))") }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw BidCoreError(.rubricInvalid, "the rubric file is not a JSON object")
        }
        if let evaluation = object["evaluation"] {
            let inner = try JSONSerialization.data(withJSONObject: evaluation)
            var maximum: ExactDecimal?
            if let text = object["maximumPrice"] as? String {
                guard BidSummary.isValidPrice(text), let value = ExactDecimal(text) else { throw BidCoreError(.rubricInvalid, "maximumPrice \(text) is not a yuan amount") }
                maximum = value
            }
            return (try EvaluationSpec.decodeValidated(inner), maximum)
        }
        return (try EvaluationSpec.decodeValidated(data), nil)
    }

    public static func parsePrices(_ text: String) throws -> [PricedBid] {
        var bids: [PricedBid] = []
        var seen = Set<String>()
        for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || (offset == 0 && line.uppercased() == "ID,PRICE") { continue }
            func fail(_ what: String) -> BidCoreError { BidCoreError(.scoringInvalid, "line \(offset + 1): \(what)") }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 2 else { throw fail("write ID,PRICE") }
            guard !cells[0].isEmpty, cells[0].count <= 128, !cells[0].contains(where: \.isNewline) else { throw fail("the id must be 1…128 characters") }
            guard BidSummary.isValidPrice(cells[1]), let price = ExactDecimal(cells[1]), price > .zero else {
                throw fail("\(cells[1]) is not a price in yuan (digits, at most 2 decimals, above 0)")
            }
            guard seen.insert(cells[0]).inserted else { throw fail("\(cells[0]) appears twice") }
            bids.append(PricedBid(id: cells[0], price: price))
            guard bids.count <= maxLines else { throw fail("at most \(maxLines) prices") }
        }
        guard !bids.isEmpty else { throw BidCoreError(.scoringInvalid, "no prices given") }
        return bids
    }

    /// Scores the prices not above `maximumPrice`; δ must be given when the formula draws it.
    public static func run(_ spec: EvaluationSpec, prices: [PricedBid], maximumPrice: ExactDecimal?, delta: ExactDecimal?) throws -> PricePreview {
        guard spec.method == .comprehensive, spec.rubric.priceCriterion != nil else {
            throw BidCoreError(.scoringInvalid, "this rubric has no price criterion (the lowest evaluated price method ranks by evaluated price, it does not score it)")
        }
        if case .benchmark(let formula) = spec.rubric.price, case .drawn(let set) = formula.delta, delta == nil {
            throw BidCoreError(.scoringInvalid, "δ is drawn at the opening from \(set.map(\.description).joined(separator: ", ")): give one with --delta")
        }
        let valid = prices.filter { maximumPrice == nil || $0.price <= maximumPrice! }
        let outcome = try PriceScoring.score(valid, rubric: spec.rubric, delta: delta)
        let rows = prices.map { Row(id: $0.id, price: $0.price, score: outcome.scores[$0.id], deviation: outcome.deviations[$0.id]) }
        return PricePreview(rows: rows, outcome: outcome)
    }

    /// `ID,PRICE,SCORE` lines in input order; a rejected price's score reads `rejected`.
    public var csv: String {
        rows.map { "\($0.id),\($0.price),\($0.score.map(\.description) ?? "rejected")" }.joined(separator: "\n") + "\n"
    }
}
