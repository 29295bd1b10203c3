import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func writeReceipt(_ result: BidDesk.ReceiptResult, to path: String?) throws {
    guard let path else { return }
    guard let signed = result.signed.signed else { throw CLIError("the receipt is not well-formed base64") }
    try writeSigned(signed, to: path, what: "receipt")
}

func printReceipt(_ receipt: Receipt) {
    var rows: [(String, String)] = [
        ("receipt", "\(receipt.receiptId) (\(receipt.kind.rawValue))"),
        ("tender", "\(receipt.tender.id) section \(receipt.tender.section), deadline \(displayTime(receipt.tender.deadline))"),
        ("bidder", "\(receipt.bidder.name) \(receipt.bidder.creditCode ?? "")"),
        ("package", "\(receipt.bid.packageDigest), \(formatBytes(UInt64(receipt.bid.size)))"),
        ("received at", displayTime(receipt.receivedAt)),
        ("ledger", "event #\(receipt.ledger.seq), hash \(receipt.ledger.eventHash.prefix(16))…"),
    ]
    if let replaced = receipt.replaces { rows.insert(("replaces", replaced.packageDigest), at: 4) }
    printTable(rows, indent: "  ")
}
