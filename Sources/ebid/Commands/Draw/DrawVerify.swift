import ArgumentParser
import BidCore
import Foundation

extension Draw {
    struct DrawVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Recompute a draw record offline: digests, commitments, seed, every pick and replacement, δ.",
            discussion: """
            Checks that each revealed value opens its commitment, that the pool and exclusions match
            the digests fixed before the reveals, and that the seed, the committee seat by seat, each
            replacement (drawn the same way, for a lawful reason) and δ follow from them. Exit 0 and
            the members when everything matches; exit 1 naming the first difference otherwise. It
            cannot tell whether an exclusion's reason is true: that is what the reasons are published for.
            """
        )

        @Option(name: .customLong("in"), help: "The draw record (JSON).")
        var input: String

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let record = try decodeJSON(DrawRecord.self, from: input, what: "draw record")
                let members = try record.verify()
                if json {
                    struct Output: Encodable { var verified: Bool; var seed: String?; var members: [DrawPick]; var delta: ExactDecimal? }
                    return try printJSON(Output(verified: true, seed: record.seed, members: members, delta: record.delta))
                }
                let representatives = record.representatives ?? []
                print("the draw verifies: \(members.count) experts drawn from a pool of \(record.pool.count) (\(record.excluded.count) excluded)"
                      + (representatives.isEmpty ? "" : ", and \(representatives.count) tenderer's representative(s) named: \(representatives.joined(separator: ", "))"))
                printTable([
                    ("tender", "\(record.tenderId) section \(record.section)"),
                    ("seed", record.seed ?? "—"),
                    ("contributors", record.contributions.map { "\($0.party) (\($0.role))" }.joined(separator: ", ")),
                    ("replacements", "\(record.picks.count - members.count)"),
                ] + (record.delta.map { [("δ", $0.description)] } ?? []), indent: "  ")
                for member in members {
                    let seat = record.committee.seats[member.seat]
                    print("  seat \(member.seat + 1) \(seat.specialty)\(seat.origin == .otherRegions ? " (other regions)" : "")  \(member.expert)\(member.replaces.map { "  replacing \($0) (\(member.reason ?? ""))" } ?? "")")
                }
            }
        }
    }
}
