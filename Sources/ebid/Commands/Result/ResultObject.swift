import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension ResultCommand {
    struct ResultObject: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "object", abstract: "Object to the candidates during the publicity (a bidder of the tender; Reg. art. 54).")

        @OptionGroup var options: EvalOptions
        @Option(help: "The objection.") var text: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let objection: Objection = try await client.send("POST", "\(options.path)/result/objections", json: ["text": text])
                if json { return try printJSON(objection) }
                print("objection \(objection.number) recorded; the award waits for its answer")
            }
        }
    }
}
