import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalCommit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "commit",
            abstract: "Commit to your scores for a round: only a signed hash of them and a secret salt leaves this machine.",
            discussion: """
            --scores has one line per score: CODE,CRITERION,SCORE (e.g. T01,T1,21.5), every bid of the
            round on every criterion of the round, within the rubric's bounds and decimal places — it
            is checked here first. The sheet and the salt are written to --secret (mode 0600); keep it
            until `ebid eval reveal`, which works only once every member has committed. Nobody — the
            host and the platform's operators included — can learn your scores before then.
            """
        )

        @OptionGroup var options: EvalOptions

        @Option(help: "technical or commercial.")
        var round: ScoringRound

        @Option(help: "CODE,CRITERION,SCORE lines.")
        var scores: String

        @Option(help: "Where to keep the sheet and salt until the reveal (default: ebid-<tender>-<you>-<round>.secret.json).")
        var secret: String?

        @Flag(help: "Print JSON (your task as the service sees it).")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let (client, party, key) = try await options.login()
                guard let text = String(data: try readFile(scores, what: "scores"), encoding: .utf8) else { throw CLIError("\(scores) is not UTF-8") }
                let path = secret ?? EvalWork.defaultSecretPath(tender: options.tender, member: party, round: round)
                let task = try await EvalWork.commit(client, tender: options.tender, member: party, round: round, scores: try EvalWork.parseScores(text), key: key, secretPath: path)
                if json { return try printJSON(task) }
                print("committed to your \(round.rawValue) scores; sheet and salt kept in \(path) until the reveal (round now \(task.rounds[round]?.rawValue ?? "?"))")
            }
        }
    }
}
