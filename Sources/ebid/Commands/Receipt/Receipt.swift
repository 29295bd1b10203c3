import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receipt", abstract: "Check receipts offline.", subcommands: [Verify.self])
}
