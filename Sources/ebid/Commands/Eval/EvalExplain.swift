import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalExplain: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "explain",
            abstract: "Explain in writing a score of yours that lies far from the others' mean (the report waits for it).",
            discussion: "A score more than the rubric's deviationPercent (30 % by default) from the mean of the other members' needs an explanation before the report can be generated."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "technical or commercial.") var round: ScoringRound
        @Option(help: "Bid code, e.g. T03.") var code: String
        @Option(help: "Criterion id.") var criterion: String
        @Option(help: "Your explanation.") var text: String
        @Flag(help: "Print JSON (your flags in the round).") var json = false

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let input = EvaluationRoom.ExplanationInput(round: round, code: code, criterion: criterion, text: text)
                let round: EvaluationRoom.ScoresView.Round = try await client.send("POST", "\(options.path)/evaluation/explanations", json: input)
                if json { return try printJSON(round) }
                print("explanation recorded for \(code) \(criterion)")
            }
        }
    }
}
