import ArgumentParser
import BidCore
import Foundation

extension Eval {
    /// `ebid eval preview` (a contract: ID,PRICE lines in, ID,PRICE,SCORE lines out).
    struct EvalPreview: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "preview",
            abstract: "Print the price score a rubric gives each price, before the rubric is published.",
            discussion: """
            --rubric is a tender spec (its "evaluation" and "maximumPrice" apply) or an evaluation
            object alone. --prices has one bid per line, ID,PRICE (yuan, at most 2 decimals); blank
            lines, # comments and an ID,PRICE header are skipped. Prints ID,PRICE,SCORE per bid in the
            same order; a price above the maximum price is not scored and reads "rejected" (Reg. art.
            51). The valid prices are scored together — a benchmark formula takes its mean over them —
            so the list should be the whole set of bids you want to try.

            Where the formula draws δ at the opening from a published set, give the δ to try with
            --delta (one of the set). --json prints the figures behind the scores as well: the lowest
            price or the base and benchmark, δ, the prices left out of the mean, each deviation.

              $ cat prices.csv
              A,10000000
              B,9800000
              $ ebid eval preview --rubric seeds/tenders/demo-tender.json --prices prices.csv --delta 0.03
              A,10000000,…
            """
        )

        @Option(help: "Tender spec or evaluation JSON.")
        var rubric: String

        @Option(help: "ID,PRICE lines ('-' for standard input).")
        var prices: String

        @Option(help: "δ for a formula that draws it from a published set.")
        var delta: String?

        @Option(name: .customLong("maximum-price"), help: "Maximum price (最高投标限价), yuan; overrides the tender spec's.")
        var maximumPrice: String?

        @Flag(help: "Print JSON with the figures behind the scores.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                var (spec, maximum) = try PricePreview.loadEvaluation(try readFile(rubric, what: "rubric"))
                if let maximumPrice {
                    guard BidSummary.isValidPrice(maximumPrice), let value = ExactDecimal(maximumPrice) else { throw CLIError("--maximum-price \(maximumPrice) is not a yuan amount") }
                    maximum = value
                }
                let deltaValue = try delta.map { text -> ExactDecimal in
                    guard let value = ExactDecimal(text) else { throw CLIError("--delta \(text) is not a decimal") }
                    return value
                }
                let input = prices == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try readFile(prices, what: "price list")
                guard let text = String(data: input, encoding: .utf8) else { throw CLIError("\(prices) is not UTF-8 text") }
                let preview = try PricePreview.run(spec, prices: try PricePreview.parsePrices(text), maximumPrice: maximum, delta: deltaValue)
                if json {
                    struct Output: Encodable {
                        var method: EvaluationMethod
                        var maximumPrice: ExactDecimal?
                        var lowest: ExactDecimal?
                        var base: ExactDecimal?
                        var benchmark: ExactDecimal?
                        var delta: ExactDecimal?
                        var droppedFromBase: [String]
                        var rows: [PricePreview.Row]
                    }
                    let outcome = preview.outcome
                    return try printJSON(Output(method: spec.method, maximumPrice: maximum, lowest: outcome.lowest, base: outcome.base, benchmark: outcome.benchmark,
                                                delta: outcome.delta, droppedFromBase: outcome.droppedFromBase, rows: preview.rows))
                }
                print(preview.csv, terminator: "")
                let rejected = preview.rows.filter { $0.score == nil }.count
                if rejected > 0, let maximum { printError("note: \(rejected) price(s) above the maximum price \(maximum) are rejected, not scored") }
            }
        }
    }
}
