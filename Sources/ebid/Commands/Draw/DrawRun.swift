import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Draw {
    struct DrawRun: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Start the expert draw of an opened tender (host): the pool snapshot and the exclusions are fixed.",
            discussion: """
            The draw takes the committee the tender defines (evaluation.committee). Everyone who must
            recuse is excluded with the reason: the tenderer's and agency's staff, anyone employed by or
            related to a bidder, evaluation bans and debarments in force, supervisors, suspended
            experts. The tenderer's representatives, if the committee seats any (at most a third, Law
            art. 37), are named with --representative: the tenderer's staff with the expert role.
            Then the host and at least one supervisor commit (`ebid draw commit`) and reveal
            (`ebid draw reveal`); the last reveal draws the committee.
            """
        )

        @OptionGroup var options: EvalOptions
        @Option(name: .customLong("representative"), help: "A tenderer's representative to seat (its staff with the expert role); repeat as the committee defines.")
        var representatives: [String] = []
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                struct Body: Encodable { var representatives: [String] }
                let view: EvaluationRoom.DrawView = try await client.send("POST", "\(options.path)/draw", json: Body(representatives: representatives))
                if json { return try printJSON(view) }
                print("the draw of \(options.tender) is set up: pool of \(view.poolSize), \(view.excluded) excluded (pool digest \(view.poolDigest.prefix(16))…)")
                for exclusion in view.record?.excluded ?? [] { print("  \(exclusion.expert): \(exclusion.reasons.map(\.detail).joined(separator: "; "))") }
                print("next: the host and a supervisor run `ebid draw commit`, then `ebid draw reveal`")
            }
        }
    }
}
