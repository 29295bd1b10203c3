import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Draw {
    struct DrawCommit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "commit",
            abstract: "Commit to a fresh secret value for the draw's seed (host or supervisor).",
            discussion: "The value is made here and kept in --secret (mode 0600); only its hash goes to the service. Reveal it with `ebid draw reveal` once everyone has committed."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "Where to keep the value (default: ebid-<tender>-<you>-draw.secret.json).") var secret: String?
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, party, _) = try await options.login()
                let path = secret ?? DrawWork.defaultSecretPath(tender: options.tender, party: party)
                let view = try await DrawWork.commit(client, tender: options.tender, party: party, secretPath: path)
                if json { return try printJSON(view) }
                print("committed; value kept in \(path). Contributors: \(view.contributions.map { "\($0.party) (\($0.role))" }.joined(separator: ", "))")
            }
        }
    }
}
