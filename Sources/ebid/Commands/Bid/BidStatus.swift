import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your own bids and receipts for a tender.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                let status: BidDesk.StatusView = try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/bid")
                print("tender \(status.tenderId), deadline \(displayTime(status.deadline))")
                if status.history.isEmpty { print("  no bid") }
                for bid in status.history {
                    print("  \(bid.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(displayTime(bid.receivedAt))  \(bid.packageDigest)  \(formatBytes(UInt64(bid.size)))  ledger #\(bid.ledgerSeq)")
                }
                print("  \(status.receipts.count) receipt(s)")
            }
        }
    }
}
