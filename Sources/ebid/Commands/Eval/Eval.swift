import ArgumentParser

/// `ebid eval`: the expert's sealed workspace and the agency's rubric checks.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Sealed evaluation (评标全封闭): the members' workspace, the report, and the agency's rubric checks.",
        discussion: """
        The scoring rules are a tender's typed rubric (docs/evaluation.md): criteria with maxima and
        weights, a price formula, how members' scores are aggregated, tie-breaks. Everything is exact
        decimal arithmetic, rounded HALF_UP at the places the rubric states.

        A member, in order (each with --server --cert --key --tender):
          ebid eval tasks                                   what you were drawn for
          ebid eval declare                                 no-conflict declaration (or --recuse)
          ebid eval bids --download DIR                     the technical parts, under codes
          ebid eval commit --round technical --scores s.csv only a signed hash leaves your machine
          ebid eval reveal --round technical                once every member committed
          ebid eval compliance [--reject T03=…]             names shown; then the commercial round
          ebid eval scores / explain / rescore              flags ±30 % need an explanation
          ebid eval sign [--dissent "…"]                    the report (host: ebid eval report --generate)

        Offline:
          ebid eval preview --rubric tender.json --prices prices.csv        # ID,PRICE → ID,PRICE,SCORE
          ebid eval clean --bill bid-bill.csv --tender-bill tender-bill.csv
        """,
        subcommands: [EvalTasks.self, EvalDeclare.self, EvalBids.self, EvalCommit.self, EvalReveal.self, EvalCompliance.self, EvalScores.self,
                      EvalExplain.self, EvalRescore.self, EvalReport.self, EvalSign.self, EvalVerify.self, EvalPreview.self, EvalClean.self]
    )
}
