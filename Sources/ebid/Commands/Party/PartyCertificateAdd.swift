import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand.PartyCertificate {
    struct PartyCertificateAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a certificate to a party; it must chain to the service's trust anchors.")

        @OptionGroup var client: ClientOptions
        @Option(help: "Party id, credit code or person id.") var id: String
        @Option(help: "The certificate to add (PEM or DER).") var certificate: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let pem = try certificatePEMs([certificate])[0]
                let state: RegistryState = try await client.login().send("POST", "/v1/parties/\(EBidClient.pathComponent(id))/certificates", json: ["certificate": pem])
                try printParty(state, json: output.json, heading: "added the certificate to \(state.record.name) (\(state.record.id))")
            }
        }
    }
}
