import ArgumentParser
import BidCore
import Foundation

extension Auth {
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Log in and print a bearer token, for scripts (curl -H \"Authorization: Bearer $(ebid auth token …)\").",
            discussion: "The private key signs the server's challenge on this machine; only the signature is sent."
        )

        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await reportingErrors {
                let (certificate, key) = try loadIdentity(certificate: client.cert, key: client.key)
                let api = try EBidClient(server: client.server)
                let session = try await api.login(certificate: certificate, key: key)
                print(session.token)
            }
        }
    }
}
