import BidCore
import Foundation

/// Where a key ceremony stands.
public enum CeremonyStatus: String, Codable, Sendable {
    /// Waiting for every official's dealing.
    case dealing
    /// Every official dealt; each checks its shares and confirms or complains.
    case checking
    /// Every official confirmed: the transcript is signed and the key can be used by the tender.
    case complete
    /// A complaint was upheld (the faulty dealer is named), or the ceremony was superseded.
    case failed
}

/// Why a ceremony failed.
public struct CeremonyFailure: Codable, Sendable, Equatable {
    public var reason: String
    /// The dealer an upheld complaint found at fault; run the ceremony again without it.
    public var faultyDealer: Int?
    public var faultyParty: String?
    /// The complaint, as evidence anyone can check (`KeyCeremony.verifyComplaint`).
    public var complaint: KeyCeremony.Complaint?

    package init(reason: String, faultyDealer: Int? = nil, faultyParty: String? = nil, complaint: KeyCeremony.Complaint? = nil) {
        self.reason = reason
        self.faultyDealer = faultyDealer
        self.faultyParty = faultyParty
        self.complaint = complaint
    }
}

/// A key ceremony for one tender and suite (DESIGN.md, "The opening key"): the service only
/// relays the officials' messages and keeps the public transcript.
public struct Ceremony: Codable, Sendable, Equatable {
    public var parameters: KeyCeremony.Parameters
    public var status: CeremonyStatus
    public var startedBy: String
    public var startedAt: Date
    public var completedAt: Date?
    public var failure: CeremonyFailure?
    /// The opening key's id once complete.
    public var keyId: String?

    public var tenderId: String { parameters.tenderId ?? "" }
    public var suite: Suite { parameters.suite }
    public var attempt: Int { parameters.attempt }

    /// Share number of the certificate among the ceremony's officials.
    public func index(of fingerprints: Set<String>) -> Int? {
        parameters.participants.first { fingerprints.contains($0.certificateFingerprint) }?.index
    }

    package init(parameters: KeyCeremony.Parameters, status: CeremonyStatus, startedBy: String, startedAt: Date, completedAt: Date? = nil, failure: CeremonyFailure? = nil, keyId: String? = nil) {
        self.parameters = parameters
        self.status = status
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.failure = failure
        self.keyId = keyId
    }
}

/// A ceremony as shown to its participants and supervisors.
public struct CeremonyView: Codable, Sendable {
    public struct Official: Codable, Sendable {
        public var index: Int
        public var party: String?
        public var subject: String
        public var certificateFingerprint: String
        public var dealt: Bool
        public var confirmed: Bool

        package init(index: Int, party: String? = nil, subject: String, certificateFingerprint: String, dealt: Bool, confirmed: Bool) {
            self.index = index
            self.party = party
            self.subject = subject
            self.certificateFingerprint = certificateFingerprint
            self.dealt = dealt
            self.confirmed = confirmed
        }
    }

    public var tenderId: String
    public var section: String?
    public var suite: Suite
    public var attempt: Int
    public var status: CeremonyStatus
    public var threshold: Int
    public var startedBy: String
    public var startedAt: Date
    public var completedAt: Date?
    public var officials: [Official]
    public var failure: CeremonyFailure?
    public var keyId: String?
    /// The parameters every dealing is bound to (what `ebid opening ceremony deal` signs).
    public var parameters: KeyCeremony.Parameters

    package init(tenderId: String, section: String? = nil, suite: Suite, attempt: Int, status: CeremonyStatus, threshold: Int, startedBy: String, startedAt: Date, completedAt: Date? = nil, officials: [Official], failure: CeremonyFailure? = nil, keyId: String? = nil, parameters: KeyCeremony.Parameters) {
        self.tenderId = tenderId
        self.section = section
        self.suite = suite
        self.attempt = attempt
        self.status = status
        self.threshold = threshold
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.officials = officials
        self.failure = failure
        self.keyId = keyId
        self.parameters = parameters
    }
}
