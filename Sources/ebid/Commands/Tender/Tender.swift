import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

struct Tender: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish and read tenders (招标公告).",
        subcommands: [Publish.self, Show.self, List.self, Amend.self, Download.self, TenderDraft.self, TenderAmendment.self]
    )
}
