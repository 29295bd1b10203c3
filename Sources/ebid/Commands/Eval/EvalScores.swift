import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalScores: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "scores",
            abstract: "Revealed scores of the locked rounds, the flags that need explanations, re-scores.",
            discussion: "Before a round is locked it shows only how many members committed and revealed. Members see the others as M1, M2…"
        )

        @OptionGroup var options: EvalOptions

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let view: EvaluationRoom.ScoresView = try await client.get("\(options.path)/evaluation/scores")
                if json { return try printJSON(view) }
                for round in view.rounds {
                    print("\(round.round.rawValue): \(round.status.rawValue), \(round.committed)/\(view.members) committed, \(round.revealed)/\(view.members) revealed")
                    for (member, sheet) in (round.sheets ?? [:]).sorted(by: { $0.key < $1.key }) {
                        let line = sheet.sorted { $0.key < $1.key }.map { code, scores in "\(code) " + scores.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }
                        print("  \(member): \(line.joined(separator: "; "))")
                    }
                    for flag in round.flags ?? [] {
                        let explained = view.explanations.contains { $0.member == flag.member && $0.round == round.round && $0.code == flag.bid && $0.criterion == flag.criterion }
                        print("  ⚠ \(flag.member) gave \(flag.bid) \(flag.criterion) \(flag.score), the others' mean is \(flag.othersMean)\(explained ? " (explained)" : " — needs a written explanation")")
                    }
                }
                for rescore in view.rescores { print("re-score: \(rescore.member) \(rescore.code) \(rescore.criterion) \(rescore.from) → \(rescore.to): \(rescore.reason)") }
            }
        }
    }
}
