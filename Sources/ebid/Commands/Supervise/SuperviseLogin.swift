import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Supervise {
    struct SuperviseLogin: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "login",
            abstract: "Print a one-time link to the supervisors' dashboard (valid 2 minutes, opens one browser session).",
            discussion: "The CLI logs in with your certificate and key (challenge-response); no password is kept anywhere. Open the link in your browser: it sets an HttpOnly session cookie for /supervise and is then used up."
        )

        @OptionGroup var client: ClientOptions

        func run() async throws {
            try await reportingErrors {
                struct Link: Decodable { var path: String; var expiresAt: Date }
                let link: Link = try await client.login().send("POST", "/v1/auth/web-link")
                let base = client.server.hasSuffix("/") ? String(client.server.dropLast()) : client.server
                print("\(base)\(link.path)")
                printError("open it before \(displayTime(link.expiresAt)); it works once")
            }
        }
    }
}
