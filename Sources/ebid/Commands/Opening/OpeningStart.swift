import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start the opening at or after the deadline (the host: tenderer, agency or opening official).",
            discussion: "With fewer than three bids the tender fails (流标) and its signed record is published at once."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let view: OpeningView = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening")
                printOpening(view)
            }
        }
    }
}
