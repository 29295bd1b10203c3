import ArgumentParser

/// `ebid result`: candidates' publicity, objections, the award.
struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result",
        abstract: "The result: publish the candidates (公示), objections and answers, the award notice (中标通知书).",
        discussion: """
          result publish --days 3          host, after the final report
          result show --server URL         anyone; the committee after the award
          result object --text "…"         a bidder, during the publicity
          result answer --number 1 --text "…"   host
          result award [--rank 2 --reason "…"]  host, objections answered
        (each with --server --cert --key --tender, but show)
        """,
        subcommands: [ResultPublish.self, ResultShow.self, ResultObject.self, ResultAnswer.self, ResultAward.self]
    )
}
