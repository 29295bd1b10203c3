import BidCore
import Foundation

/// A party as shown on a tender (名称 and credit code: public information).
public struct PartyRef: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var creditCode: String?

    package init?(_ party: Party?) {
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

    package init(_ tender: Tender, tenderer: Party?, agency: Party?) {
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
    public var category: ProcurementCategory?
    public var profile: PolicyProfile
    /// Present under the demo profile.
    public var notice: String?

    package init(_ tender: Tender, keys: [TenderOpeningKey], documents: [TenderDocument], amendments: [Amendment], tenderer: Party?, agency: Party?, notice: String?) {
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
        category = tender.spec.category
        profile = tender.profile
        self.notice = notice
    }
}

/// Where a tender stands as the public may know it (the portal's 状态). Derived from the tender's
/// status, its evaluation's phase and the clock: never from its bids (Law art. 22).
public enum PublicStage: String, Codable, Sendable, CaseIterable {
    /// Published, before the deadline: 投标中.
    case bidding
    /// The deadline has passed; the opening is under way: 开标中.
    case opening
    /// The opening record is published; the evaluation has not started: 已开标.
    case opened
    /// Fewer than three bids: 流标.
    case failed
    /// The committee is at work: 评标中.
    case evaluating
    /// The candidates are published: 公示中.
    case publicity
    /// The award notice is issued: 已定标.
    case awarded

    public init(status: TenderStatus, deadline: Date, phase: EvaluationPhase?, now: Date) {
        switch status {
        case .draft, .published: self = now < deadline ? .bidding : .opening
        case .opening: self = .opening
        case .failed: self = .failed
        case .opened:
            switch phase {
            case nil: self = .opened
            case .drawing, .scoring, .signing, .reported: self = .evaluating
            case .publicity: self = .publicity
            case .awarded: self = .awarded
            }
        }
    }

    public var label: String {
        switch self {
        case .bidding: return "投标中"
        case .opening: return "开标中"
        case .opened: return "已开标"
        case .failed: return "流标"
        case .evaluating: return "评标中"
        case .publicity: return "公示中"
        case .awarded: return "已定标"
        }
    }
}

/// A search of the public tender list: every field optional; pages of `limit` from `offset`.
public struct PublicTenderQuery: Sendable, Equatable {
    /// Matched in the id, title and announcement (case-insensitive for Latin letters).
    public var keyword: String?
    public var stage: PublicStage?
    public var category: ProcurementCategory?
    /// Published on or after / before (UTC instants; the portal passes Beijing days).
    public var publishedFrom: Date?
    public var publishedBefore: Date?
    public var offset = 0
    public var limit = 20

    public init(keyword: String? = nil, stage: PublicStage? = nil, category: ProcurementCategory? = nil, publishedFrom: Date? = nil,
                publishedBefore: Date? = nil, offset: Int = 0, limit: Int = 20) {
        self.keyword = keyword
        self.stage = stage
        self.category = category
        self.publishedFrom = publishedFrom
        self.publishedBefore = publishedBefore
        self.offset = offset
        self.limit = limit
    }
}

/// One tender of the public list with its evaluation's phase (for its stage).
public struct PublicTenderRow: Sendable, Equatable {
    public var tender: Tender
    public var phase: EvaluationPhase?

    package init(tender: Tender, phase: EvaluationPhase? = nil) {
        self.tender = tender
        self.phase = phase
    }
}
