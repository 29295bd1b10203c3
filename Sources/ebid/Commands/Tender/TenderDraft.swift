import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender {
    /// `ebid tender draft show|edit|discard`: a draft is private to its owner until published.
    struct TenderDraft: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "draft",
            abstract: "A draft tender, before it is published: show it, edit its tender file, or discard it (its owner).",
            discussion: """
            `tender publish` creates the draft, uploads the documents and publishes it; when publication
            is refused (a period too short, a document missing) the draft stays. Run `tender publish`
            again with the corrected file or flags (it updates the draft), or edit or discard it here.
            """,
            subcommands: [TenderDraftShow.self, TenderDraftEdit.self, TenderDraftDiscard.self]
        )
    }
}
