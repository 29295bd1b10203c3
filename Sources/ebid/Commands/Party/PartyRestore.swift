import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyRestore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a suspended party, with the reason (administrators).")

        @OptionGroup var client: ClientOptions
        @Option(help: "Party id, credit code or person id.") var id: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let state: RegistryState = try await client.login().send("POST", "/v1/parties/\(EBidClient.pathComponent(id))/restore", json: ["reason": reason])
                try printParty(state, json: output.json, heading: "\(state.record.name) (\(state.record.id)) is active again: \(reason)")
            }
        }
    }
}
