import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender {
    struct Download: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a tender document (anonymous: no login, nothing recorded).")

        @Option(help: "The ebid service URL.")
        var server: String

        @Option(name: .customLong("tender"), help: "Tender id.")
        var tenderOption: String?

        /// `[TENDER] NAME`: the tender as the first argument (as before) or as --tender.
        @Argument(help: ArgumentHelp("[tender id] and the document name (or --tender ID NAME).", valueName: "tender-and-name"))
        var arguments: [String] = []

        var id: String { tenderOption ?? arguments.first ?? "" }
        var name: String { arguments.last ?? "" }

        func validate() throws {
            if let tenderOption {
                guard arguments.count == 1 else { throw ValidationError("with --tender \(tenderOption), give the document's name only") }
            } else {
                guard arguments.count == 2 else { throw ValidationError("give the tender and the document's name: --tender ID NAME (or ID NAME)") }
            }
        }

        @Option(help: "Where to write it (default: the document's name).")
        var out: String?

        func run() async throws {
            try await reportingErrors {
                let target = out ?? name
                let size = try await EBidClient(server: server).download("/v1/tenders/\(EBidClient.pathComponent(id))/documents/\(EBidClient.pathComponent(name))", to: target)
                print("\(target): \(formatBytes(UInt64(size)))")
            }
        }
    }
}
