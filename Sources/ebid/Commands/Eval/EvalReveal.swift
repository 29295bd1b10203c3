import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalReveal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reveal",
            abstract: "Reveal the sheet and salt you committed to, once every member has committed.",
            discussion: "The service checks them against your commitment, and the sheet against the rubric; a revealed score then changes only by `ebid eval rescore`."
        )

        @OptionGroup var options: EvalOptions

        @Option(help: "technical or commercial.")
        var round: ScoringRound

        @Option(help: "The secret file `ebid eval commit` wrote.")
        var secret: String?

        @Flag(help: "Print JSON (your task as the service sees it).")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let (client, party, _) = try await options.login()
                let path = secret ?? EvalWork.defaultSecretPath(tender: options.tender, member: party, round: round)
                let task = try await EvalWork.reveal(client, secretPath: path)
                if json { return try printJSON(task) }
                print("revealed your \(round.rawValue) scores (round now \(task.rounds[round]?.rawValue ?? "?"))")
            }
        }
    }
}
