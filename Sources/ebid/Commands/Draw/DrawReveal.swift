import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Draw {
    struct DrawReveal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reveal",
            abstract: "Reveal your committed value; the last reveal draws the committee.",
            discussion: "Needs the host's and at least one supervisor's commitments. After the first reveal nobody may commit any more."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "The file `ebid draw commit` wrote.") var secret: String?
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, party, _) = try await options.login()
                let view = try await DrawWork.reveal(client, secretPath: secret ?? DrawWork.defaultSecretPath(tender: options.tender, party: party))
                if json { return try printJSON(view) }
                if view.phase == .drawing {
                    print("revealed; waiting for \(view.contributions.filter { !$0.revealed }.map(\.party).joined(separator: ", "))")
                } else if let record = view.record {
                    print("the committee is drawn (seed \(record.seed ?? "")); members: \(record.members.map(\.expert).joined(separator: ", "))\(record.delta.map { "; δ = \($0)" } ?? "")")
                    print("the list stays with the host and supervisors until the award; `ebid draw show --out FILE` saves the record for `ebid draw verify`")
                }
            }
        }
    }
}
