import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The opening's state. Without --cert: the public view (status only).",
            discussion: "The host, its officials and supervisors see every bid; a bidder sees its own."
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(help: "Your certificate (optional).")
        var cert: String?

        @Option(help: "Your private key (with --cert).")
        var key: String?

        @OptionGroup var selection: TenderSelection
        var tender: String { selection.id }

        func run() async throws {
            try await reportingErrors {
                let api = try await loggedInIfGiven(server: server, cert: cert, key: key)
                printOpening(try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening"))
            }
        }
    }
}
