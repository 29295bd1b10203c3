import BidCore
import Foundation

/// One expert of the pool (专家库), as `seeds/experts.json` lists it: the party (name, person id,
/// employer) is in the registry; the pool adds what the draw and the recusal rules need.
public struct ExpertProfile: Codable, Sendable, Equatable {
    /// A declared relation to a company (RULES.md, "Evaluation": recusal).
    public struct Relation: Codable, Sendable, Equatable {
        /// 统一社会信用代码 of the company.
        public var creditCode: String
        public var name: String?
        /// former-employee, relative-of-principal, shareholder, consultant, other.
        public var kind: String
        public init(creditCode: String, name: String? = nil, kind: String) {
            self.creditCode = creditCode
            self.name = name
            self.kind = kind
        }
    }

    /// Party id (its certificate and name are the registry's).
    public var id: String
    /// 评标专业, as the draw matches them.
    public var specialties: [String]
    /// The region whose centre registered the expert (administrative division code).
    public var region: String
    /// The centre that registered the expert (other regions' centres: 异地评标).
    public var registeredBy: String?
    public var relations: [Relation]

    public init(id: String, specialties: [String], region: String, registeredBy: String? = nil, relations: [Relation] = []) {
        self.id = id
        self.specialties = specialties
        self.region = region
        self.registeredBy = registeredBy
        self.relations = relations
    }

    public static let relationKinds: Set<String> = ["former-employee", "relative-of-principal", "shareholder", "consultant", "other"]
}

public enum ExpertStatus: String, Codable, Sendable { case active, suspended }

/// An expert of the pool as stored.
public struct Expert: Codable, Sendable, Equatable {
    public var profile: ExpertProfile
    public var status: ExpertStatus
    public var statusReason: String?
    public var updatedAt: Date
    public var id: String { profile.id }

    package init(profile: ExpertProfile, status: ExpertStatus, statusReason: String? = nil, updatedAt: Date) {
        self.profile = profile
        self.status = status
        self.statusReason = statusReason
        self.updatedAt = updatedAt
    }
}

/// `seeds/experts.json`.
public struct ExpertPoolFile: Codable, Sendable {
    public var format: String
    public var version: Int
    public var experts: [ExpertProfile]
}

/// Where a tender's evaluation stands (RULES.md, "Evaluation" and "Result").
public enum EvaluationPhase: String, Codable, Sendable {
    /// The draw is set up: the host and supervisors commit, then reveal, their values.
    case drawing
    /// The committee is drawn; members declare, review and score in rounds.
    case scoring
    /// The report is generated; members sign it (agree or dissent) until the report deadline.
    case signing
    /// Every member signed, or the deadline passed (silence counts as agreeing, Reg. art. 53).
    case reported
    /// The candidates are published (公示, Reg. art. 54).
    case publicity
    /// The award notice and result notices are issued; the committee list is public.
    case awarded
}

/// A scoring round: the technical criteria under codes, then the others with names shown.
public enum ScoringRound: String, Codable, Sendable, CaseIterable, CodingKeyRepresentable {
    case technical, commercial
}

public enum RoundStatus: String, Codable, Sendable {
    /// Waiting for an earlier step (the technical round, compliance review).
    case waiting
    /// Members hand in commitments.
    case committing
    /// Every member committed: members reveal.
    case revealing
    /// Every member revealed: the scores are locked (changed only by a reasoned re-score).
    case locked
}

/// The member's declaration before seeing any bid (回避承诺), signed with its key.
public enum DeclarationKind: String, Codable, Sendable { case noConflict = "no-conflict", recusal }

/// What a member signs with its own key. `document` is the exact JSON the signature covers.
public struct MemberStatement: Codable, Sendable, Equatable {
    /// The signed JSON, base64.
    public var document: String
    /// DER signature, base64, by the member's login certificate.
    public var signature: String
    public var scheme: SignatureScheme
    /// SHA-256 of the signing certificate: set by the service when it stores the statement (the
    /// certificate the member was logged in with), so that anyone can check it later.
    public var certificate: String?

    public init(document: [UInt8], signature: [UInt8], scheme: SignatureScheme, certificate: String? = nil) {
        self.document = Data(document).base64EncodedString()
        self.signature = Data(signature).base64EncodedString()
        self.scheme = scheme
        self.certificate = certificate
    }

    public var documentBytes: [UInt8]? { Data(base64Encoded: document).map { [UInt8]($0) } }
    public var signatureBytes: [UInt8]? { Data(base64Encoded: signature).map { [UInt8]($0) } }
}

/// The statements' documents. Every one names its type, tender, section and member.
public struct DeclarationDocument: Codable, Sendable, Equatable {
    public var type = "ebid-evaluation-declaration"
    public var tenderId: String
    public var section: String
    public var member: String
    public var kind: DeclarationKind
    /// Recusal: why; no-conflict: "I have no interest in any bidder" (the bidders are named to it
    /// once names are shown, and the member may still recuse then).
    public var text: String
    public init(tenderId: String, section: String, member: String, kind: DeclarationKind, text: String) {
        self.tenderId = tenderId
        self.section = section
        self.member = member
        self.kind = kind
        self.text = text
    }
}

public struct CommitmentDocument: Codable, Sendable, Equatable {
    public var type = "ebid-score-commitment"
    public var tenderId: String
    public var section: String
    public var member: String
    public var round: ScoringRound
    public var hash: HashAlgorithm
    /// Hex of `ScoreCommitment.commitment`.
    public var commitment: String
    public init(tenderId: String, section: String, member: String, round: ScoringRound, hash: HashAlgorithm, commitment: String) {
        self.tenderId = tenderId
        self.section = section
        self.member = member
        self.round = round
        self.hash = hash
        self.commitment = commitment
    }
}

/// A member's scores for one round, as committed and revealed byte for byte: bid code →
/// criterion id → score.
public struct ScoreSheet: Codable, Sendable, Equatable {
    public var type = "ebid-score-sheet"
    public var tenderId: String
    public var section: String
    public var member: String
    public var round: ScoringRound
    public var scores: [String: [String: ExactDecimal]]
    public init(tenderId: String, section: String, member: String, round: ScoringRound, scores: [String: [String: ExactDecimal]]) {
        self.tenderId = tenderId
        self.section = section
        self.member = member
        self.round = round
        self.scores = scores
    }
}

public enum ReportOpinion: String, Codable, Sendable { case agree, dissent }

public struct ReportSignatureDocument: Codable, Sendable, Equatable {
    public var type = "ebid-report-signature"
    public var tenderId: String
    public var section: String
    public var member: String
    /// Hex SHA-256 of the signed report document's bytes.
    public var reportDigest: String
    public var opinion: ReportOpinion
    public var reasons: String?
    public init(tenderId: String, section: String, member: String, reportDigest: String, opinion: ReportOpinion, reasons: String?) {
        self.tenderId = tenderId
        self.section = section
        self.member = member
        self.reportDigest = reportDigest
        self.opinion = opinion
        self.reasons = reasons
    }
}

/// A member's compliance review of every bid (否决投标, Reg. art. 51): a bid is rejected when a
/// majority of the members reject it; a price above the maximum price is rejected by rule.
public struct ComplianceOpinion: Codable, Sendable, Equatable {
    public var code: String
    public var reject: Bool
    /// Reg. art. 51 grounds, in words, when rejecting.
    public var reasons: [String]?
    public init(code: String, reject: Bool, reasons: [String]? = nil) {
        self.code = code
        self.reject = reject
        self.reasons = reasons
    }
}

public struct ComplianceDecision: Codable, Sendable, Equatable {
    public var code: String
    public var rejected: Bool
    public var reasons: [String]
    /// Members who voted to reject.
    public var rejectedBy: [String]
    /// Rejected by rule (above the maximum price), not by vote.
    public var automatic: Bool

    package init(code: String, rejected: Bool, reasons: [String], rejectedBy: [String], automatic: Bool) {
        self.code = code
        self.rejected = rejected
        self.reasons = reasons
        self.rejectedBy = rejectedBy
        self.automatic = automatic
    }
}

/// A member's written explanation of a flagged score (±deviationPercent from the others).
public struct DeviationExplanation: Codable, Sendable, Equatable {
    public var member: String
    public var round: ScoringRound
    public var code: String
    public var criterion: String
    public var text: String
    public var at: Date

    package init(member: String, round: ScoringRound, code: String, criterion: String, text: String, at: Date) {
        self.member = member
        self.round = round
        self.code = code
        self.criterion = criterion
        self.text = text
        self.at = at
    }
}

/// A revealed score changed by its member with a reason (never silently).
public struct Rescore: Codable, Sendable, Equatable {
    public var member: String
    public var round: ScoringRound
    public var code: String
    public var criterion: String
    public var from: ExactDecimal
    public var to: ExactDecimal
    public var reason: String
    public var at: Date

    package init(member: String, round: ScoringRound, code: String, criterion: String, from: ExactDecimal, to: ExactDecimal, reason: String, at: Date) {
        self.member = member
        self.round = round
        self.code = code
        self.criterion = criterion
        self.from = from
        self.to = to
        self.reason = reason
        self.at = at
    }
}

/// A technical part that names a bidder (暗标 broken): shown to the committee, without saying whose.
public struct IdentityLeak: Codable, Sendable, Equatable {
    /// Bid id (members see its code).
    public var bid: String
    public var part: Int
    /// bidder-name, credit-code, project-manager.
    public var kinds: [String]

    package init(bid: String, part: Int, kinds: [String]) {
        self.bid = bid
        self.part = part
        self.kinds = kinds
    }
}

/// The evaluation of one tender: everything small enough to load once per step. Bulky and signed
/// things (the draw record, commitments, sheets, statements, the report) are entries beside it.
public struct EvaluationState: Codable, Sendable, Equatable {
    public var tenderId: String
    public var section: String
    public var phase: EvaluationPhase
    public var hash: HashAlgorithm
    public var startedBy: String
    public var startedAt: Date
    /// Hex SHA-256 of the draw record as last saved.
    public var drawDigest: String?
    /// Every pick (first draw, then replacements); the members are `ExpertDraw.currentMembers`.
    public var picks: [DrawPick] = []
    public var seed: String?
    public var delta: ExactDecimal?
    /// Bid id → code shown to the committee (T01, T02…, in the order of a fresh key's hashes).
    public var codes: [String: String] = [:]
    /// The key the codes were made with (hex): in the report, so that anyone can check them then.
    public var codeKey: String?
    public var declarations: [String: DeclarationKind] = [:]
    public var rounds: [ScoringRound: RoundStatus] = [:]
    public var committed: [ScoringRound: [String]] = [:]
    /// When the technical round started taking reveals (every member had committed).
    public var revealingSince: Date?
    public var revealed: [ScoringRound: [String]] = [:]
    public var complianceBy: [String] = []
    public var compliance: [ComplianceDecision]?
    public var leaks: [IdentityLeak] = []
    public var explanations: [DeviationExplanation] = []
    public var rescores: [Rescore] = []
    public var reportDigest: String?
    public var reportDeadline: Date?
    public var signatures: [String: ReportOpinion] = [:]
    /// When the report became final (e-supervision: candidates published within 3 days of it).
    public var reportedAt: Date?
    public var publicityFrom: Date?
    public var publicityUntil: Date?
    public var resultObjections: [Objection] = []
    public var awardedAt: Date?
    public var winner: String?

    /// The tenderer's representatives (named, not drawn; Law art. 37).
    public var representatives: [String] = []

    /// The committee: the drawn members (replacements applied), then the representatives.
    public var members: [String] { ExpertDraw.currentMembers(picks).map(\.expert) + representatives }
    public func bid(code: String) -> String? { codes.first { $0.value == code }?.key }

    package init(tenderId: String, section: String, phase: EvaluationPhase, hash: HashAlgorithm, startedBy: String, startedAt: Date, drawDigest: String? = nil, picks: [DrawPick] = [], seed: String? = nil, delta: ExactDecimal? = nil, codes: [String: String] = [:], codeKey: String? = nil, declarations: [String: DeclarationKind] = [:], rounds: [ScoringRound: RoundStatus] = [:], committed: [ScoringRound: [String]] = [:], revealingSince: Date? = nil, revealed: [ScoringRound: [String]] = [:], complianceBy: [String] = [], compliance: [ComplianceDecision]? = nil, leaks: [IdentityLeak] = [], explanations: [DeviationExplanation] = [], rescores: [Rescore] = [], reportDigest: String? = nil, reportDeadline: Date? = nil, signatures: [String: ReportOpinion] = [:], reportedAt: Date? = nil, publicityFrom: Date? = nil, publicityUntil: Date? = nil, resultObjections: [Objection] = [], awardedAt: Date? = nil, winner: String? = nil, representatives: [String] = []) {
        self.tenderId = tenderId
        self.section = section
        self.phase = phase
        self.hash = hash
        self.startedBy = startedBy
        self.startedAt = startedAt
        self.drawDigest = drawDigest
        self.picks = picks
        self.seed = seed
        self.delta = delta
        self.codes = codes
        self.codeKey = codeKey
        self.declarations = declarations
        self.rounds = rounds
        self.committed = committed
        self.revealingSince = revealingSince
        self.revealed = revealed
        self.complianceBy = complianceBy
        self.compliance = compliance
        self.leaks = leaks
        self.explanations = explanations
        self.rescores = rescores
        self.reportDigest = reportDigest
        self.reportDeadline = reportDeadline
        self.signatures = signatures
        self.reportedAt = reportedAt
        self.publicityFrom = publicityFrom
        self.publicityUntil = publicityUntil
        self.resultObjections = resultObjections
        self.awardedAt = awardedAt
        self.winner = winner
        self.representatives = representatives
    }
}

/// Kinds of the entries an evaluation keeps beside its state.
public enum EvaluationEntryKind: String, Sendable {
    case drawRecord = "draw-record"
    case declaration, commitment, sheet, compliance
    case report, reportSignature = "report-signature", finalReport = "final-report"
    case publicity, award
}
