import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Credit {
    struct Dismiss: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dismiss a lead, with the reason — supervisors.")

        @OptionGroup var client: ClientOptions

        @Option(help: "The lead's id.")
        var lead: String

        @Option(help: "Why no record is called for.")
        var reason: String

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var reason: String }
                let result: CreditLead = try await client.login().send("POST", "/v1/credit/leads/\(EBidClient.pathComponent(lead))/dismiss", json: Body(reason: reason))
                if json { return try printJSON(result) }
                print("lead \(result.id) dismissed")
            }
        }
    }
}
