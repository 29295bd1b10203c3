import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

struct Tender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish and read tenders (招标公告).",
        subcommands: [Publish.self, Show.self, List.self, Amend.self, Download.self, TenderDraft.self, TenderAmendment.self]
    )
}
