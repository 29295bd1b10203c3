import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw your bid before the deadline; prints the signed receipt.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(name: .customLong("receipt-out"), help: "Write the signed receipt here (and the signature to <file>.sig).")
        var receiptOut: String?

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                let result: BidDesk.ReceiptResult = try await api.send("DELETE", "/v1/tenders/\(EBidClient.pathComponent(tender))/bid")
                try writeReceipt(result, to: receiptOut)
                print("bid withdrawn")
                printReceipt(result.receipt)
            }
        }
    }
}
