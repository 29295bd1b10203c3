import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Draw {
    struct DrawShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "The draw and its record (host and supervisors until the award; then public from `ebid result show`).",
            discussion: "--out saves the draw record, to check offline with `ebid draw verify --in FILE`."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "Save the draw record (JSON).") var out: String?
        @Flag(help: "Print only the current members' ids, one per line.") var members = false
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let view: EvaluationRoom.DrawView = try await client.get("\(options.path)/draw")
                if let out, let record = view.record { try JSONEncoder.ebidPretty.encode(record).write(to: URL(fileURLWithPath: out)) }
                if members {
                    for pick in view.record?.members ?? [] { print(pick.expert) }
                    for representative in view.record?.representatives ?? [] { print(representative) }
                    return
                }
                if json { return try printJSON(view) }
                printTable([("phase", view.phase.rawValue), ("pool", "\(view.poolSize) (\(view.excluded) excluded)"),
                            ("contributors", view.contributions.map { "\($0.party) (\($0.role)\($0.revealed ? ", revealed" : ""))" }.joined(separator: ", ")),
                            ("members", view.record?.members.map(\.expert).joined(separator: ", ") ?? "—")])
            }
        }
    }
}
