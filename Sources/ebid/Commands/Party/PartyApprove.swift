import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyApprove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Approve a company's self-registration as a bidder (administrators); to refuse it, suspend it.",
            discussion: "Pending registrations: `ebid party list --status pending`."
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "Party id or credit code.") var id: String
        @Option(help: "A note (what was checked).") var reason: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var reason: String? }
                let state: RegistryState = try await client.login().send("POST", "/v1/parties/\(EBidClient.pathComponent(id))/approve", json: Body(reason: reason))
                try printParty(state, json: output.json, heading: "\(state.record.name) (\(state.record.id)) is approved: it may log in and bid")
            }
        }
    }
}
