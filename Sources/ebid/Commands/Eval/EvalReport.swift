import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalReport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "The evaluation report: generate it (host), close the signing (host), or fetch and print it.",
            discussion: """
            --generate (host): once both rounds are locked and every flagged score explained, the
            platform signs the report (ranking, per-criterion aggregates, every member's scores,
            compliance decisions, cleaning findings, explanations, collusion signals) and members sign
            it until --deadline-minutes. --finalize (host): once all signed or the deadline passed —
            silence counts as agreeing (Reg. art. 53). Without either: print it; --out saves the
            signed document and --platform-cert checks its signature.
            """
        )

        @OptionGroup var options: EvalOptions
        @Flag(help: "Generate the report (host).") var generate = false
        @Option(name: .customLong("deadline-minutes"), help: "Signing deadline, minutes from now.") var deadlineMinutes: Int = 1440
        @Flag(help: "Close the signing (host).") var finalize = false
        @Option(help: "Save the signed report (JSON with document and signature).") var out: String?
        @Option(name: .customLong("platform-cert"), help: "Check the platform's signature.") var platformCert: String?
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                struct Served: Codable { var signed: SignedDocument.Wire; var final: SignedDocument.Wire? }
                struct Body: Encodable { var deadlineMinutes: Int }
                if generate {
                    let _: Served = try await client.send("POST", "\(options.path)/evaluation/report", json: Body(deadlineMinutes: deadlineMinutes))
                }
                if finalize {
                    let _: Served = try await client.send("POST", "\(options.path)/evaluation/report/final")
                }
                let served: Served = try await client.get("\(options.path)/evaluation/report")
                guard let signed = served.signed.signed else { throw CLIError("the report is not well-formed") }
                if let platformCert, try !signed.verify(with: try Certificate(file: platformCert)) { throw CLIError("the report's signature does not verify with \(platformCert)") }
                if let out { try JSONEncoder.ebidPretty.encode(served).write(to: URL(fileURLWithPath: out)) }
                let report = try signed.decode(EvaluationRoom.Report.self)
                if json { return try printJSON(report) }
                printReport(report, final: try served.final?.signed?.decode(EvaluationRoom.FinalReport.self))
            }
        }
    }
}

/// The ranking with the scores that led to it.
func printReport(_ report: EvaluationRoom.Report, final: EvaluationRoom.FinalReport?) {
    print("evaluation report of \(report.tenderId) section \(report.section) (\(report.method.rawValue)), generated \(displayTime(report.generatedAt))")
    if let price = report.price {
        let figures = [price.lowest.map { "lowest valid price \($0)" }, price.base.map { "base \($0)" }, price.benchmark.map { "benchmark \($0)" },
                       report.delta.map { "δ \($0)" }].compactMap { $0 }
        print("price: " + figures.joined(separator: ", ") + (price.droppedFromBase.isEmpty ? "" : "; left out of the mean: \(price.droppedFromBase.joined(separator: ", "))"))
    }
    for line in report.bids {
        let rank = line.rank.map { "#\($0)" } ?? "—"
        let criteria = line.criteria.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "  ")
        let outcome = line.rejected ? "rejected: \(line.rejectionReasons.joined(separator: "; "))" : "total \(line.total?.description ?? line.evaluatedPrice?.description ?? "")  [\(criteria)]"
        print("  \(rank.padding(toLength: 3, withPad: " ", startingAt: 0)) \(line.code) \(line.bidder)  \(line.price)  \(outcome)\(line.candidate ? "  candidate" : "")")
    }
    print("committee: \(report.committee.map(\.name).joined(separator: ", "))")
    if let final {
        for opinion in final.opinions where opinion.opinion == .dissent || opinion.silent {
            print("  \(opinion.expert): \(opinion.silent ? "did not sign by the deadline (counts as agreeing)" : "dissents: \(opinion.reasons ?? "")")")
        }
    }
}
