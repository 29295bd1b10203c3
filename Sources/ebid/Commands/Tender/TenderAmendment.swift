import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender {
    /// `ebid tender amendment publish|discard`: an amendment `tender amend` left as a draft.
    struct TenderAmendment: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "amendment",
            abstract: "A draft amendment `tender amend` left open (publication refused): publish it, or discard it (its owner).",
            subcommands: [TenderAmendmentPublish.self, TenderAmendmentDiscard.self]
        )
    }
}
