import BidCore
import Foundation

/// The credit / bad-behaviour register (信用 / 不良行为记录): decisions about parties, signed by the
/// platform and recorded in the ledger; never edited or deleted — changes are new records that
/// reference the old one. Bidding and evaluation consult the current effect.
public struct CreditRegister: Sendable {
    let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    /// `seeds/credit-records.json`.
    public struct File: Codable, Sendable {
        public var format = "ebid-credit-records"
        public var version = 1
        public var records: [CreditRecordInput]
    }

    /// Records a decision (or a correction, appeal outcome, revocation, repair).
    @discardableResult
    public func record(_ input: CreditRecordInput, by actor: Actor) async throws -> CreditRecord {
        try validate(input)
        let now = environment.clock.now()
        let record = CreditRecord(id: input.id ?? "CR-\(UUID().uuidString.prefix(8).lowercased())", input: input, recordedAt: now, recordedBy: actor.party)
        let signed = try environment.platform.signDocument(record)
        let entry = LedgerEntry(actor: actor, action: "credit.record", object: "credit/\(record.id)", tenderId: input.tenderId, payload: signed.document)
        do {
            try await environment.store.write { tx in
                if let reference = input.references, try !tx.creditRecordExists(id: reference) {
                    throw ServiceError.unprocessable("credit.unknown-reference", "record \(reference) does not exist")
                }
                try tx.insertCreditRecord(record, signed: signed)
                try tx.appendLedger(entry, at: now)
            }
        } catch let error as StoreError where error.isConstraint {
            throw ServiceError.conflict("credit.exists", "credit record \(record.id) exists already; records are never changed, add a new one")
        }
        return record
    }

    /// Imports records; those whose id exists already are skipped (imports can be re-run).
    @discardableResult
    public func importRecords(_ inputs: [CreditRecordInput], by actor: Actor) async throws -> Int {
        var imported = 0
        for input in inputs {
            if let id = input.id, try await environment.store.read({ try $0.creditRecordExists(id: id) }) { continue }
            try await record(input, by: actor)
            imported += 1
        }
        return imported
    }

    /// The record that currently restricts `code` from `kind`, if any.
    public func activeRestriction(subject code: String, kind: PenaltyKind, at time: Date? = nil) async throws -> CreditRecord? {
        let when = time ?? environment.clock.now()
        let records = try await environment.store.read { try $0.creditRecords(subject: code) }
        return CreditEffect.activeRestriction(records, kind: kind, at: when)
    }

    func validate(_ input: CreditRecordInput) throws {
        func invalid(_ detail: String) -> ServiceError { .unprocessable("credit.invalid", detail) }
        if input.subject.kind == .organization {
            do { _ = try UnifiedSocialCreditCode(input.subject.code) } catch let error as BidCoreError { throw invalid(error.reason) }
        }
        for (field, value) in [("facts", input.facts), ("legalBasis", input.legalBasis), ("decisionNumber", input.decisionNumber),
                               ("authority", input.authority), ("subject.name", input.subject.name)] where value.trimmingCharacters(in: .whitespaces).isEmpty {
            throw invalid("\(field) is required")
        }
        if input.kind != .decision, input.references == nil { throw invalid("a \(input.kind.rawValue) must reference the record it changes") }
        let penalty = input.penalty
        if penalty.kind == .fine {
            guard let amount = penalty.fineAmount, BidSummary.isValidPrice(amount) else { throw invalid("a fine needs fineAmount, a decimal amount in yuan") }
        }
        if penalty.kind.isRestriction {
            guard penalty.start != nil else { throw invalid("a restriction needs its start") }
            guard penalty.permanent == true || penalty.end != nil else { throw invalid("a restriction needs its end, or permanent: true") }
            if let start = penalty.start, let end = penalty.end, end <= start { throw invalid("the restriction must end after it starts") }
        }
    }
}
