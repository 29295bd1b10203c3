import BidCore
import Foundation

/// The party registry an administrator manages: status, certificates retired, and each party's
/// whole state as the ledger records it (`RegistryState`).
public protocol RegistryTransaction {
    /// Parties, by id, optionally of one role and/or status.
    func parties(role: PartyRole?, status: PartyStatus?) throws -> [Party]
    func setPartyStatus(_ id: String, _ status: PartyStatus, reason: String?) throws
    /// The registry's view of a party's certificates, oldest first.
    func certificateEntries(party: String) throws -> [RegistryState.CertificateEntry]
    /// The party a certificate is registered to (retired or not).
    func certificateOwner(fingerprint: String) throws -> String?
    func isCertificateRetired(fingerprint: String) throws -> Bool
    func retireCertificate(fingerprint: String, reason: String, at time: Date) throws
    /// Ends every session of the party; returns how many.
    func endSessions(party: String, at time: Date) throws -> Int
    /// The party's rows as one value (what its ledger events record).
    func registryState(id: String) throws -> RegistryState?
    /// The payload digest of the last `party.*` event of `party/<id>` (the state it recorded).
    func lastRegistryDigest(id: String) throws -> String?
    /// Parties by status (the metrics).
    func partyCounts() throws -> [String: Int]
    /// Openings by status (the metrics).
    func openingCounts() throws -> [String: Int]
}

/// A party's registry rows as one value: the payload of every `party.*` ledger event, so the
/// audit can compare a party's rows with the last state the ledger recorded for it.
public struct RegistryState: Codable, Sendable, Equatable {
    public struct CertificateEntry: Codable, Sendable, Equatable {
        public var fingerprint: String
        public var subject: String
        public var keyType: String
        public var notBefore: Date
        public var notAfter: Date
        public var retiredAt: Date?
        public var retiredReason: String?

        package init(fingerprint: String, subject: String, keyType: String, notBefore: Date, notAfter: Date, retiredAt: Date? = nil, retiredReason: String? = nil) {
            self.fingerprint = fingerprint
            self.subject = subject
            self.keyType = keyType
            self.notBefore = notBefore
            self.notAfter = notAfter
            self.retiredAt = retiredAt
            self.retiredReason = retiredReason
        }
    }

    /// The actions whose payload is a `RegistryState`.
    package static let actions: Set<String> = ["party.register", "party.snapshot", "party.self-register", "party.approve", "party.suspend",
                                               "party.restore", "party.certificate-add", "party.certificate-retire"]

    public var record: PartyRecord
    public var status: PartyStatus
    public var statusReason: String?
    public var certificates: [CertificateEntry]

    package init(record: PartyRecord, status: PartyStatus, statusReason: String? = nil, certificates: [CertificateEntry]) {
        self.record = record
        self.status = status
        self.statusReason = statusReason
        self.certificates = certificates
    }
}

extension StoreTransaction {
    package func upsertParty(_ record: PartyRecord, certificates: [Certificate], at time: Date) throws {
        try upsertParty(record, certificates: certificates, at: time, status: .active)
    }
}
