import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List published tenders (no login needed).")

        @Option(help: "The ebid service URL.")
        var server: String

        func run() async throws {
            try await reportingErrors {
                let tenders: [TenderSummaryView] = try await EBidClient(server: server).get("/v1/tenders")
                if tenders.isEmpty { print("no published tenders") }
                for tender in tenders {
                    print("\(tender.id)  section \(tender.section)  deadline \(displayTime(tender.deadline))  \(tender.title)")
                }
            }
        }
    }
}
