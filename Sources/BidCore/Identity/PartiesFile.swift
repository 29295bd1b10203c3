import Foundation

/// The roles a party may hold on the platform.
public enum PartyRole: String, Codable, Sendable, CaseIterable {
    case tenderer, agency, bidder, official, expert, supervisor, admin
}

/// One party of `seeds/parties.json`: an organisation (by unified social credit code) or a person.
public struct PartyRecord: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case organization, person }
    /// Demo certificate status, for the odd certificates the demo PKI must contain.
    public enum CertificateStatus: String, Codable, Sendable { case valid, revoked, expired }

    /// Stable id, also the file name of its demo certificate (`bidder-01`, `official-02`…).
    public var id: String
    public var kind: Kind
    public var roles: [PartyRole]
    public var name: String
    /// Organisations: 统一社会信用代码.
    public var creditCode: String?
    /// Organisations: 法定代表人 (Reg. art. 34 flags two bidders sharing one).
    public var legalRepresentative: String?
    /// People: the platform's person id (recorded in the certificate's serialNumber).
    public var personId: String?
    /// People: the organisation they work for.
    public var organization: String?
    /// People: credit code of their employer (recusal checks).
    public var employerCreditCode: String?
    /// Experts: specialties (评标专业).
    public var specialties: [String]?
    public var certificate: CertificateStatus?

    public init(id: String, kind: Kind, roles: [PartyRole], name: String, creditCode: String? = nil, legalRepresentative: String? = nil,
                personId: String? = nil, organization: String? = nil, employerCreditCode: String? = nil, specialties: [String]? = nil,
                certificate: CertificateStatus? = nil) {
        self.id = id
        self.kind = kind
        self.roles = roles
        self.name = name
        self.creditCode = creditCode
        self.legalRepresentative = legalRepresentative
        self.personId = personId
        self.organization = organization
        self.employerCreditCode = employerCreditCode
        self.specialties = specialties
        self.certificate = certificate
    }

    /// The value recorded in the certificate subject's serialNumber.
    public var subjectSerialNumber: String? { kind == .organization ? creditCode : personId }

    public func validate() throws {
        guard BidManifest.isSafeFileName(id), id.count <= 64 else {
            throw BidCoreError(.invalidInput, "party id \"\(id)\" must be a plain name")
        }
        guard !roles.isEmpty, !name.isEmpty else { throw BidCoreError(.invalidInput, "party \(id) needs a name and roles") }
        switch kind {
        case .organization:
            guard let creditCode else { throw BidCoreError(.invalidInput, "organisation \(id) needs a creditCode") }
            _ = try UnifiedSocialCreditCode(creditCode)
        case .person:
            guard let personId, !personId.isEmpty else { throw BidCoreError(.invalidInput, "person \(id) needs a personId") }
        }
    }
}

/// `seeds/parties.json`.
public struct PartiesFile: Codable, Sendable {
    public var format = "ebid-parties"
    public var version = 1
    public var parties: [PartyRecord]

    public init(parties: [PartyRecord]) { self.parties = parties }

    public static func load(file path: String) throws -> PartiesFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw BidCoreError(.invalidInput, "cannot read parties file \(path)")
        }
        let file: PartiesFile
        do { file = try JSONDecoder.ebid.decode(PartiesFile.self, from: data) } catch {
            throw BidCoreError(.invalidInput, "\(path) is not a parties file: \(describeDecodingError(error))")
        }
        guard file.format == "ebid-parties", file.version == 1 else { throw BidCoreError(.invalidInput, "\(path): unsupported format") }
        for party in file.parties { try party.validate() }
        guard Set(file.parties.map(\.id)).count == file.parties.count else { throw BidCoreError(.invalidInput, "\(path): duplicate party ids") }
        return file
    }
}
