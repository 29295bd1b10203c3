import ArgumentParser

/// `ebid eval`: the expert's sealed workspace and the agency's rubric checks.
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Sealed evaluation (评标全封闭): the members' workspace, the report, and the agency's rubric checks.",
        discussion: """
        The scoring rules are a tender's typed rubric (docs/evaluation.md):
        criteria with maxima and weights, a price formula, how members' scores
        are aggregated, tie-breaks. Exact decimals, rounded as the rubric says.

        A member, in order (each with --server --cert --key --tender):
          eval tasks                       what you were drawn for
          eval declare [--recuse]          no-conflict declaration
          eval bids --download DIR         the technical parts, under codes
          eval bids --template F --round R a score sheet to fill in
          eval commit --round R --scores F only a signed hash leaves here
          eval reveal --round R            once every member committed
          eval compliance [--reject T03=…] names shown; then commercial
          eval scores | explain | rescore  a flag (±30 %) needs a reason
          eval sign [--dissent "…"]        the report, agree or dissent
        The host: eval report --generate, then --finalize; anyone: eval verify.

        Offline:
          eval preview --rubric R --prices P   ID,PRICE → ID,PRICE,SCORE
          eval clean --bill B --tender-bill T  bid cleaning (清标)
        """,
        subcommands: [EvalTasks.self, EvalDeclare.self, EvalBids.self, EvalCommit.self, EvalReveal.self, EvalCompliance.self, EvalScores.self,
                      EvalExplain.self, EvalRescore.self, EvalReport.self, EvalSign.self, EvalVerify.self, EvalPreview.self, EvalClean.self]
    )
}
