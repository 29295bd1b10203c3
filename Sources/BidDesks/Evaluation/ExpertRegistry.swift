import BidCore
import BidDomain
import Foundation

/// The expert pool (专家库): supervisors add, suspend and restore experts, each change in the
/// ledger. The draw takes its snapshot here and works out who must stay out, and why.
public struct ExpertRegistry: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    /// An expert as listed to supervisors and hosts.
    public struct View: Codable, Sendable, Equatable {
        public var id: String
        public var name: String
        public var personId: String?
        public var employer: String?
        public var employerCreditCode: String?
        public var specialties: [String]
        public var region: String
        public var registeredBy: String?
        public var relations: [ExpertProfile.Relation]
        public var status: ExpertStatus
        public var statusReason: String?
    }

    package static func validate(_ profile: ExpertProfile) throws {
        func invalid(_ detail: String) -> ServiceError { .unprocessable("expert.invalid", "expert \(profile.id): \(detail)") }
        guard ExpertDraw.isExpertId(profile.id) else { throw invalid("the id must be 1…64 of A-Z a-z 0-9 . _ -") }
        guard !profile.specialties.isEmpty, profile.specialties.count <= 20, profile.specialties.allSatisfy({ !$0.isEmpty && $0.count <= 100 }),
              Set(profile.specialties).count == profile.specialties.count else {
            throw invalid("list 1…20 different specialties of 1…100 characters")
        }
        guard !profile.region.isEmpty, profile.region.count <= 32 else { throw invalid("the region is required (at most 32 characters)") }
        guard profile.relations.count <= 100 else { throw invalid("at most 100 declared relations") }
        for relation in profile.relations {
            do { _ = try UnifiedSocialCreditCode(relation.creditCode) } catch { throw invalid("relation \(relation.creditCode) is not a unified social credit code") }
            guard ExpertProfile.relationKinds.contains(relation.kind) else {
                throw invalid("a relation's kind is one of \(ExpertProfile.relationKinds.sorted().joined(separator: ", "))")
            }
        }
    }

    /// Adds an expert to the pool, or updates its profile; the party must be registered with the
    /// expert role (its certificate is how it logs in).
    @discardableResult
    public func add(_ profile: ExpertProfile, by actor: Actor) async throws -> View {
        try Self.validate(profile)
        let now = environment.clock.now()
        let entry = try LedgerEntry(actor: actor, action: "expert.add", object: "expert/\(profile.id)", json: profile)
        return try await environment.store.write { tx in
            guard let party = try tx.party(id: profile.id), party.roles.contains(.expert) else {
                throw ServiceError.unprocessable("expert.not-registered", "\(profile.id) is not a registered party with the expert role")
            }
            let previous = try tx.expert(id: profile.id)
            if let previous, previous.profile == profile { return Self.view(previous, party: party) }
            let expert = Expert(profile: profile, status: previous?.status ?? .active, statusReason: previous?.statusReason, updatedAt: now)
            try tx.saveExpert(expert)
            try tx.appendLedger(entry, at: now)
            return Self.view(expert, party: party)
        }
    }

    /// Suspends (or restores) an expert, with the reason; a suspended expert is left out of draws.
    public func setStatus(_ id: String, _ status: ExpertStatus, reason: String, by actor: Actor) async throws -> View {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else { throw ServiceError.unprocessable("expert.reason-required", "give the reason (1…2000 characters)") }
        let now = environment.clock.now()
        let entry = try LedgerEntry(actor: actor, action: status == .suspended ? "expert.suspend" : "expert.restore", object: "expert/\(id)", json: ["reason": reason])
        return try await environment.store.write { tx in
            guard var expert = try tx.expert(id: id), let party = try tx.party(id: id) else {
                throw ServiceError.notFound("expert.not-found", "there is no expert \(id) in the pool")
            }
            guard expert.status != status else {
                throw ServiceError.conflict("expert.status-unchanged", "expert \(id) is \(status.rawValue) already")
            }
            expert.status = status
            expert.statusReason = reason
            expert.updatedAt = now
            try tx.saveExpert(expert)
            try tx.appendLedger(entry, at: now)
            return Self.view(expert, party: party)
        }
    }

    public func list() async throws -> [View] {
        try await environment.store.read { tx in
            try tx.experts().compactMap { expert in try tx.party(id: expert.id).map { Self.view(expert, party: $0) } }
        }
    }

    package static func view(_ expert: Expert, party: Party) -> View {
        View(id: expert.id, name: party.name, personId: party.personId, employer: party.organization, employerCreditCode: party.employerCreditCode,
             specialties: expert.profile.specialties, region: expert.profile.region, registeredBy: expert.profile.registeredBy,
             relations: expert.profile.relations, status: expert.status, statusReason: expert.statusReason)
    }

    /// Loads `seeds/experts.json` (idempotent: unchanged experts add nothing).
    public func importPool(_ file: ExpertPoolFile, by actor: Actor) async throws -> Int {
        guard file.format == "ebid-expert-pool", file.version == 1 else {
            throw ServiceError.unprocessable("expert.pool-invalid", "an expert pool file has format ebid-expert-pool, version 1")
        }
        var added = 0
        for profile in file.experts {
            let before = try await environment.store.read { try $0.expert(id: profile.id)?.profile }
            if before == profile { continue }
            try await add(profile, by: actor)
            added += 1
        }
        return added
    }

    // MARK: The draw's view

    /// Who must stay out of a tender's draw, with every reason (RULES.md, "Evaluation": recusal;
    /// Reg. art. 46; the credit register): the tenderer's or agency's staff, anyone employed by or
    /// declaring a relation to a bidder of the tender, evaluation bans and debarments in force,
    /// supervisors and the supervising department's staff, suspended experts.
    package static func exclusions(experts: [Expert], tender: Tender, bidders: [Party], tx: any EvaluationDeskTransaction, at time: Date) throws -> [DrawExclusion] {
        let tenderer = try tx.party(id: tender.tendererParty)
        let agency = try tender.agencyParty.flatMap { try tx.party(id: $0) }
        let supervisors = try tx.parties(role: .supervisor)
        let supervisingDepartments = Set(supervisors.compactMap(\.employerCreditCode))
        var bidderCodes: [String: String] = [:]
        for bidder in bidders { if let code = bidder.creditCode { bidderCodes[code] = bidder.name } }
        var out: [DrawExclusion] = []
        for expert in experts {
            var reasons: [DrawExclusion.Reason] = []
            func add(_ code: String, _ detail: String) { reasons.append(.init(code: code, detail: detail)) }
            let party = try tx.party(id: expert.id)
            if expert.status == .suspended { add("suspended", "suspended from the pool: \(expert.statusReason ?? "")") }
            if let employer = party?.employerCreditCode {
                if employer == tenderer?.creditCode { add("tenderer-staff", "works for the tenderer \(tenderer?.name ?? employer)") }
                if let agency, employer == agency.creditCode { add("agency-staff", "works for the agency \(agency.name)") }
                if let bidder = bidderCodes[employer] { add("bidder-staff", "works for the bidder \(bidder)") }
                if supervisingDepartments.contains(employer) { add("supervisor", "works for the supervising department") }
            }
            for relation in expert.profile.relations {
                if let bidder = bidderCodes[relation.creditCode] { add("bidder-relation", "declared \(relation.kind) of the bidder \(bidder)") }
                if relation.creditCode == tenderer?.creditCode { add("tenderer-relation", "declared \(relation.kind) of the tenderer") }
                if let agency, relation.creditCode == agency.creditCode { add("agency-relation", "declared \(relation.kind) of the agency \(agency.name)") }
            }
            if bidders.contains(where: { $0.id == expert.id }) || expert.id == tender.tendererParty || expert.id == tender.agencyParty {
                add("party", "is itself a party of this tender")
            }
            if party?.roles.contains(.supervisor) == true { add("supervisor", "is a supervisor: supervisors never evaluate what they supervise") }
            if let party {
                for (kind, chain) in try CreditRegister.evaluationBars(party, tx: tx, at: time) {
                    let what = kind == .evaluationBan ? "banned from evaluation" : "debarred"
                    add(kind.rawValue, "\(what) by decision \(chain.content.input.decisionNumber) (credit record \(chain.id))")
                }
            } else {
                add("suspended", "no longer a registered party")
            }
            if !reasons.isEmpty { out.append(DrawExclusion(expert: expert.id, reasons: reasons)) }
        }
        return out
    }
}
