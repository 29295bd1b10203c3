import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct CeremonyStart: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "start",
            abstract: "Start the key ceremony for a tender (its tenderer or agency), naming its officials.",
            discussion: """
            The officials are registered opening officials of this trading centre (party ids); share
            numbers follow the order given. The tender may be a draft of yours or not exist yet; the
            key will be bound to this tender id and section. Running it again starts a new attempt.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "Section (标段) of the tender.")
        var section = "1"

        @Option(help: "Crypto suite: GM (SM2 key) or NIST (P-256 key).")
        var suite: Suite = .gm

        @Option(help: "Number of officials needed at the opening (at least 2).")
        var threshold: Int

        @Option(help: "Officials' party ids, comma-separated (share 1, 2, … in this order).")
        var officials: String

        @Flag(help: "Print the ceremony as JSON.")
        var json = false

        func validate() throws {
            guard threshold >= 2 else { throw ValidationError("--threshold must be at least 2") }
        }

        func run() async throws {
            try await reportingErrors {
                let ids = officials.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let input = KeyCeremonyDesk.StartInput(suite: suite, section: section, threshold: threshold, officials: ids)
                let view: CeremonyView = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/ceremonies", json: input)
                if json { return print(String(decoding: try JSONEncoder.ebidPretty.encode(view), as: UTF8.self)) }
                print("key ceremony started; each official now runs `ebid opening ceremony deal`, then `check`")
                printCeremony(view)
            }
        }
    }
}
