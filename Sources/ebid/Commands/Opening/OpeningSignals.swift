import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Signals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Collusion signals found at the opening, with their evidence (host, officials, supervisors; Reg. art. 40).",
            discussion: "Signals are for the committee's and supervisors' attention; they never reject a bid by themselves."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let signals: [CollusionSignal] = try await client.login().get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening/signals")
                printSignals(signals)
            }
        }
    }
}
