import BidCore
import Foundation

/// A party as shown on a tender (名称 and credit code: public information).
public struct PartyRef: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var creditCode: String?

    init?(_ party: Party?) {
        guard let party else { return nil }
        id = party.id
        name = party.name
        creditCode = party.creditCode
    }
}

/// One line of the public tender list. Never holds bid counts or bidders (Law art. 22).
public struct TenderSummaryView: Codable, Sendable, Equatable {
    public var id: String
    public var section: String
    public var title: String
    public var status: TenderStatus
    public var tenderer: PartyRef?
    public var agency: PartyRef?
    public var maximumPrice: String?
    public var publishedAt: Date?
    public var deadline: Date

    init(_ tender: Tender, tenderer: Party?, agency: Party?) {
        id = tender.id
        section = tender.section
        title = tender.spec.title
        status = tender.status
        self.tenderer = PartyRef(tenderer)
        self.agency = PartyRef(agency)
        maximumPrice = tender.spec.maximumPrice
        publishedAt = tender.publishedAt
        deadline = tender.deadline
    }
}

/// A tender as published: announcement, documents, amendments, the opening keys' public parts,
/// the evaluation method (parameters are public, never hidden). Never holds bid counts or bidders.
public struct TenderView: Codable, Sendable, Equatable {
    public struct OpeningKeyView: Codable, Sendable, Equatable {
        public var suite: Suite
        public var keyId: String
        public var threshold: Int
        public var officials: [String]
    }

    public struct DocumentView: Codable, Sendable, Equatable {
        public var name: String
        public var amendment: Int
        public var size: Int64
        public var sha256: String
        public var contentType: String
    }

    public var id: String
    public var section: String
    public var sectionName: String?
    public var title: String
    public var status: TenderStatus
    public var tenderer: PartyRef?
    public var agency: PartyRef?
    public var announcement: String
    public var maximumPrice: String?
    public var documentIssueStart: Date
    public var documentIssueEnd: Date
    public var deadline: Date
    public var decryptionPolicy: DecryptionPolicy
    public var decryptionWindowMinutes: Int?
    public var openingRecordItems: [String]
    public var evaluation: EvaluationSpec
    public var acceptedSuites: [Suite]
    public var maxBidBytes: Int64
    public var openingKeys: [OpeningKeyView]
    public var documents: [DocumentView]
    public var amendments: [Amendment]
    public var publishedAt: Date?
    public var profile: PolicyProfile
    /// Present under the demo profile.
    public var notice: String?

    init(_ tender: Tender, keys: [TenderOpeningKey], documents: [TenderDocument], amendments: [Amendment], tenderer: Party?, agency: Party?, notice: String?) {
        id = tender.id
        section = tender.section
        sectionName = tender.spec.sectionName
        title = tender.spec.title
        status = tender.status
        self.tenderer = PartyRef(tenderer)
        self.agency = PartyRef(agency)
        announcement = tender.spec.announcement
        maximumPrice = tender.spec.maximumPrice
        documentIssueStart = tender.documentIssueStart
        documentIssueEnd = tender.documentIssueEnd
        deadline = tender.deadline
        decryptionPolicy = tender.spec.decryptionPolicy
        decryptionWindowMinutes = tender.spec.decryptionWindowMinutes
        openingRecordItems = tender.spec.openingRecordItems
        evaluation = tender.spec.evaluation
        acceptedSuites = tender.spec.acceptedSuites
        maxBidBytes = tender.maxBidBytes
        openingKeys = keys.map { OpeningKeyView(suite: $0.suite, keyId: $0.keyId, threshold: $0.file.threshold, officials: $0.file.officials.map(\.subject)) }
        // `amendments` holds only what this viewer may see (drafts for the owner alone).
        let visible = Set(amendments.map(\.number))
        self.documents = documents.filter { $0.amendment == 0 || visible.contains($0.amendment) }
            .map { DocumentView(name: $0.name, amendment: $0.amendment, size: $0.size, sha256: $0.digest, contentType: $0.contentType) }
        self.amendments = amendments
        publishedAt = tender.publishedAt
        profile = tender.profile
        self.notice = notice
    }
}
