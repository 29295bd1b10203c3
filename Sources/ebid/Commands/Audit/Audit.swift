import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the ledger (过程全监督).", subcommands: [Verify.self, Events.self, Checkpoints.self])
}
