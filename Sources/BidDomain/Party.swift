import BidCore
import Foundation

/// A registered party: an organisation (by unified social credit code) or a person (by id).
public struct Party: Sendable, Codable, Equatable {
    public var id: String
    public var kind: PartyRecord.Kind
    public var name: String
    public var creditCode: String?
    public var personId: String?
    public var legalRepresentative: String?
    public var organization: String?
    public var employerCreditCode: String?
    public var specialties: [String]
    public var roles: Set<PartyRole>
    /// Active parties log in; a pending self-registration waits for an administrator; a suspended
    /// party's logins are refused and its sessions ended.
    public var status: PartyStatus = .active

    public init(record: PartyRecord) {
        id = record.id
        kind = record.kind
        name = record.name
        creditCode = record.creditCode
        personId = record.personId
        legalRepresentative = record.legalRepresentative
        organization = record.organization
        employerCreditCode = record.employerCreditCode
        specialties = record.specialties ?? []
        roles = Set(record.roles)
    }

    /// The code a credit record names this party by: its credit code or person id.
    public var subjectCode: String { creditCode ?? personId ?? id }
}

/// Where a party stands in the registry.
public enum PartyStatus: String, Sendable, Codable, CaseIterable {
    case active, pending, suspended
}

/// The caller of an authenticated request: the party, the certificate it logged in with, its roles.
public struct Identity: Sendable, Equatable {
    public var party: Party
    public var certificateFingerprint: String
    public var tokenExpiresAt: Date

    public func actor(role: PartyRole, address: String) -> Actor {
        Actor(certificateFingerprint: certificateFingerprint, party: party.id, role: role.rawValue, address: address)
    }

    /// The role this identity acts in among `allowed` (the first it holds, in `allowed` order).
    public func actingRole(in allowed: [PartyRole]) -> PartyRole? { allowed.first { party.roles.contains($0) } }

    package init(party: Party, certificateFingerprint: String, tokenExpiresAt: Date) {
        self.party = party
        self.certificateFingerprint = certificateFingerprint
        self.tokenExpiresAt = tokenExpiresAt
    }
}
