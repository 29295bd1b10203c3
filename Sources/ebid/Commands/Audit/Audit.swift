import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the ledger (过程全监督).", subcommands: [Verify.self, Events.self, Checkpoints.self])
}
