import BidCore
import Foundation

/// E-supervision's cards and step statements, and the one-time links to the supervisors' pages.
public protocol SupervisionTransaction {
    func supervisionCard(id: String) throws -> SupervisionCard?
    func supervisionCards(open: Bool?, tender: String?, limit: Int) throws -> [SupervisionCard]
    /// Every card row with the ledger events that raised and closed it (for the audit).
    func supervisionCardRows() throws -> [(body: String, raisedSeq: Int64, closedSeq: Int64?, closedAt: Date?)]
    func insertSupervisionCard(_ card: SupervisionCard, raisedSeq: Int64) throws
    func closeSupervisionCard(id: String, at time: Date, because: String, closedSeq: Int64) throws
    func supervisionStatements(tender id: String) throws -> [StepStatement]
    func allSupervisionStatements() throws -> [StepStatement]
    func insertSupervisionStatement(_ statement: StepStatement, ledgerSeq: Int64) throws
    /// Objections to the documents (Reg. art. 22), numbered per tender; `party` is the objector.
    func documentObjections(tender id: String) throws -> [(party: String, objection: Objection)]
    func saveDocumentObjection(tender id: String, party: String, _ objection: Objection) throws
    func supervisedTenders() throws -> [SupervisedTender]
    func openingTimes() throws -> [String: (startedAt: Date, completedAt: Date?)]
    func tendersWithSupervisedItems() throws -> (amendments: Set<String>, objections: Set<String>, statements: Set<String>)
    func insertWebLink(codeHash: String, party: String, certificateFingerprint: String, expiresAt: Date) throws
    /// Marks the link used and returns its party and certificate; nil when unknown, used or expired.
    func consumeWebLink(codeHash: String, at time: Date) throws -> (party: String, certificateFingerprint: String)?
}


/// What e-supervision reads of every public tender at each scan, without reading its spec (the
/// spec is read only for the tenders whose evaluation or anomalies are watched).
public struct SupervisedTender: Sendable, Equatable {
    public var id: String
    public var status: TenderStatus
    public var owner: String
    public var agency: String?
    public var profile: PolicyProfile
    public var deadline: Date

    package init(id: String, status: TenderStatus, owner: String, agency: String? = nil, profile: PolicyProfile, deadline: Date) {
        self.id = id
        self.status = status
        self.owner = owner
        self.agency = agency
        self.profile = profile
        self.deadline = deadline
    }
}
