import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalCompliance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "compliance",
            abstract: "Your compliance review (否决投标, Reg. art. 51): every bid passes unless you reject it with reasons.",
            discussion: """
            After the technical round, with names shown. --reject CODE=REASON for each bid you find
            must be rejected (not signed or sealed, qualification not met, two prices, price above
            the maximum or below cost, no response to substantive terms, collusion or fraud). A bid is
            rejected when most members reject it; a price above the maximum price is rejected by rule.
            """
        )

        @OptionGroup var options: EvalOptions

        @Option(help: "CODE=REASON; repeat for several.")
        var reject: [String] = []

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                let view: EvaluationRoom.BidsView = try await client.get("\(options.path)/evaluation/bids")
                var reasons: [String: [String]] = [:]
                for item in reject {
                    let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2, view.technicalCodes.contains(parts[0]), !parts[1].isEmpty else { throw CLIError("--reject \(item): write CODE=REASON for a bid of the tender") }
                    reasons[parts[0], default: []].append(parts[1])
                }
                struct Body: Encodable { var opinions: [ComplianceOpinion] }
                let opinions = view.technicalCodes.map { ComplianceOpinion(code: $0, reject: reasons[$0] != nil, reasons: reasons[$0]) }
                let task: EvaluationRoom.TaskView = try await client.send("POST", "\(options.path)/evaluation/compliance", json: Body(opinions: opinions))
                if json { return try printJSON(task) }
                print("compliance review given: \(reasons.isEmpty ? "every bid passes" : "rejecting \(reasons.keys.sorted().joined(separator: ", "))"); commercial round \(task.rounds[.commercial]?.rawValue ?? "?")")
            }
        }
    }
}
