import BidCore
import Foundation

/// The expert pool and the tenders' evaluations (a store protocol of its own, STYLE.md 18).
public protocol EvaluationTransaction {
    func expert(id: String) throws -> Expert?
    func experts() throws -> [Expert]
    func saveExpert(_ expert: Expert) throws
    func evaluation(tender id: String) throws -> EvaluationState?
    func evaluations(phase: EvaluationPhase?) throws -> [EvaluationState]
    func saveEvaluation(_ state: EvaluationState, at time: Date) throws
    /// Adds an entry; false when the tender already has one of this kind for this member and round.
    func insertEvaluationEntry(tender id: String, kind: EvaluationEntryKind, member: String, round: String, body: [UInt8], at time: Date) throws -> Bool
    /// Replaces the entry (the draw record, as replacements are drawn).
    func replaceEvaluationEntry(tender id: String, kind: EvaluationEntryKind, member: String, round: String, body: [UInt8], at time: Date) throws
    func evaluationEntry(tender id: String, kind: EvaluationEntryKind, member: String, round: String) throws -> [UInt8]?
    /// Entries of a kind (and round, when given): member → body.
    func evaluationEntries(tender id: String, kind: EvaluationEntryKind, round: String?) throws -> [(member: String, body: [UInt8])]
}
