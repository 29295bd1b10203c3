import BidCore
import Foundation

/// The opening: its state, the bids at the deadline, partial decryptions, objections, confirmations.
public protocol OpeningTransaction {
    func opening(tender id: String) throws -> Opening?
    func openings(status: OpeningStatus) throws -> [Opening]
    func saveOpening(_ opening: Opening) throws
    func setOpeningRecord(tender id: String, _ signed: SignedDocument) throws
    func openingRecord(tender id: String) throws -> SignedDocument?
    /// Bids at the deadline of each tender whose opening record is published (public figures).
    func openedBidCounts() throws -> [(tender: String, bids: Int)]
    func saveOpeningBid(_ bid: OpeningBid, tender id: String, manifest: (bytes: [UInt8], signature: [UInt8])?) throws
    func openingBids(tender id: String) throws -> [OpeningBid]
    func openedManifest(bid id: String) throws -> [UInt8]?
    func insertOpenedPart(bid id: String, position: Int, kind: String, name: String, size: Int64, digest: String, blob: String) throws
    func openedParts(bid id: String) throws -> [OpenedPart]
    func openingBid(tender id: String, bid: String) throws -> OpeningBid?
    func insertPartial(_ partial: PartialDecryption, bid: String, tender id: String, suite: Suite, party: String, certificateFingerprint: String,
                       at time: Date, address: String) throws -> Bool
    func partials(bid id: String) throws -> [PartialDecryption]
    func partialIndices(tender id: String) throws -> [Suite: [Int]]
    func insertObjection(tender id: String, _ objection: Objection) throws
    func answerObjection(tender id: String, number: Int, answer: String, by party: String, at time: Date) throws -> Bool
    func objections(tender id: String) throws -> [Objection]
    func confirm(tender id: String, party: String, at time: Date) throws -> Bool
    func confirmations(tender id: String) throws -> [(party: String, at: Date)]
    func setSignals(tender id: String, _ signals: [CollusionSignal]) throws
    func signals(tender id: String) throws -> [CollusionSignal]
}
