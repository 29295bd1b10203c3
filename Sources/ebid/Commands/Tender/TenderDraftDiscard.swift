import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender.TenderDraft {
    struct TenderDraftDiscard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "discard",
            abstract: "Discard a draft tender with its documents and opening keys (its owner); the id may be used again.",
            discussion: "A published tender is never discarded. The ledger keeps the draft's history (tender.create … tender.discard)."
        )

        @OptionGroup var client: ClientOptions
        @OptionGroup var selection: TenderSelection

        func run() async throws {
            try await reportingErrors {
                try await client.login().sendExpectingNoContent("DELETE", "/v1/tenders/\(EBidClient.pathComponent(selection.id))")
                print("draft \(selection.id) discarded")
            }
        }
    }
}
