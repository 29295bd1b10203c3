import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "record", abstract: "Check signed records offline.", subcommands: [Verify.self])
}
