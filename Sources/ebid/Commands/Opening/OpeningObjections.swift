import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Objections: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Objections raised at the opening and their answers.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let objections: [Objection] = try await client.login().get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening/objections")
                if objections.isEmpty { print("no objections") }
                for objection in objections { printObjection(objection) }
            }
        }
    }
}
