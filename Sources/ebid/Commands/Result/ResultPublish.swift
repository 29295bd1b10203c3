import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension ResultCommand {
    struct ResultPublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "publish", abstract: "Publish the candidates for at least 3 days (host, after the final report).")

        @OptionGroup var options: EvalOptions
        @Option(help: "Statutory days of publicity (3…30).") var days: Int = 3
        @Flag(help: "Print JSON (the publicity).") var json = false

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                struct Served: Decodable { var signed: SignedDocument.Wire }
                let served: Served = try await client.send("POST", "\(options.path)/result/publicity", json: ["days": days])
                let publicity = try served.signed.signed!.decode(EvaluationRoom.Publicity.self)
                if json { return try printJSON(publicity) }
                print("candidates of \(options.tender) published until \(displayTime(publicity.until)):")
                for candidate in publicity.candidates { print("  \(candidate.rank). \(candidate.bidder)  \(candidate.price)  \(candidate.total?.description ?? "")") }
            }
        }
    }
}
