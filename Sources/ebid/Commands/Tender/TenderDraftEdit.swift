import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender.TenderDraft {
    struct TenderDraftEdit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "edit",
            abstract: "Replace a draft's tender file (its owner); its opening keys and documents stay.",
            discussion: "The accepted suites must stay those of the draft's opening keys; to change them, discard the draft and create it again."
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "The corrected tender file (JSON); its id is the draft's.") var file: String
        @Option(help: "Bid deadline, overriding the file's: ISO 8601 or +20d / +2h / +30m / +45s from now.") var deadline: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                var spec = try decodeJSON(TenderSpec.self, from: file, what: "tender file")
                if let deadline { spec.bidDeadline = try parseTimeOrOffset(deadline) }
                struct Edit: Encodable { var spec: TenderSpec }
                let view: TenderView = try await client.login().send("PUT", "/v1/tenders/\(EBidClient.pathComponent(spec.id))", json: Edit(spec: spec))
                if output.json { return try printJSON(view) }
                print("draft \(view.id) updated")
                printTenderView(view)
            }
        }
    }
}
