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
    /// The opening officials' partial decryptions, combined (the opening key is never rebuilt).
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

    package init(fault: Fault, code: String, detail: String) {
        self.fault = fault
        self.code = code
        self.detail = detail
    }
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

    package init(bidId: String, bidderParty: String, state: OpeningBidState, openedBy: OpenedBy? = nil, failure: DecryptionFailure? = nil, items: [String: String], decryptedAt: Date? = nil, decryptionAddress: String? = nil, refusedAttempts: Int) {
        self.bidId = bidId
        self.bidderParty = bidderParty
        self.state = state
        self.openedBy = openedBy
        self.failure = failure
        self.items = items
        self.decryptedAt = decryptedAt
        self.decryptionAddress = decryptionAddress
        self.refusedAttempts = refusedAttempts
    }
}

/// A part of an opened bid, kept in the blob store for the evaluation.
public struct OpenedPart: Codable, Sendable, Equatable {
    public var position: Int
    public var kind: String
    public var name: String
    public var size: Int64
    public var sha256: String
    public var blob: String

    package init(position: Int, kind: String, name: String, size: Int64, sha256: String, blob: String) {
        self.position = position
        self.kind = kind
        self.name = name
        self.size = size
        self.sha256 = sha256
        self.blob = blob
    }
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

    public init(tenderId: String, status: OpeningStatus, startedAt: Date, startedBy: String, windowEndsAt: Date, completedAt: Date?, confirmationEndsAt: Date?) {
        self.tenderId = tenderId
        self.status = status
        self.startedAt = startedAt
        self.startedBy = startedBy
        self.windowEndsAt = windowEndsAt
        self.completedAt = completedAt
        self.confirmationEndsAt = confirmationEndsAt
    }
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

        package init(id: String, section: String, title: String, tenderer: String? = nil, maximumPrice: String? = nil, deadline: Date, decryptionPolicy: DecryptionPolicy, openingRecordItems: [String]) {
            self.id = id
            self.section = section
            self.title = title
            self.tenderer = tenderer
            self.maximumPrice = maximumPrice
            self.deadline = deadline
            self.decryptionPolicy = decryptionPolicy
            self.openingRecordItems = openingRecordItems
        }
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
        /// For a bid the committee opened: everything needed to check that opening offline.
        public var committee: CommitteeEvidence?

        package init(bidder: String, bidderName: String, creditCode: String? = nil, receivedAt: Date, packageDigest: String, state: OpeningBidState, openedBy: OpenedBy? = nil, failure: DecryptionFailure? = nil, items: [String: String], committee: CommitteeEvidence? = nil) {
            self.bidder = bidder
            self.bidderName = bidderName
            self.creditCode = creditCode
            self.receivedAt = receivedAt
            self.packageDigest = packageDigest
            self.state = state
            self.openedBy = openedBy
            self.failure = failure
            self.items = items
            self.committee = committee
        }
    }

    /// An opening key of the tender, as far as checking a committee opening needs it.
    public struct KeyRef: Codable, Sendable, Equatable {
        public struct VerificationKey: Codable, Sendable, Equatable {
            public var index: Int
            public var subject: String
            public var certificateFingerprint: String
            /// Yᵢ, hex.
            public var point: String

            package init(index: Int, subject: String, certificateFingerprint: String, point: String) {
                self.index = index
                self.subject = subject
                self.certificateFingerprint = certificateFingerprint
                self.point = point
            }
        }

        public var suite: Suite
        public var keyId: String
        public var origin: OpeningKeyOrigin
        public var threshold: Int
        /// The opening public key's point, hex.
        public var publicKey: String
        public var verificationKeys: [VerificationKey]

        package init(suite: Suite, keyId: String, origin: OpeningKeyOrigin, threshold: Int, publicKey: String, verificationKeys: [VerificationKey]) {
            self.suite = suite
            self.keyId = keyId
            self.origin = origin
            self.threshold = threshold
            self.publicKey = publicKey
            self.verificationKeys = verificationKeys
        }
    }

    public var format = "ebid-opening-record"
    /// 2: committee openings carry their partial decryptions and proofs, and the record its keys.
    public var version = 2
    public var tender: TenderRef
    public var outcome: OpeningStatus
    /// For a failed opening: why (fewer than three bids).
    public var failureReason: String?
    public var bidCount: Int
    public var startedAt: Date
    public var decryptionWindowEndsAt: Date?
    public var completedAt: Date
    public var bids: [Entry]
    /// The tender's opening keys (their verification keys check the committee's partials).
    public var openingKeys: [KeyRef]
    public var issuedAt: Date
    public var platformCertificateFingerprint: String

    package init(format: String = "ebid-opening-record", version: Int = 2, tender: TenderRef, outcome: OpeningStatus, failureReason: String? = nil, bidCount: Int, startedAt: Date, decryptionWindowEndsAt: Date? = nil, completedAt: Date, bids: [Entry], openingKeys: [KeyRef], issuedAt: Date, platformCertificateFingerprint: String) {
        self.format = format
        self.version = version
        self.tender = tender
        self.outcome = outcome
        self.failureReason = failureReason
        self.bidCount = bidCount
        self.startedAt = startedAt
        self.decryptionWindowEndsAt = decryptionWindowEndsAt
        self.completedAt = completedAt
        self.bids = bids
        self.openingKeys = openingKeys
        self.issuedAt = issuedAt
        self.platformCertificateFingerprint = platformCertificateFingerprint
    }
}

/// How the committee opened one bid: the opening recipient's wrapped key, the package's key
/// commitment, and the partial decryptions with their proofs. Anyone can check every proof against
/// the record's verification keys, combine k partials, unwrap the content key and compare it with
/// the key commitment (`ebid record verify`).
public struct CommitteeEvidence: Codable, Sendable, Equatable {
    public var keyId: String
    /// The package's 16 random bytes, hex (they salt the key schedule and bind the proofs).
    public var packageId: String
    public var keyCommitment: String
    public var algorithm: KeyWrapAlgorithm
    /// The content key wrapped to the opening key, base64, as in the header.
    public var wrappedKey: String
    public var partials: [PartialDecryption]

    package init(keyId: String, packageId: String, keyCommitment: String, algorithm: KeyWrapAlgorithm, wrappedKey: String, partials: [PartialDecryption]) {
        self.keyId = keyId
        self.packageId = packageId
        self.keyCommitment = keyCommitment
        self.algorithm = algorithm
        self.wrappedKey = wrappedKey
        self.partials = partials
    }
}

extension OpeningRecord {
    /// Recomputes every committee opening in the record: each partial's proof against its
    /// verification key, the combination of k of them, the unwrapped content key against the
    /// package's key commitment. Returns how many bids were checked.
    @discardableResult
    public func verifyCommitteeOpenings() throws -> Int {
        var checked = 0
        for entry in bids {
            guard let evidence = entry.committee else { continue }
            guard let key = openingKeys.first(where: { $0.keyId == evidence.keyId }) else {
                throw BidCoreError(.openingKeyMalformed, "\(entry.bidderName)'s bid names opening key \(evidence.keyId.prefix(16))…, which the record does not list")
            }
            let curve = Curve.of(key.suite)
            var verificationKeys: [Int: ECPoint] = [:]
            for verification in key.verificationKeys { verificationKeys[verification.index] = try curve.point(hex: verification.point) }
            do {
                try CommitteeOpening.verifyEvidence(suite: key.suite, tenderId: tender.id, keyId: key.keyId, threshold: key.threshold,
                                                    publicKey: try curve.point(hex: key.publicKey), verificationKeys: verificationKeys,
                                                    packageId: Hex.decode(evidence.packageId) ?? [], keyCommitment: Hex.decode(evidence.keyCommitment) ?? [],
                                                    algorithm: evidence.algorithm, wrappedKey: [UInt8](Data(base64Encoded: evidence.wrappedKey) ?? Data()),
                                                    partials: evidence.partials)
            } catch let error as BidCoreError {
                throw BidCoreError(error.code, "\(entry.bidderName)'s bid: \(error.reason)")
            }
            checked += 1
        }
        return checked
    }
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

    /// As published: without who raised it or who answered.
    public var published: Objection {
        var shown = self
        shown.party = "bidder"
        shown.answeredBy = answeredBy == nil ? nil : "host"
        return shown
    }

    package init(number: Int, party: String, text: String, raisedAt: Date, answer: String? = nil, answeredBy: String? = nil, answeredAt: Date? = nil) {
        self.number = number
        self.party = party
        self.text = text
        self.raisedAt = raisedAt
        self.answer = answer
        self.answeredBy = answeredBy
        self.answeredAt = answeredAt
    }
}
