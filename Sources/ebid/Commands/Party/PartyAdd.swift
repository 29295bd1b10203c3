import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Register a new party with its certificates (administrators); refused if the id is taken.",
            discussion: #"FILE: {"id", "kind": "organization"|"person", "roles": [...], "name", "creditCode" | "personId", "legalRepresentative"?, "organization"?, "employerCreditCode"?, "specialties"?}"#
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "The party record (JSON).") var file: String
        @Option(name: .customLong("certificate"), help: "A certificate of the party (PEM or DER); repeat for several.") var certificates: [String] = []
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let record = try decodeJSON(PartyRecord.self, from: file, what: "party record")
                let body = PartyRegistry.Registration(party: record, certificates: try certificatePEMs(certificates))
                let state: RegistryState = try await client.login().send("POST", "/v1/parties", json: body)
                try printParty(state, json: output.json, heading: "registered \(state.record.name) (\(state.record.id))")
            }
        }
    }
}
