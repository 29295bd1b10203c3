import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a sealed bid; prints the platform's signed receipt (确认回执).",
            discussion: """
            The tender is the one the package was sealed for. A bid uploaded again before the deadline
            replaces the previous one. With --receipt-out FILE the receipt is written as FILE (the signed
            JSON) and FILE.sig (the signature), checkable offline with `ebid receipt verify` or openssl.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(name: .customLong("in"), help: "Sealed bid file (from `ebid bid seal`).")
        var input: String

        @Option(name: .customLong("receipt-out"), help: "Write the signed receipt here (and the signature to <file>.sig).")
        var receiptOut: String?

        func run() async throws {
            try await reportingErrors {
                let header = try SealedBidHeader.peek(file: input)
                let api = try await client.login()
                let result: BidDesk.ReceiptResult = try await api.upload("PUT", "/v1/tenders/\(EBidClient.pathComponent(header.tenderId))/bid",
                                                                         file: input, contentType: "application/vnd.ebid.sealed-bid")
                try writeReceipt(result, to: receiptOut)
                print(result.receipt.kind == .bidReplaced ? "bid received; it replaces your previous bid" : "bid received")
                printReceipt(result.receipt)
            }
        }
    }
}
