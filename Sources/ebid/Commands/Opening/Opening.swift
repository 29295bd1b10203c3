import ArgumentParser
import BidCore
import Foundation

// The opening over HTTP: the host starts and closes it, officials hand in their shares, bidders
// decrypt their own bids remotely and confirm or object; everyone reads the signed record.

struct Opening: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tender's opening key (开标密钥) and the opening.",
        subcommands: [CeremonyGroup.self, Keygen.self, Start.self, Status.self, Share.self, Close.self, Record.self, Signals.self, Objections.self, Answer.self]
    )
}
