import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receipt", abstract: "Check receipts offline.", subcommands: [Verify.self])
}
