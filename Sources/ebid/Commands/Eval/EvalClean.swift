import ArgumentParser
import BidCore
import Foundation

extension Eval {
    /// `ebid eval clean`: bid cleaning (清标) of a priced bill of quantities.
    struct EvalClean: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clean",
            abstract: "Check a priced bill of quantities: arithmetic, corrections, unbalanced unit prices, items missing or added.",
            discussion: """
            Bid cleaning (清标) applies 评标委员会和评标方法暂行规定 art. 19: words prevail over figures;
            the unit price prevails over the line total, unless its decimal point is plainly misplaced
            (the moved price gives the total and is nearer the control price); the lines prevail over
            the stated total. It flags unit prices more than --unbalanced percent from the control
            unit price (不平衡报价), and items missing, added, or with changed quantities or units.
            Findings are evidence for the committee — never a rejection by themselves.

            Offline with --bill and --tender-bill; or, for a member once names are shown, the
            service's cleaning of every bid with --server --cert --key --tender.

            The bill layouts (docs/evaluation.md, "Bills of quantities"):
              tender:  code,name,unit,quantity,controlUnitPrice
              bid:     code,name,unit,quantity,unitPrice,total[,words]   … then  TOTAL,,,,,<total>[,<words>]

              ebid eval clean --bill seeds/bids/parts/bidder-01/bill-of-quantities.csv --tender-bill seeds/tenders/bill-of-quantities.csv
              ebid eval clean --server URL --cert me.crt.pem --key me.key.pem --tender FZGC-2026-0001
            """
        )

        @Option(help: "The bid's priced bill (CSV).")
        var bill: String?

        @Option(name: .customLong("tender-bill"), help: "The tender's bill with control unit prices (CSV).")
        var tenderBill: String?

        @Option(help: "The ebid service (with --cert, --key and --tender: the service's cleaning of every bid).")
        var server: String?
        @Option(help: "Your certificate.") var cert: String?
        @Option(help: "Your private key.") var key: String?
        @Option(help: "Tender id.") var tender: String?

        @Option(help: "Unbalanced unit price threshold, percent (default: 15, or the rubric's).")
        var unbalanced: String = "15"

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                if let server {
                    guard let cert, let key, let tender else { throw CLIError("with --server give --cert, --key and --tender") }
                    let (certificate, privateKey) = try loadIdentity(certificate: cert, key: key)
                    let client = try EBidClient(server: server)
                    try await client.login(certificate: certificate, key: privateKey)
                    struct Line: Codable { var code: String; var report: CleaningReport }
                    let lines: [Line] = try await client.get("\(EvalWork.tenderPath(tender))/evaluation/cleaning")
                    if json { return try printJSON(lines) }
                    for line in lines {
                        print("\(line.code): stated \(line.report.statedTotal), corrected \(line.report.correctedTotal)\(line.report.findings.isEmpty ? ", no findings" : "")")
                        for finding in line.report.findings { print("  \(finding.kind.rawValue)  \(finding.item)  \(finding.detail)") }
                    }
                    return
                }
                guard let bill, let tenderBill else { throw CLIError("give --bill and --tender-bill (offline), or --server --cert --key --tender") }
                guard let percent = ExactDecimal(unbalanced), percent > .zero, percent <= 100 else { throw CLIError("--unbalanced must be a percentage above 0 and at most 100") }
                func text(_ path: String, _ what: String) throws -> String {
                    guard let text = String(data: try readFile(path, what: what), encoding: .utf8) else { throw CLIError("\(path) is not UTF-8 text") }
                    return text
                }
                let report = BidCleaning.clean(bid: try BillOfQuantities.parseBidBill(try text(bill, "bill")),
                                               tender: try BillOfQuantities.parseTenderBill(try text(tenderBill, "tender bill")), unbalancedPercent: percent)
                if json { return try printJSON(report) }
                printTable([("stated total", report.statedTotal.description), ("corrected total", report.correctedTotal.description),
                            ("findings", report.findings.isEmpty ? "none" : "\(report.findings.count)")])
                for finding in report.findings { print("  \(finding.kind.rawValue)  \(finding.item)  \(finding.detail)") }
                if report.needsConfirmation { print("the corrected total differs from the bid's: the bidder confirms the correction (评标委员会和评标方法暂行规定 art. 19)") }
            }
        }
    }
}
