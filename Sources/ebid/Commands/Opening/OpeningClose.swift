import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After the decryption window: count the bids still waiting as revoked and complete the opening (the host).",
            discussion: "For a bidder-then-committee opening whose officials cannot hand in enough shares."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                printOpening(try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/close"))
            }
        }
    }
}
