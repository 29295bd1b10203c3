import BidCore
import BidDomain
import Foundation

/// Fixing mistakes before they are public: a draft tender is edited or discarded by its owner,
/// and a draft amendment is discarded. Drafts are never listed nor shown to anyone else, so
/// neither changes anything the public, a bidder or a supervisor has seen; each is a ledger event.
extension TenderDesk {
    /// Replaces a draft's tender file (`PUT /v1/tenders/:id`). Its opening keys and documents
    /// stay; the accepted suites must stay those the keys are for.
    public func editDraft(_ spec: TenderSpec, by identity: Identity, role: PartyRole, address: String) async throws -> TenderView {
        let tender = try await managedTender(spec.id, by: identity)
        guard tender.status == .draft else {
            throw ServiceError.conflict("tender.already-published", "tender \(spec.id) is published: change it through an amendment (ebid tender amend)")
        }
        guard spec.section == tender.spec.section, spec.retenderOf == tender.spec.retenderOf else {
            throw ServiceError.unprocessable("tender.section-fixed", "the section and the re-tendered tender stay those the draft was created with (its opening keys are bound to them): discard the draft and create it again")
        }
        let now = environment.clock.now()
        let (tenderer, agency, deadline) = try await checkedDraft(spec, by: identity, at: now)
        let keySuites = Set(try await environment.store.read { try $0.openingKeys(tender: spec.id) }.map(\.suite))
        guard Set(spec.acceptedSuites) == keySuites else {
            throw ServiceError.unprocessable("tender.suites-fixed",
                                             "the draft's opening keys are for \(keySuites.map(\.rawValue).sorted().joined(separator: ", ")): keep those suites, or discard the draft (ebid tender draft discard) and create it again")
        }
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.edit", object: "tender/\(spec.id)",
                                    tenderId: spec.id, json: spec)
        let updated = try await environment.store.write { tx -> Bool in
            guard try tx.updateDraft(spec, tenderer: tenderer.id, agency: agency?.id, deadline: deadline) else { return false }
            try tx.appendLedger(entry, at: now)
            return true
        }
        guard updated else { throw ServiceError.conflict("tender.already-published", "tender \(spec.id) was published by another request") }
        return try await view(spec.id, for: identity)
    }

    /// Discards a draft (`DELETE /v1/tenders/:id`): its rows go, its documents' blobs stay where
    /// others share them, and its id may be used again — with new opening keys: the discarded
    /// draft's keys stay used. The ledger keeps its history.
    public func discardDraft(_ id: String, by identity: Identity, role: PartyRole, address: String) async throws {
        let tender = try await managedTender(id, by: identity)
        guard tender.status == .draft else {
            throw ServiceError.conflict("tender.already-published", "tender \(id) is published: a published tender is never deleted (it may be terminated or fail)")
        }
        let now = environment.clock.now()
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.discard", object: "tender/\(id)",
                                    tenderId: id, json: ["id": id])
        let discarded = try await environment.store.write { tx -> Bool in
            guard try tx.deleteDraft(id: id) else { return false }
            try tx.appendLedger(entry, at: now)
            return true
        }
        guard discarded else { throw ServiceError.conflict("tender.already-published", "tender \(id) was published by another request") }
    }

    /// Discards a draft amendment and its documents (`DELETE /v1/tenders/:id/amendments/:number`):
    /// a refused amendment need not stay open. The next amendment takes its number.
    public func discardAmendment(tender id: String, number: Int, by identity: Identity, role: PartyRole, address: String) async throws -> TenderView {
        _ = try await managedTender(id, by: identity)
        let now = environment.clock.now()
        let entry = try LedgerEntry(actor: identity.actor(role: role, address: address), action: "tender.amendment.discard",
                                    object: "tender/\(id)/amendments/\(number)", tenderId: id, json: ["number": String(number)])
        try await environment.store.write { tx in
            guard let amendment = try tx.amendments(tender: id).first(where: { $0.number == number }) else {
                throw ServiceError.notFound("amendment.not-found", "tender \(id) has no amendment \(number)")
            }
            guard amendment.status == .draft else {
                throw ServiceError.conflict("amendment.already-published", "amendment \(number) is published: it stays on record")
            }
            try tx.deleteDraftAmendment(tender: id, number: number)
            try tx.appendLedger(entry, at: now)
        }
        return try await view(id, for: identity)
    }
}
