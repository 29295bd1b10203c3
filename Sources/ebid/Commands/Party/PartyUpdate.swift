import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyUpdate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update",
            abstract: "Change a party's record (name, roles, codes…) or register it if new (administrators); its status and certificates are kept.",
            discussion: "FILE: the party record, as for `party add`. Certificates given are added."
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "The party record (JSON).") var file: String
        @Option(name: .customLong("certificate"), help: "A certificate to add (PEM or DER); repeat for several.") var certificates: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let record = try decodeJSON(PartyRecord.self, from: file, what: "party record")
                let body = PartyRegistry.Registration(party: record, certificates: try certificatePEMs(certificates))
                let state: RegistryState = try await client.login().send("PUT", "/v1/parties/\(EBidClient.pathComponent(record.id))", json: body)
                try printParty(state, json: output.json, heading: "updated \(state.record.name) (\(state.record.id))")
            }
        }
    }
}
