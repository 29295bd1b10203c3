import BidCore
import BidDomain
import Foundation

/// The sealed evaluation room (评标全封闭; DESIGN.md, "Sealed expert scoring"): the verifiable
/// draw, the members' declarations, anonymised review, commit-then-reveal scoring in two rounds
/// (technical under codes, then the rest with names), compliance review, explanations and
/// re-scores, the signed report, publicity and the award.
///
/// Who sees what: the committee list — host, supervisors, and each member itself — until the
/// award; scores nobody before every member committed (they are not on the server: a member's
/// client sends only a hash of its sheet and a secret salt); revealed scores the committee, host
/// and supervisors; bidder names withheld from members until the technical scores are locked.
public struct EvaluationRoom: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    package var store: any ServiceStore { environment.store }

    /// One bid as the evaluation knows it (opened bids only).
    package struct EvaluatedBid: Sendable {
        package var bidId: String
        package var bidder: Party
        package var manifest: BidManifest
        package var parts: [OpenedPart]
        package var price: ExactDecimal
    }

    package struct Context: Sendable {
        package var tender: Tender
        package var state: EvaluationState
        package var spec: EvaluationSpec { tender.spec.evaluation }
        package var rubric: Rubric { tender.spec.evaluation.rubric }
    }

    package static func notFound(_ id: String) -> ServiceError { .notFound("evaluation.not-found", "tender \(id) has no evaluation yet") }

    /// Loads the tender and its evaluation; `.notFound` for drafts and tenders without one.
    package static func context(_ tx: any EvaluationDeskTransaction, _ id: String) throws -> Context {
        guard let tender = try tx.tender(id: id), tender.status.isPublic else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
        guard let state = try tx.evaluation(tender: id) else { throw notFound(id) }
        return Context(tender: tender, state: state)
    }

    /// The opened bids, with their bidders and verified manifests (stored at the opening).
    package static func evaluatedBids(_ tx: any EvaluationDeskTransaction, tender: String) throws -> [EvaluatedBid] {
        try tx.openingBids(tender: tender).filter { $0.state == .opened }.map { bid in
            guard let bidder = try tx.party(id: bid.bidderParty), let bytes = try tx.openedManifest(bid: bid.bidId) else {
                throw ServiceError(status: 500, code: "evaluation.bid-missing", title: "Server error", detail: "the opened bid \(bid.bidId) lacks its manifest")
            }
            let manifest = try JSONDecoder.ebid.decodeStrict(BidManifest.self, from: Data(bytes))
            guard let price = ExactDecimal.price(manifest.summary.price) else {
                throw ServiceError(status: 500, code: "evaluation.bid-missing", title: "Server error", detail: "the opened bid \(bid.bidId) has no valid price")
            }
            return EvaluatedBid(bidId: bid.bidId, bidder: bidder, manifest: manifest, parts: try tx.openedParts(bid: bid.bidId), price: price)
        }
    }

    // MARK: Who may act

    package enum Standing { case host, supervisor, member, other }

    package static func standing(_ identity: Identity, in context: Context) -> Standing {
        if context.tender.isManaged(by: identity) { return .host }
        if identity.party.roles.contains(.supervisor) { return .supervisor }
        if identity.party.roles.contains(.expert), context.state.members.contains(identity.party.id) { return .member }
        return .other
    }

    /// Anyone else learns nothing about the evaluation before the award — not even that a party
    /// is or is not a member — so the answer is the one a tender without evaluation gets.
    package static func requireInside(_ identity: Identity, _ context: Context) throws -> Standing {
        let standing = standing(identity, in: context)
        guard standing != .other else { throw notFound(context.tender.id) }
        return standing
    }

    package static func requireHost(_ identity: Identity, _ context: Context) throws {
        guard context.tender.isManaged(by: identity) else {
            if standing(identity, in: context) == .other { throw notFound(context.tender.id) }
            throw ServiceError.forbidden("evaluation.host-only", "only the host of tender \(context.tender.id) may do this")
        }
    }

    package static func requireMember(_ identity: Identity, _ context: Context) throws {
        guard standing(identity, in: context) == .member else {
            if standing(identity, in: context) == .other { throw notFound(context.tender.id) }
            throw ServiceError.forbidden("evaluation.members-only", "only the committee's members may do this")
        }
    }

    // MARK: Members' statements

    /// Checks a statement the member signed with its login certificate's key and decodes it; the
    /// stored form (`stored`) names that certificate.
    package static func verifyStatement<T: Decodable>(_ statement: MemberStatement, as type: T.Type, by identity: Identity, tx: any EvaluationDeskTransaction) throws -> (T, [UInt8]) {
        guard let document = statement.documentBytes, let signature = statement.signatureBytes, document.count <= 1 << 20 else {
            throw ServiceError.badRequest("evaluation.statement-malformed", "document and signature must be base64 (document at most 1 MiB)")
        }
        guard let certificate = try tx.certificate(fingerprint: identity.certificateFingerprint) else {
            throw ServiceError.unauthorized("auth.required", "log in again")
        }
        guard (try? certificate.publicKey.isValidSignature(signature, for: document, scheme: statement.scheme)) == true else {
            throw ServiceError.unprocessable("evaluation.statement-signature", "the signature is not the member's (signed with the certificate it logged in with)")
        }
        do { return (try JSONDecoder.ebid.decodeStrict(T.self, from: Data(document)), document) } catch {
            throw ServiceError.unprocessable("evaluation.statement-malformed", "the signed document is not a valid \(T.self): \(describeDecodingError(error))")
        }
    }

    package static func stored(_ statement: MemberStatement, by identity: Identity) throws -> [UInt8] {
        var named = statement
        named.certificate = identity.certificateFingerprint
        return [UInt8](try JSONEncoder.ebid.encode(named))
    }

    /// A revealed sheet entry: the salt (32 bytes) then the sheet's exact bytes, so that anyone can
    /// check it against the member's signed commitment again.
    package static func sheetEntry(salt: [UInt8], sheet: [UInt8]) -> [UInt8] { salt + sheet }

    package static func splitSheetEntry(_ body: [UInt8]) -> (salt: [UInt8], sheet: [UInt8]) {
        (Array(body.prefix(ScoreCommitment.saltLength)), Array(body.dropFirst(ScoreCommitment.saltLength)))
    }

    package static func checkNames(tender: String, section: String, member: String, _ context: Context, _ identity: Identity) throws {
        guard tender == context.tender.id, section == context.tender.section, member == identity.party.id else {
            throw ServiceError.unprocessable("evaluation.statement-other", "the statement is for \(tender)/\(section) by \(member), not \(context.tender.id)/\(context.tender.section) by \(identity.party.id)")
        }
    }

    // MARK: Saving

    /// Saves the state and appends its ledger event in the caller's transaction.
    @discardableResult
    package static func save(_ state: EvaluationState, _ entry: LedgerEntry, tx: any EvaluationDeskTransaction, at time: Date) throws -> LedgerEvent {
        try tx.saveEvaluation(state, at: time)
        return try tx.appendLedger(entry, at: time)
    }

    package static func entry(_ actor: Actor, _ action: String, _ context: Context, _ payload: some Encodable) throws -> LedgerEntry {
        try LedgerEntry(actor: actor, action: action, object: "evaluation/\(context.tender.id)", tenderId: context.tender.id, json: payload)
    }

    /// A signed checkpoint right after a step the evaluation rests on (the committee drawn, a round
    /// locked, the report, the award), so that the monitoring office's archive holds that moment
    /// (docs/ledger.md). The step has already succeeded: a failed checkpoint is left to the next
    /// periodic one rather than turned into the step's failure.
    package func checkpointMilestone() async {
        _ = try? await Supervision(environment).checkpoint()
    }

    package static func digest(_ bytes: [UInt8]) -> String { Hex.encode(StreamingDigest.hash(bytes, using: .sha256)) }

    /// The criteria a round scores.
    public static func criteria(_ round: ScoringRound, _ rubric: Rubric) -> [Criterion] {
        rubric.scoredCriteria.filter { round == .technical ? $0.isTechnical : !$0.isTechnical }
    }

    /// The codes a round scores: technical — every bid not rejected by rule (above the maximum
    /// price); commercial — the bids compliance review did not reject.
    package static func codes(_ round: ScoringRound, _ context: Context, bids: [EvaluatedBid]) -> [String] {
        let maximum = context.tender.spec.maximumPrice.flatMap(ExactDecimal.price)
        let rejected = Set((context.state.compliance ?? []).filter(\.rejected).map(\.code))
        return bids.compactMap { bid -> String? in
            guard let code = context.state.codes[bid.bidId] else { return nil }
            if let maximum, bid.price > maximum { return nil }
            if round == .commercial && rejected.contains(code) { return nil }
            return code
        }.sorted()
    }
}
