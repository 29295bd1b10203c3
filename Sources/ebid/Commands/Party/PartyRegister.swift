import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyRegister: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register",
            abstract: "Register your company as a bidder with its CA certificate (no login); an administrator approves it.",
            discussion: """
            The certificate must chain to the centre's trust anchors and carry the company's unified
            social credit code as its subject serialNumber, as CA-issued organisation certificates do.
            The registration is signed with the certificate's key (docs/http-api.md). Until it is
            approved, logins answer auth.registration-pending.
            """
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.") var server: String
        @Option(help: "The company's certificate (PEM or DER).") var cert: String
        @Option(help: "Its private key (PEM); it never leaves this machine.") var key: String
        @Option(help: "The party id to register under (letters, digits, - and _).") var id: String
        @Option(help: "The company's registered name.") var name: String
        @Option(name: .customLong("credit-code"), help: "Its unified social credit code (统一社会信用代码).") var creditCode: String
        @Option(name: .customLong("legal-representative"), help: "Its legal representative (法定代表人).") var legalRepresentative: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey) = try loadIdentity(certificate: cert, key: key)
                let message = PartyRegistry.SelfRegistration.message(id: id, name: name, creditCode: creditCode, legalRepresentative: legalRepresentative,
                                                                     certificateFingerprint: certificate.fingerprint)
                let signature = try privateKey.sign(Array(message.utf8))
                let body = PartyRegistry.SelfRegistration(id: id, name: name, creditCode: creditCode, legalRepresentative: legalRepresentative,
                                                          certificate: certificate.pem, signature: Data(signature).base64EncodedString())
                let state: RegistryState = try await EBidClient(server: server).send("POST", "/v1/registrations", json: body)
                try printParty(state, json: output.json, heading: "registered \(state.record.name) (\(state.record.id)): it waits for an administrator's approval")
            }
        }
    }
}
