import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender.TenderAmendment {
    struct TenderAmendmentDiscard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discard",
            abstract: "Discard a draft amendment and its documents; the next amendment takes its number. A published one stays on record."
        )

        @OptionGroup var client: ClientOptions
        @OptionGroup var selection: TenderSelection
        @Option(help: "The amendment's number.") var number: Int

        func run() async throws {
            try await reportingErrors {
                let _: TenderView = try await client.login().send("DELETE", "/v1/tenders/\(EBidClient.pathComponent(selection.id))/amendments/\(number)")
                print("draft amendment \(number) of \(selection.id) discarded")
            }
        }
    }
}
