import BidCore
import BidDomain
import Foundation

/// Objections to the documents (对招标文件的异议, Reg. art. 22): a potential bidder objects at least
/// 10 days before the deadline; the tenderer answers within 3 days (watched by e-supervision).
///
/// Who objected stays secret (Law art. 22): the tender's owner sees the objections and answers them
/// without the objector's name, an objector sees its own, nobody else any. The ledger event is the
/// objector's, withheld from the supervisors' views while tenders take bids, and the answer's until
/// the tender's deadline (LedgerEmbargo). Objections are numbered at random: a running number would
/// tell an objector how many others objected.
extension TenderDesk {
    public struct DocumentObjectionView: Codable, Sendable, Equatable {
        public var objection: Objection
        /// True on the objector's own objections.
        public var mine: Bool
    }

    public func raiseDocumentObjection(tender id: String, text: String, by identity: Identity, address: String) async throws -> Objection {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4000 else { throw ServiceError.unprocessable("objection.invalid", "write the objection in 1…4000 characters") }
        let now = environment.clock.now()
        return try await environment.store.write { tx in
            guard let tender = try tx.tender(id: id), tender.status == .published else {
                throw ServiceError.notFound("tender.not-found", "there is no tender \(id) taking bids")
            }
            // Reg. art. 22: at least 10 days before the deadline.
            let last = tender.deadline.addingTimeInterval(-10 * tender.profile.day)
            guard now <= last else {
                throw ServiceError.conflict("objection.too-late", "objections to the documents are raised at least 10 days before the deadline (Reg. art. 22): the last moment was \(iso(last))")
            }
            let existing = try tx.documentObjections(tender: id)
            guard existing.filter({ $0.party == identity.party.id }).count < 5 else {
                throw ServiceError.conflict("objection.too-many", "at most 5 objections to the documents per party")
            }
            // A random number: a running one would tell an objector how many others objected (Law art. 22).
            var number = 0
            let taken = Set(existing.map(\.objection.number))
            repeat { number = Int.random(in: 100_000...999_999) } while taken.contains(number)
            let objection = Objection(number: number, party: "bidder", text: text, raisedAt: now)
            try tx.saveDocumentObjection(tender: id, party: identity.party.id, objection)
            try tx.appendLedger(try LedgerEntry(actor: identity.actor(role: .bidder, address: address), action: "tender.objection",
                                                object: "tenders/\(id)/document-objections/\(objection.number)", tenderId: id,
                                                json: ["number": String(objection.number), "text": text]), at: now)
            return objection
        }
    }

    public func documentObjections(tender id: String, for identity: Identity) async throws -> [DocumentObjectionView] {
        try await environment.store.read { tx in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
            let all = try tx.documentObjections(tender: id)
            if tender.isManaged(by: identity) { return all.map { DocumentObjectionView(objection: $0.objection, mine: false) } }
            return all.filter { $0.party == identity.party.id }.map { DocumentObjectionView(objection: $0.objection, mine: true) }
        }
    }

    public func answerDocumentObjection(tender id: String, number: Int, text: String, by identity: Identity, role: PartyRole, address: String) async throws -> Objection {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 8000 else { throw ServiceError.unprocessable("objection.invalid", "write the answer in 1…8000 characters") }
        let now = environment.clock.now()
        return try await environment.store.write { tx in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
            guard tender.isManaged(by: identity) else { throw ServiceError.forbidden("tender.not-owner", "only the party that created tender \(id) answers its objections") }
            guard let (party, found) = try tx.documentObjections(tender: id).first(where: { $0.objection.number == number }) else {
                throw ServiceError.notFound("objection.not-found", "tender \(id) has no objection \(number)")
            }
            guard found.answeredAt == nil else { throw ServiceError.conflict("objection.answered", "objection \(number) is answered already") }
            var answered = found
            answered.answer = text
            answered.answeredBy = identity.party.id
            answered.answeredAt = now
            try tx.saveDocumentObjection(tender: id, party: party, answered)
            try tx.appendLedger(try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.objection-answer",
                                                object: "tenders/\(id)/document-objections/\(number)", tenderId: id, json: ["text": text]), at: now)
            return answered
        }
    }
}
