import BidCore
import Foundation

public enum OpeningStatus: String, Codable, Sendable {
    /// The decryption window is open (or the committee remedy is pending).
    case decrypting
    /// Every bid is opened or classified; the record is signed and published.
    case completed
    /// Fewer than three bids at the deadline: no opening (流标, Law art. 28, Reg. art. 44).
    case failed
}

public enum OpeningBidState: String, Codable, Sendable {
    case pending
    case opened
    /// The bidder's failure: treated as revoked (视为撤销, E-Measures art. 31).
    case revoked
    /// The platform's or anyone else's failure: treated as withdrawn (视为撤回, E-Measures art. 31).
    case withdrawn
}

public enum OpenedBy: String, Codable, Sendable {
    /// The bidder's own key (remote decryption).
    case bidder
    /// The opening key rebuilt from the officials' shares.
    case committee
}

/// Why a bid did not open, and whose fault it was, with the evidence.
public struct DecryptionFailure: Codable, Sendable, Equatable {
    public enum Fault: String, Codable, Sendable {
        /// The bidder: did not decrypt, sent a wrong key, or its package is bad inside → revoked.
        case bidder
        /// The platform lost or damaged the stored package, or failed itself → withdrawn.
        case platform
        /// The opening officials did not hand in enough shares (committee policy) → withdrawn.
        case committee
    }
    public var fault: Fault
    /// Stable code: `opening.not-decrypted`, a `sealed.*` code, `opening.blob-unreadable`…
    public var code: String
    public var detail: String
}

/// One bid at the opening.
public struct OpeningBid: Codable, Sendable, Equatable {
    public var bidId: String
    public var bidderParty: String
    public var state: OpeningBidState
    public var openedBy: OpenedBy?
    public var failure: DecryptionFailure?
    /// The summary items the tender lists, as read from the verified manifest.
    public var items: [String: String]
    public var decryptedAt: Date?
    public var decryptionAddress: String?
    public var refusedAttempts: Int
}

/// A part of an opened bid, kept in the blob store for the evaluation.
public struct OpenedPart: Codable, Sendable, Equatable {
    public var position: Int
    public var kind: String
    public var name: String
    public var size: Int64
    public var sha256: String
    public var blob: String
}

/// The opening session of a tender.
public struct Opening: Codable, Sendable, Equatable {
    public var tenderId: String
    public var status: OpeningStatus
    public var startedAt: Date
    public var startedBy: String
    public var windowEndsAt: Date
    public var completedAt: Date?
    public var confirmationEndsAt: Date?
}

/// The opening record (开标记录, Law art. 36, Reg. art. 36): every bid received by the deadline
/// with its receipt time, package digest, decryption state and cause, how it was opened and the
/// items the tender lists; signed by the platform and verifiable offline.
public struct OpeningRecord: Codable, Sendable, Equatable {
    public struct TenderRef: Codable, Sendable, Equatable {
        public var id: String
        public var section: String
        public var title: String
        public var tenderer: String?
        public var maximumPrice: String?
        public var deadline: Date
        public var decryptionPolicy: DecryptionPolicy
        public var openingRecordItems: [String]
    }

    public struct Entry: Codable, Sendable, Equatable {
        public var bidder: String
        public var bidderName: String
        public var creditCode: String?
        public var receivedAt: Date
        public var packageDigest: String
        public var state: OpeningBidState
        public var openedBy: OpenedBy?
        public var failure: DecryptionFailure?
        public var items: [String: String]
    }

    public var format = "ebid-opening-record"
    public var version = 1
    public var tender: TenderRef
    public var outcome: OpeningStatus
    /// For a failed opening: why (fewer than three bids).
    public var failureReason: String?
    public var bidCount: Int
    public var startedAt: Date
    public var decryptionWindowEndsAt: Date?
    public var completedAt: Date
    public var bids: [Entry]
    public var issuedAt: Date
    public var platformCertificateFingerprint: String
}

/// An objection (异议) raised at the opening, and its answer (Reg. art. 44).
public struct Objection: Codable, Sendable, Equatable {
    public var number: Int
    public var party: String
    public var text: String
    public var raisedAt: Date
    public var answer: String?
    public var answeredBy: String?
    public var answeredAt: Date?
}
