import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalRescore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rescore",
            abstract: "Change one of your revealed scores, with the reason: recorded with both values, never silent.",
            discussion: "Only in a locked round and before the report is generated."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "technical or commercial.") var round: ScoringRound
        @Option(help: "Bid code.") var code: String
        @Option(help: "Criterion id.") var criterion: String
        @Option(help: "The new score.") var score: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                guard let value = ExactDecimal(score) else { throw CLIError("--score \(score) is not a plain decimal") }
                let (client, _, _) = try await options.login()
                let input = EvaluationRoom.RescoreInput(round: round, code: code, criterion: criterion, score: value, reason: reason)
                let rescore: Rescore = try await client.send("POST", "\(options.path)/evaluation/rescores", json: input)
                if json { return try printJSON(rescore) }
                print("re-scored \(code) \(criterion): \(rescore.from) → \(rescore.to)")
            }
        }
    }
}
