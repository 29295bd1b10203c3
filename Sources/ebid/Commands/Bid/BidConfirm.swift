import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm the opening record (within the confirmation window).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                try await api.sendExpectingNoContent("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/confirmation")
                print("you confirmed the opening record of tender \(tender)")
            }
        }
    }
}
