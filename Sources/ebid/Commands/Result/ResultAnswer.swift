import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension ResultCommand {
    struct ResultAnswer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "answer", abstract: "Answer an objection to the candidates (host; within 3 days, Reg. art. 54).")

        @OptionGroup var options: EvalOptions
        @Option(help: "Objection number.") var number: Int
        @Option(help: "The answer.") var text: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let objection: Objection = try await client.send("POST", "\(options.path)/result/objections/\(number)/answer", json: ["text": text])
                if json { return try printJSON(objection) }
                print("objection \(objection.number) answered")
            }
        }
    }
}
