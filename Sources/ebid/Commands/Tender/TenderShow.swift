import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender {
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a published tender (no login needed).")

        @Option(help: "The ebid service URL.")
        var server: String

        @OptionGroup var selection: TenderSelection
        var id: String { selection.id }

        @Flag(help: "Print the JSON as the service sent it.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let api = try EBidClient(server: server)
                let view: TenderView = try await api.get("/v1/tenders/\(EBidClient.pathComponent(id))")
                if json {
                    print(String(decoding: try JSONEncoder.ebidPretty.encode(view), as: UTF8.self))
                } else {
                    printTenderView(view)
                }
            }
        }
    }
}
