import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartySuspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "suspend",
            abstract: "Suspend a party, with the reason: its logins are refused and its sessions end at once (administrators).",
            discussion: "A pending self-registration suspended is a refused one. The last active administrator cannot be suspended."
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "Party id, credit code or person id.") var id: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let state: RegistryState = try await client.login().send("POST", "/v1/parties/\(EBidClient.pathComponent(id))/suspend", json: ["reason": reason])
                try printParty(state, json: output.json, heading: "\(state.record.name) (\(state.record.id)) is suspended: \(reason)")
            }
        }
    }
}
