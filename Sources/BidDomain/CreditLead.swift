import BidCore
import Foundation

/// What raised a lead.
public enum CreditLeadKind: String, Codable, Sendable, CaseIterable {
    /// A bid revoked at the opening through its bidder's fault (E-Measures art. 31).
    case decryptionFailure = "decryption-failure"
    /// A collusion signal at the opening (Reg. art. 40).
    case collusionSignal = "collusion-signal"
    /// An expert who withdrew from a committee without a lawful reason (Reg. art. 46).
    case expertWithdrawal = "expert-withdrawal"
    /// An expert referred by the host or a supervisor: a score far off without reason, a leak, a
    /// failure to recuse (Reg. art. 71; RULES.md, "Evaluation").
    case expertMisconduct = "expert-misconduct"
}

public enum CreditLeadStatus: String, Codable, Sendable, CaseIterable {
    case open
    /// Turned into a credit record by a supervisor.
    case recorded
    /// Dismissed by a supervisor, with a reason.
    case dismissed
}

/// A process event that may call for a credit record — for a supervisor to decide on, never a
/// record by itself (and never a score: NDRC 2023).
public struct CreditLead: Codable, Sendable, Equatable {
    public var id: String
    public var kind: CreditLeadKind
    public var status: CreditLeadStatus
    public var subject: CreditRecordInput.Subject
    public var partyId: String?
    public var tenderId: String?
    /// One line: what happened.
    public var summary: String
    /// The evidence, as recorded by the step that raised it (JSON text).
    public var evidence: String
    /// The ledger event that raised it.
    public var ledgerSeq: Int64
    public var createdAt: Date
    public var resolvedBy: String?
    public var resolvedAt: Date?
    /// The reason of a dismissal, or a note on the record made.
    public var resolution: String?
    public var recordId: String?

    /// The category a record made from this lead would most likely take.
    public var suggestedCategory: CreditCategory {
        switch kind {
        case .decryptionFailure: return .decryptionFailure
        case .collusionSignal: return .collusion
        case .expertWithdrawal, .expertMisconduct: return .evaluatorMisconduct
        }
    }

    package init(id: String, kind: CreditLeadKind, status: CreditLeadStatus, subject: CreditRecordInput.Subject, partyId: String? = nil, tenderId: String? = nil, summary: String, evidence: String, ledgerSeq: Int64, createdAt: Date, resolvedBy: String? = nil, resolvedAt: Date? = nil, resolution: String? = nil, recordId: String? = nil) {
        self.id = id
        self.kind = kind
        self.status = status
        self.subject = subject
        self.partyId = partyId
        self.tenderId = tenderId
        self.summary = summary
        self.evidence = evidence
        self.ledgerSeq = ledgerSeq
        self.createdAt = createdAt
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.recordId = recordId
    }
}
