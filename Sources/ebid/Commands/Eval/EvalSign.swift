import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalSign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign",
            abstract: "Sign the report with your key: agree, or dissent with your reasons (Reg. art. 53).",
            discussion: "The report's digest is computed here from the bytes the platform signed; with --platform-cert its signature is checked first. Not signing by the deadline counts as agreeing."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "Dissent, with these reasons.") var dissent: String?
        @Option(name: .customLong("platform-cert"), help: "Check the platform's signature on the report first.") var platformCert: String?
        @Flag(help: "Print JSON (your task as the service sees it).") var json = false

        func run() async throws {
            try await reportingErrors {
                let (client, party, key) = try await options.login()
                let task = try await EvalWork.sign(client, tender: options.tender, member: party, dissent: dissent, key: key, platform: try platformCert.map { try Certificate(file: $0) })
                if json { return try printJSON(task) }
                print(dissent == nil ? "you signed the report of \(options.tender): agree" : "you signed the report of \(options.tender): dissent, with your reasons")
            }
        }
    }
}
