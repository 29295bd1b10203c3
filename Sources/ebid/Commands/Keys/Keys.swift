import ArgumentParser
import BidCore
import Foundation

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Demo key material.",
        subcommands: [DemoPKICommand.self, DemoCRLCommand.self]
    )
}
