import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalDeclare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "declare",
            abstract: "Sign the no-conflict declaration (回避承诺), or recuse yourself — before seeing any bid.",
            discussion: """
            The declaration is signed here with your key. --recuse with --text giving the reason
            takes you off the committee: a replacement is drawn the same way, at once (RULES.md:
            relatives of a bidder's principal, an economic interest in a bidder, staff of the
            tenderer or the supervising department must recuse).
            """
        )

        @OptionGroup var options: EvalOptions

        @Flag(help: "Recuse yourself instead.")
        var recuse = false

        @Option(help: "What you declare, or why you recuse.")
        var text: String = "本人与本项目投标人不存在利害关系，承诺客观公正评标。"

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, party, key) = try await options.login()
                let tasks: [EvaluationRoom.TaskView] = try await client.get("/v1/evaluation/tasks")
                guard let task = tasks.first(where: { $0.tenderId == options.tender }) else { throw CLIError("tender \(options.tender) is not among your tasks") }
                let result = try await EvalWork.declare(client, tender: options.tender, section: task.section, member: party, recuse: recuse, text: text, key: key)
                if json { return try printJSON(result) }
                print(recuse ? "you recused yourself from \(options.tender); a replacement has been drawn" : "declaration signed: you may now see the bids of \(options.tender)")
            }
        }
    }
}
