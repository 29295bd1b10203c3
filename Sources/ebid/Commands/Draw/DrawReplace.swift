import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Draw {
    struct DrawReplace: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "replace",
            abstract: "Replace a member who declined, did not arrive or cannot be reached (host), drawn the same way.",
            discussion: "Reasons: declined, absent, unreachable, conflict-found (a member recuses itself with `ebid eval declare --recuse`). Only before the technical scores are revealed; `absent` raises a lead for the credit register."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "The member to replace.") var expert: String
        @Option(help: "declined, absent, unreachable or conflict-found.") var reason: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                struct Body: Encodable { var expert: String; var reason: String }
                let pick: DrawPick = try await client.send("POST", "\(options.path)/draw/replacements", json: Body(expert: expert, reason: reason))
                if json { return try printJSON(pick) }
                print("\(expert) replaced by \(pick.expert) in seat \(pick.seat + 1) (\(reason))")
            }
        }
    }
}
