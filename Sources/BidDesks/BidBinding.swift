import BidCore
import BidDomain
import Foundation

/// What binds a stored bid to what was received: its row, the ledger event that recorded it, the
/// signed receipt its bidder holds, and the blob's content address. An insider who points a bid
/// row at another package, edits its digest or swaps the file breaks at least one of them. The
/// opening checks them before it decrypts a bid; the audit checks every bid.
public enum BidBinding {
    /// The ledger payload of a bid's submission (`bid.submit`, `bid.replace`), version 2: it names
    /// everything the row holds, so the event's payload digest binds the row.
    package struct Payload: Encodable {
        package var version = 2
        package var bid: String
        package var tender: String
        package var bidder: String
        package var signer: String
        package var packageId: String
        package var packageDigest: String
        package var size: Int64
        package var blob: String
        package var at: Date
        package var replaces: String?
    }

    /// The payload written when `bid` is received (replacing `replaces`).
    package static func payload(_ bid: BidRecord, replaces: String?) throws -> [UInt8] {
        [UInt8](try JSONEncoder.ebid.encode(Payload(bid: bid.id, tender: bid.tenderId, bidder: bid.bidderParty, signer: bid.certificateFingerprint,
                                                    packageId: bid.packageId, packageDigest: bid.packageDigest, size: bid.size, blob: bid.blob,
                                                    at: bid.receivedAt, replaces: replaces)))
    }

    /// Version 1 (data directories from before): bid, package digest, size, time.
    private struct LegacyPayload: Encodable { var bid: String; var packageDigest: String; var size: Int64; var at: Date; var replaces: String? }

    package static func legacyPayload(_ bid: BidRecord, replaces: String?) throws -> [UInt8] {
        [UInt8](try JSONEncoder.ebid.encode(LegacyPayload(bid: bid.id, packageDigest: bid.packageDigest, size: bid.size, at: bid.receivedAt, replaces: replaces)))
    }

    /// Where the row disagrees with its event, its receipt (already checked to be the platform's)
    /// and its content address; empty when the bid is bound.
    public static func problems(_ bid: BidRecord, event: LedgerEvent?, receipt: Receipt?) -> [String] {
        var problems: [String] = []
        if bid.blob != BlobStore.name(forDigest: bid.packageDigest) {
            problems.append("its blob \(bid.blob) is not the content address of its package digest \(bid.packageDigest)")
        }
        if let event {
            if event.object != "bid/\(bid.id)" || event.tenderId != bid.tenderId || !["bid.submit", "bid.replace"].contains(event.action) {
                problems.append("ledger event \(event.seq) (\(event.action) \(event.object)) is not its submission")
            } else {
                let replaces = receipt?.replaces?.id
                let recorded = [try? payload(bid, replaces: replaces), try? legacyPayload(bid, replaces: replaces)].compactMap { $0 }.map(Ledger.payloadDigest)
                if !recorded.contains(event.payloadDigest) {
                    problems.append("ledger event \(event.seq) recorded another bid (its payload digest is not this row's)")
                }
            }
        } else {
            problems.append("its ledger event \(bid.ledgerSeq) is missing")
        }
        guard let receipt else {
            problems.append("its receipt \(bid.receiptId) is missing")
            return problems
        }
        let expected: [(String, String, String)] = [
            ("receipt id", receipt.receiptId, bid.receiptId), ("bid", receipt.bid.id, bid.id), ("tender", receipt.tender.id, bid.tenderId),
            ("bidder", receipt.bidder.party, bid.bidderParty), ("signer certificate", receipt.bidder.certificateFingerprint, bid.certificateFingerprint),
            ("package id", receipt.bid.packageId, bid.packageId), ("package digest", receipt.bid.packageDigest, bid.packageDigest),
            ("size", String(receipt.bid.size), String(bid.size)), ("suite", receipt.bid.suite.rawValue, bid.suite.rawValue),
            ("ledger position", String(receipt.ledger.seq), String(bid.ledgerSeq)),
        ]
        for (field, signed, stored) in expected where signed != stored {
            problems.append("its \(field) is \(stored), its signed receipt says \(signed)")
        }
        if let event, receipt.ledger.eventHash != event.hash {
            problems.append("its receipt names ledger event \(receipt.ledger.seq) with hash \(receipt.ledger.eventHash.prefix(16))…, the ledger holds \(event.hash.prefix(16))…")
        }
        return problems
    }
}
