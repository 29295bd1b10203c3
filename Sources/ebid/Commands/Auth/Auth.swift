import ArgumentParser
import BidCore
import Foundation

struct Auth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Log in (certificate challenge-response).", subcommands: [Token.self])
}
