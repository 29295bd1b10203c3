import Foundation

/// Members' scores on one criterion of one bid → the bid's score (RULES.md, "Scoring methods").
public enum ScoreAggregation {
    /// The mean, rounded once to the rubric's places; with `trimmed-mean` and at least
    /// `trimWhenAtLeast` scores, one highest and one lowest are left out first.
    public static func aggregate(_ scores: [ExactDecimal], rubric: Rubric) -> ExactDecimal {
        precondition(!scores.isEmpty, "nothing to aggregate")
        var used = scores
        if rubric.aggregation.method == .trimmedMean, let from = rubric.aggregation.trimWhenAtLeast, scores.count >= from {
            used = Array(scores.sorted().dropFirst().dropLast())
        }
        return ExactDecimal.sum(used).divided(by: ExactDecimal(used.count), places: rubric.places, rubric.rounding)!
    }
}

/// A member's score further than the rubric's percentage from the mean of the others (RULES.md,
/// "Evaluation": ±30 % in practice) — it needs a written explanation before the report locks.
public struct DeviationFlag: Codable, Sendable, Equatable {
    public var member: String
    public var bid: String
    public var criterion: String
    public var score: ExactDecimal
    /// The mean of the other members' scores, at the rubric's places (for display; the test is exact).
    public var othersMean: ExactDecimal
}

public enum DeviationCheck {
    /// Flags every score s with |s − m| > p % × m, m the exact mean of the other members' scores
    /// on the same bid and criterion (tested as |s·k − Σ| × 100 > p × Σ over the k others, no
    /// rounding). Where the others all gave 0, any other score is flagged.
    public static func flags(_ sheets: [String: [String: [String: ExactDecimal]]], rubric: Rubric) -> [DeviationFlag] {
        // sheets: member → bid → criterion → score. One pass per bid and criterion: the others'
        // sum is the total less the member's own.
        let members = sheets.keys.sorted()
        guard members.count >= 2 else { return [] }
        var flags: [DeviationFlag] = []
        let bids = Set(sheets.values.flatMap(\.keys)).sorted()
        let memberSheets = members.map { sheets[$0]! }
        for bid in bids {
            let perMember = memberSheets.map { $0[bid] }
            let criteria = Set(perMember.flatMap { $0?.keys.map { $0 } ?? [] }).sorted()
            for criterion in criteria {
                let scores = zip(members, perMember).compactMap { member, sheet in sheet?[criterion].map { (member, $0) } }
                guard scores.count >= 2 else { continue }
                let total = ExactDecimal.sum(scores.map(\.1))
                let others = ExactDecimal(scores.count - 1)
                for (member, score) in scores {
                    let sum = total - score
                    let spread = (score * others - sum).magnitude * .hundred
                    if spread > rubric.deviationPercent * sum {
                        flags.append(DeviationFlag(member: member, bid: bid, criterion: criterion, score: score,
                                                   othersMean: sum.divided(by: others, places: rubric.places, rubric.rounding)!))
                    }
                }
            }
        }
        return flags.sorted { ($0.member, $0.bid, $0.criterion) < ($1.member, $1.bid, $1.criterion) }
    }
}
