import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Audit {
    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The ledger by tender, actor, action and time, each event with the checkpoint that covers it — supervisors.",
            discussion: "A tender's bid events stay withheld until its deadline (Law art. 22)."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String?

        @Option(help: "Actor (party id).")
        var actor: String?

        @Option(help: "Action, e.g. bid.submit, opening.decrypt, credit.decision.")
        var action: String?

        @Option(help: "From this time (2026-11-21 or an ISO 8601 time).")
        var since: String?

        @Option(help: "Before this time.")
        var until: String?

        @Option(help: "Continue after this cursor (a page's `more: --after …`).")
        var after: String?

        @Option(help: "At most this many events.")
        var limit: Int = 100

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                var parameters = ["limit=\(limit)"]
                for (name, value) in [("tender", tender), ("actor", actor), ("action", action), ("since", since), ("until", until)] {
                    if let value { parameters.append("\(name)=\(EBidClient.queryValue(value))") }
                }
                if let after { parameters.append("after=\(EBidClient.queryValue(after))") }
                let page: LedgerPage = try await client.login().get("/v1/ledger/events?" + parameters.joined(separator: "&"))
                if json { return try printJSON(page) }
                if page.events.isEmpty { print("no events") }
                for view in page.events { printEvent(view) }
                if let next = page.next { print("  … more: --after \(next)") }
            }
        }
    }
}
