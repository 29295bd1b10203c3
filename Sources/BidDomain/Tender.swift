import BidCore
import Foundation

/// How bids are decrypted at the opening (DESIGN.md, "Remote decryption at the opening").
public enum DecryptionPolicy: String, Codable, Sendable, CaseIterable {
    /// Each bidder decrypts its own bid (the national default).
    case bidder
    /// k officials hand in shares; the opening key opens every bid.
    case committee
    /// Bidders first; the opening key is the remedy for bids their bidders did not decrypt.
    case bidderThenCommittee = "bidder-then-committee"
}

public enum TenderStatus: String, Codable, Sendable {
    case draft, published
    /// The deadline has passed and the opening is under way.
    case opening
    /// The opening record is signed and published.
    case opened
    /// Fewer than three bids at the deadline: no opening (流标).
    case failed

    /// Everything but a draft is public.
    public var isPublic: Bool { self != .draft }
}

/// What is procured (OCDS `mainProcurementCategory` codelist).
public enum ProcurementCategory: String, Codable, Sendable, CaseIterable {
    case works, goods, services

    /// 工程, 货物, 服务.
    public var label: String {
        switch self {
        case .works: return "工程"
        case .goods: return "货物"
        case .services: return "服务"
        }
    }
}

/// What a tenderer or agency submits to publish a tender (招标公告). Documents and the opening
/// key(s) travel separately. Unknown fields are ignored.
public struct TenderSpec: Codable, Sendable, Equatable {
    public var id: String
    public var section: String
    public var sectionName: String?
    public var title: String
    /// Tenderer: party id or unified social credit code.
    public var tenderer: String
    /// Agency (招标代理), if any: party id or credit code.
    public var agency: String?
    public var announcement: String
    /// 最高投标限价, yuan, decimal string; published (Reg. art. 27).
    public var maximumPrice: String?
    /// Start and end of document issue (default: publication, and the deadline).
    public var documentIssueStart: Date?
    public var documentIssueEnd: Date?
    /// Bid deadline = opening time.
    public var bidDeadline: Date?
    public var decryptionPolicy: DecryptionPolicy
    public var decryptionWindowMinutes: Int?
    /// Bid summary items read out at the opening: price, durationDays, quality, projectManager,
    /// bidSecurityAccount, or extra.<name>.
    public var openingRecordItems: [String]
    /// Minutes bidders have to confirm the opening record or object (default 30).
    public var confirmationWindowMinutes: Int?
    /// The failed tender this one re-tenders, if any (Law art. 28: fewer than three bids).
    public var retenderOf: String?
    /// Evaluation method, typed rubric and the committee to draw (BidCore/Scoring; validated at
    /// publication, public with the tender: the parameters are never hidden).
    public var evaluation: EvaluationSpec
    public var acceptedSuites: [Suite]
    /// Largest sealed bid accepted, bytes.
    public var maxBidBytes: Int64?
    /// Statutory days from the opening record to the final report (the tender's own evaluation
    /// deadline, watched by e-supervision); absent: not watched.
    public var evaluationDays: Int?
    /// 工程, 货物 or 服务 (OCDS mainProcurementCategory); shown and filtered on the portal. Absent: works.
    public var category: ProcurementCategory?

    public static let summaryItems: Set<String> = ["price", "durationDays", "quality", "projectManager", "bidSecurityAccount"]
}

/// A tender as stored: the spec plus its state.
public struct Tender: Sendable, Codable, Equatable {
    public var spec: TenderSpec
    public var status: TenderStatus
    public var owner: String
    public var tendererParty: String
    public var agencyParty: String?
    public var profile: PolicyProfile
    /// Effective deadline (amendments may have moved it).
    public var deadline: Date
    public var createdAt: Date
    public var publishedAt: Date?

    public init(spec: TenderSpec, status: TenderStatus, owner: String, tendererParty: String, agencyParty: String?, profile: PolicyProfile,
                deadline: Date, createdAt: Date, publishedAt: Date?) {
        self.spec = spec
        self.status = status
        self.owner = owner
        self.tendererParty = tendererParty
        self.agencyParty = agencyParty
        self.profile = profile
        self.deadline = deadline
        self.createdAt = createdAt
        self.publishedAt = publishedAt
    }

    public var id: String { spec.id }
    public var section: String { spec.section }
    public var documentIssueStart: Date { spec.documentIssueStart ?? publishedAt ?? createdAt }
    public var documentIssueEnd: Date { spec.documentIssueEnd ?? deadline }
    public var maxBidBytes: Int64 { spec.maxBidBytes ?? Tender.defaultMaxBidBytes }

    public static let defaultMaxBidBytes: Int64 = 1 << 30

    /// True for the parties who may manage it (the owner who created it).
    public func isManaged(by identity: Identity) -> Bool { identity.party.id == owner }
}

/// A tender document (招标文件) or an amendment's document (澄清/修改文件).
public struct TenderDocument: Sendable, Codable, Equatable {
    public var name: String
    /// 0 for the original documents, else the amendment number.
    public var amendment: Int
    public var size: Int64
    /// SHA-256 of the file, hex.
    public var digest: String
    public var contentType: String
    public var addedAt: Date
    package var blob: String

    package init(name: String, amendment: Int, size: Int64, digest: String, contentType: String, addedAt: Date, blob: String) {
        self.name = name
        self.amendment = amendment
        self.size = size
        self.digest = digest
        self.contentType = contentType
        self.addedAt = addedAt
        self.blob = blob
    }
}

public enum AmendmentStatus: String, Codable, Sendable { case draft, published }

/// An amendment (澄清或者修改), numbered from 1 within a tender.
public struct Amendment: Sendable, Codable, Equatable {
    public var number: Int
    public var title: String
    public var text: String
    public var status: AmendmentStatus
    public var previousDeadline: Date
    public var newDeadline: Date?
    public var createdAt: Date
    public var publishedAt: Date?

    package init(number: Int, title: String, text: String, status: AmendmentStatus, previousDeadline: Date, newDeadline: Date? = nil, createdAt: Date, publishedAt: Date? = nil) {
        self.number = number
        self.title = title
        self.text = text
        self.status = status
        self.previousDeadline = previousDeadline
        self.newDeadline = newDeadline
        self.createdAt = createdAt
        self.publishedAt = publishedAt
    }
}

/// The opening key of a tender for one suite.
public struct TenderOpeningKey: Sendable, Equatable {
    public var suite: Suite
    public var file: OpeningKeyFile
    public var keyId: String { file.keyId }

    package init(suite: Suite, file: OpeningKeyFile) {
        self.suite = suite
        self.file = file
    }
}
