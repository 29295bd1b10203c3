import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

/// `ebid`: the command line of the ebid electronic bidding service.
@main
struct EBid: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ebid",
        abstract: "Electronic bidding for public resource trading (公共资源交易): sealed bids, remote opening, audit.",
        subcommands: [Demo.self, Serve.self, Keys.self, Auth.self, Tender.self, Bid.self, Opening.self, Expert.self, Draw.self, Eval.self, ResultCommand.self, Supervise.self, ReceiptCommand.self, RecordCommand.self, Credit.self, Audit.self, Admin.self, PartyCommand.self, Dev.self]
    )

    static func main() async {
        PeakMemoryReport.installIfRequested()
        // The server's processes run their async code on the event loops (docs/operations.md);
        // EBID_GLOBAL_EXECUTOR=swift keeps Swift's own pool. Only here: on the main thread, before any task.
        if let command = CommandLine.arguments.dropFirst().first, ["serve", "demo"].contains(command),
           ProcessInfo.processInfo.environment["EBID_GLOBAL_EXECUTOR"] != "swift" {
            ServerExecutor.adoptEventLoops()
        }
        await main(nil)
    }
}
