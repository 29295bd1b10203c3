import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalBids: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "bids",
            abstract: "The bids under codes (暗标): technical parts only until the technical scores are locked.",
            discussion: """
            Before the technical round is locked you see codes (T01, T02…), the technical parts under
            neutral names, and any identity-leak flag (a part that names a bidder). After it: names,
            prices, every part, compliance decisions, and with --cleaning the bid-cleaning findings.
            --download DIR saves every part you may see into DIR. --template FILE --round R writes a
            score sheet to fill in for `ebid eval commit`: one CODE,CRITERION,SCORE line per bid and
            criterion of the round, each score set to the criterion's maximum (with its bounds in a
            comment above), ready to be edited.
            """
        )

        @OptionGroup var options: EvalOptions

        @Option(help: "Save the parts into this directory.")
        var download: String?

        @Option(help: "Write a score sheet template for --round to this file.")
        var template: String?

        @Option(help: "The round of the template: technical or commercial.")
        var round: ScoringRound = .technical

        @Flag(help: "Show bid cleaning (清标) of the priced bills, once names are shown.")
        var cleaning = false

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let view: EvaluationRoom.BidsView = try await client.get("\(options.path)/evaluation/bids")
                if let template {
                    let codes = round == .technical ? view.technicalCodes : (view.commercialCodes ?? [])
                    guard !codes.isEmpty else { throw CLIError("the \(round.rawValue) round has no bids to score yet") }
                    var lines = ["CODE,CRITERION,SCORE"]
                    for criterion in EvaluationRoom.criteria(round, view.evaluation.rubric) {
                        lines.append("# \(criterion.id) \(criterion.name): \(criterion.lowest)…\(criterion.maximum), at most \(view.evaluation.rubric.places) decimals")
                        for code in codes { lines.append("\(code),\(criterion.id),\(criterion.maximum)") }
                    }
                    try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: template))
                    print("wrote \(template): \(codes.count) bids × \(EvaluationRoom.criteria(round, view.evaluation.rubric).count) criteria; edit the scores, then `ebid eval commit --round \(round.rawValue) --scores \(template)`")
                    return
                }
                if json { return try printJSON(view) }
                print("tender \(view.tenderId): \(view.bids.count) bids, \(view.namesShown ? "names shown" : "under codes"); rounds: "
                      + ScoringRound.allCases.map { "\($0.rawValue) \(view.rounds[$0]?.rawValue ?? "-")" }.joined(separator: ", "))
                if let delta = view.delta { print("δ drawn: \(delta)") }
                for bid in view.bids {
                    let who = bid.bidder.map { "  \($0)  \(bid.price?.description ?? "")\(bid.aboveMaximumPrice == true ? " (above the maximum price)" : "")" } ?? ""
                    let decision = bid.compliance.map { $0.rejected ? "  REJECTED: \($0.reasons.joined(separator: "; "))" : "  compliant" } ?? ""
                    print("\(bid.code)\(who)\(decision)")
                    for part in bid.parts {
                        print("  \(part.index)  \(part.name)  \(formatBytes(UInt64(part.size)))\(part.leaks.map { "  ⚠ names a bidder (\($0.joined(separator: ", ")))" } ?? "")")
                        if let download {
                            try FileManager.default.createDirectory(atPath: download, withIntermediateDirectories: true)
                            _ = try await client.download("\(options.path)/evaluation/bids/\(bid.code)/parts/\(part.index)", to: "\(download)/\(part.name)")
                        }
                    }
                }
                if cleaning {
                    struct Line: Decodable { var code: String; var report: CleaningReport }
                    let lines: [Line] = try await client.get("\(options.path)/evaluation/cleaning")
                    for line in lines {
                        print("\(line.code) bill: stated \(line.report.statedTotal), corrected \(line.report.correctedTotal)")
                        for finding in line.report.findings { print("  \(finding.kind.rawValue)  \(finding.item)  \(finding.detail)") }
                    }
                }
            }
        }
    }
}
