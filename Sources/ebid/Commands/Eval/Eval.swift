import ArgumentParser

/// `ebid eval`: the expert's sealed workspace and the agency's rubric checks.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Sealed evaluation (评标全封闭): check a rubric's price scores; clean a priced bill of quantities.",
        discussion: """
        The scoring rules are a tender's typed rubric (docs/evaluation.md): criteria with maxima and
        weights, a price formula, how members' scores are aggregated, tie-breaks. Everything is exact
        decimal arithmetic, rounded HALF_UP at the places the rubric states.

          ebid eval preview --rubric tender.json --prices prices.csv        # ID,PRICE → ID,PRICE,SCORE
          ebid eval clean --bill bid-bill.csv --tender-bill tender-bill.csv
        """,
        subcommands: [EvalPreview.self, EvalClean.self]
    )
}
