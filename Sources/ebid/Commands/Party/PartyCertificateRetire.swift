import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand.PartyCertificate {
    struct PartyCertificateRetire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retire",
            abstract: "Retire a party's certificate: it no longer logs in and its sessions end; what it signed still verifies."
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "Party id, credit code or person id.") var id: String
        @Option(help: "The certificate's SHA-256 fingerprint (hex; `ebid party show` lists them).") var fingerprint: String
        @Option(help: "Why (lost, replaced, the holder left…).") var reason: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let state: RegistryState = try await client.login().send("POST", "/v1/parties/\(EBidClient.pathComponent(id))/certificates/\(EBidClient.pathComponent(fingerprint))/retire",
                                                                      json: ["reason": reason])
                try printParty(state, json: output.json, heading: "retired certificate \(fingerprint) of \(state.record.name) (\(state.record.id))")
            }
        }
    }
}
