import BidCore
import Foundation

/// Categories of bad behaviour (不良行为) the register records.
public enum CreditCategory: String, Codable, Sendable, CaseIterable {
    /// 串通投标 / bribery (Law art. 53; Reg. art. 67).
    case collusion
    /// 弄虚作假 / bidding in another's name (Law art. 54; Reg. art. 68).
    case fraud
    /// Failure to perform the contract (Law art. 60).
    case failureToPerform = "failure-to-perform"
    /// Decryption failure caused by the bidder (E-Measures art. 31).
    case decryptionFailure = "decryption-failure"
    /// Evaluator misconduct (Reg. art. 71): a ban for a term, or permanent when serious.
    case evaluatorMisconduct = "evaluator-misconduct"
    /// Evaluators taking benefits (Law art. 56): permanently disqualified.
    case evaluatorBribery = "evaluator-bribery"
    case other
}

/// What a decision imposes.
public enum PenaltyKind: String, Codable, Sendable, CaseIterable {
    case none
    case warning
    case fine
    /// 取消投标资格: may not bid.
    case debarment
    /// 取消评标资格: may not evaluate.
    case evaluationBan = "evaluation-ban"
    /// May not act as tendering agency.
    case agencyBan = "agency-ban"

    public var isRestriction: Bool { self == .debarment || self == .evaluationBan || self == .agencyBan }
}

/// A decision is never edited: corrections, appeal outcomes, revocations and credit repair are
/// new records that reference the one they change (RULES.md, credit register).
public enum CreditRecordKind: String, Codable, Sendable, CaseIterable {
    /// The decision: facts, legal basis, number, authority, date, penalty.
    case decision
    /// 更正: the decision restated as it should have been (all fields); replaces its content.
    case correction
    /// 复议 / 诉讼 outcome: `outcome` upheld, varied (with the new penalty) or quashed.
    case appeal
    /// 撤销: the authority revokes its decision; it no longer has any effect and is not published.
    case revocation
    /// 信用修复: publication ends at the repair's date; only once no restriction is in force.
    case repair
}

public enum AppealOutcome: String, Codable, Sendable, CaseIterable {
    case upheld, varied, quashed
}

/// A credit record as submitted by a supervisor (or imported).
public struct CreditRecordInput: Codable, Sendable, Equatable {
    public struct Subject: Codable, Sendable, Equatable {
        public var kind: PartyRecord.Kind
        /// Unified social credit code (organisations) or person id.
        public var code: String
        public var name: String

        public init(kind: PartyRecord.Kind, code: String, name: String) {
            self.kind = kind
            self.code = code
            self.name = name
        }
    }

    public struct Penalty: Codable, Sendable, Equatable {
        public var kind: PenaltyKind
        /// Fines: exact decimal yuan.
        public var fineAmount: String?
        public var start: Date?
        /// nil with `permanent` for a permanent restriction.
        public var end: Date?
        public var permanent: Bool?

        public init(kind: PenaltyKind, fineAmount: String? = nil, start: Date? = nil, end: Date? = nil, permanent: Bool? = nil) {
            self.kind = kind
            self.fineAmount = fineAmount
            self.start = start
            self.end = end
            self.permanent = permanent
        }

        public static let none = Penalty(kind: .none)
    }

    /// Caller-chosen id (imports use it to stay idempotent); generated when absent.
    public var id: String?
    public var kind: CreditRecordKind
    /// The record this one changes (corrections, appeals, revocations, repairs): the newest
    /// record of the decision's chain.
    public var references: String?
    /// Appeals only.
    public var outcome: AppealOutcome?
    public var subject: Subject
    public var category: CreditCategory
    public var facts: String
    /// Legal basis, e.g. "《招标投标法》第五十三条".
    public var legalBasis: String
    public var decisionNumber: String
    public var authority: String
    public var decisionDate: Date
    public var tenderId: String?
    public var penalty: Penalty

    public init(id: String? = nil, kind: CreditRecordKind = .decision, references: String? = nil, outcome: AppealOutcome? = nil, subject: Subject,
                category: CreditCategory, facts: String, legalBasis: String, decisionNumber: String, authority: String, decisionDate: Date,
                tenderId: String? = nil, penalty: Penalty) {
        self.id = id
        self.kind = kind
        self.references = references
        self.outcome = outcome
        self.subject = subject
        self.category = category
        self.facts = facts
        self.legalBasis = legalBasis
        self.decisionNumber = decisionNumber
        self.authority = authority
        self.decisionDate = decisionDate
        self.tenderId = tenderId
        self.penalty = penalty
    }
}

/// A stored credit record, as signed by the platform (format `ebid-credit-record`).
public struct CreditRecord: Codable, Sendable, Equatable {
    public var format = "ebid-credit-record"
    public var version = 1
    public var id: String
    /// The id of the decision this record belongs to (its own id for a decision).
    public var chain: String
    public var input: CreditRecordInput
    public var recordedAt: Date
    public var recordedBy: String
    public var platformCertificateFingerprint: String?

    public init(id: String, chain: String, input: CreditRecordInput, recordedAt: Date, recordedBy: String, platformCertificateFingerprint: String?) {
        self.id = id
        self.chain = chain
        self.input = input
        self.recordedAt = recordedAt
        self.recordedBy = recordedBy
        self.platformCertificateFingerprint = platformCertificateFingerprint
    }

    package enum CodingKeys: String, CodingKey { case format, version, id, chain, input, recordedAt, recordedBy, platformCertificateFingerprint }

    /// Records written before chains existed carry no `format`, `version` or `chain`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decodeIfPresent(String.self, forKey: .format) ?? "ebid-credit-record"
        version = try container.decodeIfPresent(Int.self, forKey: .version) ?? 1
        id = try container.decode(String.self, forKey: .id)
        input = try container.decode(CreditRecordInput.self, forKey: .input)
        chain = try container.decodeIfPresent(String.self, forKey: .chain) ?? (input.kind == .decision ? id : input.references ?? id)
        recordedAt = try container.decode(Date.self, forKey: .recordedAt)
        recordedBy = try container.decode(String.self, forKey: .recordedBy)
        platformCertificateFingerprint = try container.decodeIfPresent(String.self, forKey: .platformCertificateFingerprint)
    }
}

/// Where a decision stands now.
public enum CreditChainStatus: String, Codable, Sendable {
    /// In effect (its restriction may have ended; see the penalty).
    case inForce = "in-force"
    /// Quashed on appeal: no effect, not published.
    case quashed
    /// Revoked by the authority: no effect, not published.
    case revoked
    /// Credit repaired (信用修复): its publication ended at the repair's date.
    case repaired
}

/// A decision with everything recorded about it since, and its current effect — derived, never
/// stored as the truth (the records are).
public struct CreditChain: Codable, Sendable, Equatable {
    /// The decision.
    public var root: CreditRecord
    /// Every record of the chain, oldest first.
    public var history: [CreditRecord]
    /// The decision's current content: the latest of the decision and its corrections.
    public var content: CreditRecord
    /// The penalty in effect: the content's, or as varied on appeal (none when quashed or revoked).
    public var penalty: CreditRecordInput.Penalty
    public var status: CreditChainStatus
    /// Public listing: from the decision date until this time (nil: while permanent).
    public var listedFrom: Date
    public var listedUntil: Date?

    public var id: String { root.id }
    public var head: CreditRecord { history.last ?? root }
    public var subject: CreditRecordInput.Subject { content.input.subject }

    /// The current effect without the history: what the listings keep.
    public var state: CreditDecisionState {
        var current = content.input
        current.penalty = penalty
        if current.penalty.permanent != true { current.penalty.permanent = nil }
        current.id = root.id
        current.kind = .decision
        current.references = nil
        current.outcome = nil
        return CreditDecisionState(id: root.id, current: current, status: status, listedFrom: listedFrom, listedUntil: listedUntil, head: head.id)
    }

    public var isPublic: Bool { state.isPublic }
    public func isListed(at time: Date) -> Bool { state.isListed(at: time) }
    public func restricts(_ kind: PenaltyKind, at time: Date) -> Bool { state.restricts(kind, at: time) }
    public var restrictionEnd: Date? { state.restrictionEnd }
}

/// A decision's current effect: its content as it stands, the penalty in effect, its status and
/// publication window — derived from its chain (`CreditChain.state`) and kept per decision for
/// the listings.
public struct CreditDecisionState: Codable, Sendable, Equatable {
    public var id: String
    /// The decision as it stands: the latest content, with the penalty in effect.
    public var current: CreditRecordInput
    public var status: CreditChainStatus
    public var listedFrom: Date
    public var listedUntil: Date?
    /// The newest record of the chain (what a new record must reference).
    public var head: String

    public var penalty: CreditRecordInput.Penalty { current.penalty }

    /// Published at all (not revoked, quashed or repaired): queryable by subject by anyone.
    public var isPublic: Bool { status == .inForce }

    /// In the public listings at `time` (RULES.md: 6 months from the decision, or as long as the
    /// restriction if longer).
    public func isListed(at time: Date) -> Bool {
        isPublic && listedFrom <= time && listedUntil.map { time < $0 } ?? true
    }

    /// Whether the decision restricts its subject from `kind` at `time`.
    public func restricts(_ kind: PenaltyKind, at time: Date) -> Bool {
        guard penalty.kind == kind, mayRestrict, restrictionStart <= time else { return false }
        if penalty.permanent == true { return true }
        guard let end = penalty.end else { return false }
        return time < end
    }

    /// Whether the decision restricts anything at some time: a restriction, in force or repaired.
    package var mayRestrict: Bool { (status == .inForce || status == .repaired) && penalty.kind.isRestriction }

    /// When the restriction begins: its own start, or the decision date.
    package var restrictionStart: Date { penalty.start ?? current.decisionDate }

    /// When the restriction ends (nil: no restriction, or permanent — see `penalty.permanent`).
    public var restrictionEnd: Date? { penalty.kind.isRestriction && penalty.permanent != true ? penalty.end : nil }

    package init(id: String, current: CreditRecordInput, status: CreditChainStatus, listedFrom: Date, listedUntil: Date? = nil, head: String) {
        self.id = id
        self.current = current
        self.status = status
        self.listedFrom = listedFrom
        self.listedUntil = listedUntil
        self.head = head
    }
}

/// The current effect of records (pure functions; every query and every check uses them).
public enum CreditEffect {
    /// Publication lasts six months from the decision (2008 公告暂行办法 art. 9).
    public static let publicationMonths = 6

    /// The calendar the law's periods are counted in.
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        return calendar
    }()

    /// Groups records into their decisions' chains and derives each chain's effect.
    public static func chains(_ records: [CreditRecord]) -> [CreditChain] {
        let groups = Dictionary(grouping: records, by: \.chain)
        return groups.compactMap { _, members in chain(members) }.sorted { ($0.root.input.decisionDate, $0.id) < ($1.root.input.decisionDate, $1.id) }
    }

    /// One chain from its records (any order); nil without its decision.
    public static func chain(_ records: [CreditRecord]) -> CreditChain? {
        let history = records.sorted { ($0.recordedAt, $0.id) < ($1.recordedAt, $1.id) }
        guard let root = history.first(where: { $0.input.kind == .decision }) else { return nil }
        var content = root
        var penalty = root.input.penalty
        var status = CreditChainStatus.inForce
        var repairedAt: Date?
        for record in history where record.id != root.id {
            let input = record.input
            switch input.kind {
            case .decision: continue
            case .correction:
                content = record
                penalty = input.penalty
            case .appeal:
                switch input.outcome ?? .upheld {
                case .upheld: break
                case .varied: penalty = input.penalty
                case .quashed:
                    penalty = .none
                    status = .quashed
                }
            case .revocation:
                penalty = .none
                status = .revoked
            case .repair:
                if status == .inForce { status = .repaired }
                repairedAt = input.decisionDate
            }
        }
        let from = content.input.decisionDate
        var until: Date? = calendar.date(byAdding: .month, value: publicationMonths, to: from)!
        if penalty.kind.isRestriction {
            if penalty.permanent == true { until = nil } else if let end = penalty.end, let current = until { until = max(current, end) }
        }
        if let repairedAt { until = until.map { min($0, repairedAt) } ?? repairedAt }
        return CreditChain(root: root, history: history, content: content, penalty: penalty, status: status, listedFrom: from, listedUntil: until)
    }

    /// The chain that restricts its subject from `kind` at `time`, if any (the newest decision first).
    public static func activeRestriction(_ records: [CreditRecord], kind: PenaltyKind, at time: Date) -> CreditChain? {
        chains(records).filter { $0.restricts(kind, at: time) }.max { $0.content.input.decisionDate < $1.content.input.decisionDate }
    }
}

/// The law's bounds on a restriction's term, by category (RULES.md, credit register).
public enum CreditTerms {
    public enum Permanence: Sendable { case forbidden, allowed, required }

    public struct Bound: Sendable {
        /// Shortest and longest term in years (nil: no statutory bound).
        public var minYears: Int?
        public var maxYears: Int?
        public var permanence: Permanence
        public var basis: String
    }

    /// The bound for a restriction imposed for a category; nil when the category gives no ground
    /// for that restriction.
    public static func bound(_ category: CreditCategory, _ kind: PenaltyKind) -> Bound? {
        switch (category, kind) {
        case (.collusion, .debarment): return Bound(minYears: 1, maxYears: 2, permanence: .forbidden, basis: "Law art. 53, Reg. art. 67")
        case (.collusion, .agencyBan): return Bound(minYears: 1, maxYears: 2, permanence: .forbidden, basis: "Law art. 50")
        case (.fraud, .debarment): return Bound(minYears: 1, maxYears: 3, permanence: .forbidden, basis: "Law art. 54, Reg. art. 68")
        case (.failureToPerform, .debarment): return Bound(minYears: 2, maxYears: 5, permanence: .forbidden, basis: "Law art. 60")
        case (.evaluatorBribery, .evaluationBan): return Bound(minYears: nil, maxYears: nil, permanence: .required, basis: "Law art. 56")
        case (.evaluatorMisconduct, .evaluationBan): return Bound(minYears: nil, maxYears: nil, permanence: .allowed, basis: "Reg. art. 71")
        case (.other, _) where kind.isRestriction: return Bound(minYears: nil, maxYears: nil, permanence: .forbidden, basis: "the decision's own legal basis")
        default: return nil
        }
    }

    /// Why the penalty's term is outside the law's bounds for the category, or nil when it is within.
    public static func violation(category: CreditCategory, penalty: CreditRecordInput.Penalty) -> String? {
        guard penalty.kind.isRestriction else { return nil }
        guard let bound = bound(category, penalty.kind) else {
            return "a \(category.rawValue) decision gives no ground for \(penalty.kind.rawValue)"
        }
        if penalty.permanent == true {
            return bound.permanence == .forbidden ? "\(penalty.kind.rawValue) for \(category.rawValue) cannot be permanent (\(bound.basis))" : nil
        }
        if bound.permanence == .required { return "\(category.rawValue) calls for a permanent \(penalty.kind.rawValue) (\(bound.basis))" }
        guard let start = penalty.start, let end = penalty.end else { return "a restriction needs its start and end" }
        let calendar = CreditEffect.calendar
        if let min = bound.minYears, end < calendar.date(byAdding: .year, value: min, to: start)! {
            return "\(penalty.kind.rawValue) for \(category.rawValue) lasts at least \(min) year(s) (\(bound.basis)); this one ends \(iso(end))"
        }
        if let max = bound.maxYears, end > calendar.date(byAdding: .year, value: max, to: start)! {
            return "\(penalty.kind.rawValue) for \(category.rawValue) lasts at most \(max) year(s) (\(bound.basis)); this one ends \(iso(end))"
        }
        return nil
    }
}
