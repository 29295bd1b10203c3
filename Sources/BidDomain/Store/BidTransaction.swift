import BidCore
import Foundation

/// Bids and their receipts (确认回执).
public protocol BidTransaction {
    func activeBid(tender id: String, party: String) throws -> BidRecord?
    func bids(tender id: String, party: String) throws -> [BidRecord]
    func bids(tender id: String, status: BidStatus) throws -> [BidRecord]
    func bid(id: String) throws -> BidRecord?
    func allBids() throws -> [BidRecord]
    func insertBid(_ bid: BidRecord) throws
    func supersede(bid id: String, as status: BidStatus, at time: Date) throws
    func insertReceipt(id: String, kind: ReceiptKind, tender: String, party: String, bid: String?, ledgerSeq: Int64, issuedAt: Date,
                       signed: SignedDocument) throws
    func receipts(tender id: String, party: String) throws -> [SignedDocument]
    func receipt(id: String) throws -> SignedDocument?
    func allReceipts() throws -> [(ledgerSeq: Int64, signed: SignedDocument)]
}
