import BidCore
import Foundation

public enum BidStatus: String, Codable, Sendable {
    /// The bid that counts.
    case active
    /// Superseded by a newer bid from the same bidder before the deadline.
    case replaced
    /// Withdrawn by the bidder before the deadline.
    case withdrawn
}

/// A received sealed bid.
public struct BidRecord: Sendable, Codable, Equatable {
    public var id: String
    public var tenderId: String
    public var bidderParty: String
    public var certificateFingerprint: String
    public var suite: Suite
    public var packageId: String
    /// `sm3:…` or `sha256:…` over the whole package.
    public var packageDigest: String
    public var size: Int64
    package var blob: String
    /// When the last byte was durable (the submission time, 递交时间).
    public var receivedAt: Date
    public var clientAddress: String
    public var status: BidStatus
    public var supersededAt: Date?
    public var receiptId: String
    public var ledgerSeq: Int64

    package init(id: String, tenderId: String, bidderParty: String, certificateFingerprint: String, suite: Suite, packageId: String, packageDigest: String, size: Int64, blob: String, receivedAt: Date, clientAddress: String, status: BidStatus, supersededAt: Date? = nil, receiptId: String, ledgerSeq: Int64) {
        self.id = id
        self.tenderId = tenderId
        self.bidderParty = bidderParty
        self.certificateFingerprint = certificateFingerprint
        self.suite = suite
        self.packageId = packageId
        self.packageDigest = packageDigest
        self.size = size
        self.blob = blob
        self.receivedAt = receivedAt
        self.clientAddress = clientAddress
        self.status = status
        self.supersededAt = supersededAt
        self.receiptId = receiptId
        self.ledgerSeq = ledgerSeq
    }
}

public enum ReceiptKind: String, Codable, Sendable {
    case bidSubmitted = "bid-submitted"
    case bidReplaced = "bid-replaced"
    case bidWithdrawn = "bid-withdrawn"
}

/// The confirmation receipt (确认回执), signed by the platform. Its time is the submission time;
/// its ledger position lets the bidder check, after the opening, that the bid was recorded before
/// the deadline and never dropped.
public struct Receipt: Codable, Sendable, Equatable {
    public struct TenderRef: Codable, Sendable, Equatable {
        public var id: String
        public var section: String
        public var title: String
        public var deadline: Date

        package init(id: String, section: String, title: String, deadline: Date) {
            self.id = id
            self.section = section
            self.title = title
            self.deadline = deadline
        }
    }

    public struct BidderRef: Codable, Sendable, Equatable {
        public var party: String
        public var name: String
        public var creditCode: String?
        public var certificateFingerprint: String

        package init(party: String, name: String, creditCode: String? = nil, certificateFingerprint: String) {
            self.party = party
            self.name = name
            self.creditCode = creditCode
            self.certificateFingerprint = certificateFingerprint
        }
    }

    public struct BidRef: Codable, Sendable, Equatable {
        public var id: String
        public var packageId: String
        public var packageDigest: String
        public var size: Int64
        public var suite: Suite

        package init(id: String, packageId: String, packageDigest: String, size: Int64, suite: Suite) {
            self.id = id
            self.packageId = packageId
            self.packageDigest = packageDigest
            self.size = size
            self.suite = suite
        }
    }

    public struct LedgerRef: Codable, Sendable, Equatable {
        public var seq: Int64
        public var eventHash: String

        package init(seq: Int64, eventHash: String) {
            self.seq = seq
            self.eventHash = eventHash
        }
    }

    public var format = "ebid-receipt"
    public var version = 1
    public var receiptId: String
    public var kind: ReceiptKind
    public var tender: TenderRef
    public var bidder: BidderRef
    /// The bid received (submitted, replaced) or withdrawn.
    public var bid: BidRef
    /// For a replacement: the bid it supersedes.
    public var replaces: BidRef?
    /// Submission (or withdrawal) time, server clock, UTC.
    public var receivedAt: Date
    public var ledger: LedgerRef
    public var issuedAt: Date
    public var platformCertificateFingerprint: String

    package init(format: String = "ebid-receipt", version: Int = 1, receiptId: String, kind: ReceiptKind, tender: TenderRef, bidder: BidderRef, bid: BidRef, replaces: BidRef? = nil, receivedAt: Date, ledger: LedgerRef, issuedAt: Date, platformCertificateFingerprint: String) {
        self.format = format
        self.version = version
        self.receiptId = receiptId
        self.kind = kind
        self.tender = tender
        self.bidder = bidder
        self.bid = bid
        self.replaces = replaces
        self.receivedAt = receivedAt
        self.ledger = ledger
        self.issuedAt = issuedAt
        self.platformCertificateFingerprint = platformCertificateFingerprint
    }
}
