import BidCore
import Foundation

/// Categories of bad behaviour (不良行为) the register records.
public enum CreditCategory: String, Codable, Sendable, CaseIterable {
    /// 串通投标 / bribery (Law art. 53).
    case collusion
    /// 弄虚作假 / bidding in another's name (Law art. 54).
    case fraud
    /// Failure to perform the contract (Law art. 60).
    case failureToPerform = "failure-to-perform"
    /// Decryption failure caused by the bidder (E-Measures art. 31).
    case decryptionFailure = "decryption-failure"
    /// Evaluators taking benefits or other misconduct (Law art. 56).
    case evaluatorMisconduct = "evaluator-misconduct"
    case other
}

/// What a decision restricts.
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
    case decision, correction, appeal, revocation, repair
}

/// A credit record as submitted by a supervisor (or imported).
public struct CreditRecordInput: Codable, Sendable, Equatable {
    public struct Subject: Codable, Sendable, Equatable {
        public var kind: PartyRecord.Kind
        /// Unified social credit code (organisations) or person id.
        public var code: String
        public var name: String
    }

    public struct Penalty: Codable, Sendable, Equatable {
        public var kind: PenaltyKind
        /// Fines: exact decimal yuan.
        public var fineAmount: String?
        public var start: Date?
        /// nil with `permanent` for a permanent restriction.
        public var end: Date?
        public var permanent: Bool?
    }

    /// Caller-chosen id (imports use it to stay idempotent); generated when absent.
    public var id: String?
    public var kind: CreditRecordKind
    /// The record this one changes (corrections, appeals, revocations, repairs).
    public var references: String?
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
}

/// A stored, signed credit record.
public struct CreditRecord: Codable, Sendable, Equatable {
    public var id: String
    public var input: CreditRecordInput
    public var recordedAt: Date
    public var recordedBy: String

    /// Whether this record's restriction of `kind` is in force at `time` (ignoring later records).
    public func restricts(_ kind: PenaltyKind, at time: Date) -> Bool {
        let penalty = input.penalty
        guard penalty.kind == kind, kind.isRestriction else { return false }
        let start = penalty.start ?? input.decisionDate
        guard start <= time else { return false }
        if penalty.permanent == true { return true }
        guard let end = penalty.end else { return false }
        return time < end
    }
}

/// The current effect of a subject's records: the newest record of each chain counts.
public enum CreditEffect {
    /// Records that are not superseded by a later record referencing them.
    public static func currentRecords(_ records: [CreditRecord]) -> [CreditRecord] {
        let referenced = Set(records.compactMap(\.input.references))
        return records.filter { !referenced.contains($0.id) }
    }

    /// The current record that restricts `kind` at `time`, if any.
    public static func activeRestriction(_ records: [CreditRecord], kind: PenaltyKind, at time: Date) -> CreditRecord? {
        currentRecords(records).filter { $0.restricts(kind, at: time) }.sorted { $0.input.decisionDate > $1.input.decisionDate }.first
    }
}
