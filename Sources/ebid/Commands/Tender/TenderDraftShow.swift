import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender.TenderDraft {
    struct TenderDraftShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a draft tender (its owner; to anyone else it does not exist).")

        @OptionGroup var client: ClientOptions
        @OptionGroup var selection: TenderSelection
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let view: TenderView = try await client.login().get("/v1/tenders/\(EBidClient.pathComponent(selection.id))")
                if output.json { return try printJSON(view) }
                printTenderView(view)
            }
        }
    }
}
