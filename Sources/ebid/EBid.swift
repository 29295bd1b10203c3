import ArgumentParser

/// `ebid`: the command line of the ebid electronic bidding service.
@main
struct EBid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebid",
        abstract: "Electronic bidding for public resource trading (公共资源交易): sealed bids, remote opening, audit.",
        subcommands: [Demo.self, Serve.self, Keys.self, Auth.self, Tender.self, Bid.self, Opening.self, Expert.self, Draw.self, Eval.self, ResultCommand.self, Supervise.self, ReceiptCommand.self, RecordCommand.self, Credit.self, Audit.self, Admin.self, Dev.self]
    )

    static func main() async {
        PeakMemoryReport.installIfRequested()
        await main(nil)
    }
}
