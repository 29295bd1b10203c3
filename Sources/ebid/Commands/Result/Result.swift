import ArgumentParser

/// `ebid result`: candidates' publicity, objections, the award.
struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result",
        abstract: "The result: publish the candidates (公示), objections and answers, the award notice (中标通知书).",
        discussion: """
          ebid result publish --tender ID --days 3         (host, after the final report; Reg. art. 54)
          ebid result show    --server URL --tender ID     (anyone; the committee and draw record after the award)
          ebid result object  --tender ID --text "…"       (a bidder of the tender, during the publicity)
          ebid result answer  --tender ID --number 1 --text "…"   (host)
          ebid result award   --tender ID [--rank 2 --reason "…"] (host, after the publicity, objections answered)
        """,
        subcommands: [ResultPublish.self, ResultShow.self, ResultObject.self, ResultAnswer.self, ResultAward.self]
    )
}
