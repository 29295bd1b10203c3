import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Check signed records offline.", subcommands: [Verify.self])
}
