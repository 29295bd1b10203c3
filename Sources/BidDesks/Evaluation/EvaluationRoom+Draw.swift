import BidCore
import BidDomain
import Foundation

/// The verifiable draw (抽取专家, Reg. art. 46; docs/evaluation.md, "The verifiable draw"): the
/// host starts it after the opening, fixing the pool snapshot and the exclusions; the host and at
/// least one supervisor commit to secret values, then reveal them; the last reveal draws the
/// committee, δ and the bids' codes.
extension EvaluationRoom {
    public struct DrawView: Codable, Sendable {
        public struct Contribution: Codable, Sendable {
            public var party: String
            public var role: String
            public var committed: Bool
            public var revealed: Bool
        }
        public var tenderId: String
        public var phase: EvaluationPhase
        public var poolSize: Int
        public var excluded: Int
        public var poolDigest: String
        public var exclusionsDigest: String
        public var contributions: [Contribution]
        /// The full record (committee included): host and supervisors only, until the award.
        public var record: DrawRecord?
    }

    /// Starts the draw: the opening must be complete and the tender must define its committee.
    public func startDraw(tender id: String, representatives: [String] = [], by identity: Identity, role: PartyRole, address: String) async throws -> DrawView {
        let now = environment.clock.now()
        let actor = identity.actor(role: role, address: address)
        // The identity-leak scan reads the technical parts: before the write, outside it.
        let (tender, bids) = try await store.read { tx -> (Tender, [EvaluatedBid]) in
            guard let tender = try tx.tender(id: id), tender.status.isPublic else { throw ServiceError.notFound("tender.not-found", "there is no published tender \(id)") }
            guard tender.isManaged(by: identity) else { throw ServiceError.forbidden("evaluation.host-only", "only the host of tender \(id) may start its draw") }
            return (tender, try Self.evaluatedBids(tx, tender: id))
        }
        guard let committee = tender.spec.evaluation.committee else {
            throw ServiceError.unprocessable("draw.no-committee", "tender \(id) does not define its committee (evaluation.committee)")
        }
        guard try await store.read({ try $0.evaluation(tender: id) }) == nil else { throw ServiceError.conflict("draw.started", "the draw of tender \(id) has started already") }
        let leaks = try IdentityScan.scan(bids, blobs: store.blobs)
        return try await store.write { tx in
            guard try tx.evaluation(tender: id) == nil else { throw ServiceError.conflict("draw.started", "the draw of tender \(id) has started already") }
            guard tender.status == .opened, let record = try tx.openingRecord(tender: id) else {
                throw ServiceError.conflict("draw.not-opened", "the draw follows the signed opening record; tender \(id) is \(tender.status.rawValue)")
            }
            guard bids.count >= 1 else { throw ServiceError.conflict("draw.no-bids", "no bid of tender \(id) opened: there is nothing to evaluate") }
            guard representatives.count == committee.representatives, Set(representatives).count == representatives.count else {
                throw ServiceError.unprocessable("draw.representatives", "the committee seats \(committee.representatives) tenderer's representative(s): name exactly that many, once each")
            }
            let spec = tender.spec.evaluation
            let experts = try tx.experts()
            let bidders = bids.map(\.bidder)
            // The representatives: the tenderer's own staff with the expert role (they log in to
            // evaluate), never a supervisor, never barred from evaluation.
            let tendererCode = try tx.party(id: tender.tendererParty)?.creditCode
            for representative in representatives {
                guard let party = try tx.party(id: representative), party.roles.contains(.expert), !party.roles.contains(.supervisor),
                      party.employerCreditCode != nil, party.employerCreditCode == tendererCode else {
                    throw ServiceError.unprocessable("draw.representatives", "\(representative) is not a registered expert-role member of the tenderer's staff")
                }
                if let bar = try CreditRegister.evaluationBars(party, tx: tx, at: now).first {
                    throw bar.chain.refusal("draw.representative-banned")
                }
            }
            var excluded = try ExpertRegistry.exclusions(experts: experts, tender: tender, bidders: bidders, tx: tx, at: now)
            for representative in representatives where experts.contains(where: { $0.id == representative }) {
                if let index = excluded.firstIndex(where: { $0.expert == representative }) {
                    excluded[index].reasons.append(.init(code: "representative", detail: "sits as the tenderer's representative"))
                } else {
                    excluded.append(DrawExclusion(expert: representative, reasons: [.init(code: "representative", detail: "sits as the tenderer's representative")]))
                }
            }
            // A seat the pool can barely fill is a seat someone chose: at least three eligible
            // experts per place, or the draw is refused.
            let out = Set(excluded.map(\.expert))
            let eligible = experts.filter { !out.contains($0.id) }
            for (index, seat) in committee.seats.enumerated() {
                let candidates = eligible.filter { $0.profile.specialties.contains(seat.specialty) && (seat.origin == .anyRegion || $0.profile.region != committee.region) }.count
                guard candidates >= 3 * seat.count else {
                    throw ServiceError.unprocessable("draw.pool-too-small",
                                                     "seat \(index + 1) (\(seat.specialty)\(seat.origin == .otherRegions ? ", other regions" : "")) has \(candidates) eligible experts for \(seat.count) place(s): at least \(3 * seat.count) are needed for a random draw")
                }
            }
            let hash: HashAlgorithm = tender.spec.acceptedSuites.first == .gm ? .sm3 : .sha256
            var deltaSet: [ExactDecimal]?
            if case .benchmark(let formula) = spec.rubric.price, case .drawn(let set) = formula.delta { deltaSet = set }
            var draw = DrawRecord(hash: hash, tenderId: id, section: tender.section, openingRecordDigest: Self.digest(record.document),
                                  committee: committee, pool: experts.map { PoolExpert(id: $0.id, specialties: $0.profile.specialties, region: $0.profile.region) },
                                  excluded: excluded, contributions: [], deltaSet: deltaSet)
            draw.representatives = representatives.isEmpty ? nil : representatives
            var state = EvaluationState(tenderId: id, section: tender.section, phase: .drawing, hash: hash, startedBy: identity.party.id, startedAt: now)
            state.representatives = representatives
            state.leaks = leaks
            let body = [UInt8](try JSONEncoder.ebid.encode(draw))
            state.drawDigest = Self.digest(body)
            _ = try tx.insertEvaluationEntry(tender: id, kind: .drawRecord, member: "", round: "", body: body, at: now)
            let context = Context(tender: tender, state: state)
            try Self.save(state, try Self.entry(actor, "draw.start", context, Self.startPayload(draw)), tx: tx, at: now)
            return Self.drawView(draw, state: state, full: true)
        }
    }

    /// The draw as its contributors follow it; the record with the committee only for the host and supervisors.
    public func draw(tender id: String, for identity: Identity) async throws -> DrawView {
        try await store.read { tx in
            let context = try Self.context(tx, id)
            let standing = try Self.requireInside(identity, context)
            guard standing != .member else { throw ServiceError.forbidden("draw.hosts-only", "the draw record is for the host and supervisors until the result") }
            return Self.drawView(try Self.drawRecord(tx, id), state: context.state, full: true)
        }
    }

    /// A contributor commits to its secret value (hex of H(…), `DrawCommitment`); before any reveal.
    public func commitDraw(tender id: String, commitment: String, by identity: Identity, role: PartyRole, address: String) async throws -> DrawView {
        guard let bytes = Hex.decode(commitment), bytes.count == 32 else {
            throw ServiceError.badRequest("draw.commitment-malformed", "the commitment is 32 bytes in hex")
        }
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            let standing = try Self.requireInside(identity, context)
            guard standing == .host || standing == .supervisor else { throw ServiceError.forbidden("draw.contributors-only", "the host and supervisors contribute to the draw") }
            guard context.state.phase == .drawing else { throw ServiceError.conflict("draw.done", "the committee of tender \(id) is drawn") }
            var record = try Self.drawRecord(tx, id)
            guard !record.contributions.contains(where: { $0.value != nil }) else {
                throw ServiceError.conflict("draw.revealing", "values are being revealed: no more commitments")
            }
            guard !record.contributions.contains(where: { $0.party == identity.party.id }) else {
                throw ServiceError.conflict("draw.committed", "\(identity.party.name) has committed already")
            }
            record.contributions.append(.init(party: identity.party.id, role: standing == .host ? "host" : "supervisor", commitment: Hex.encode(bytes)))
            var state = context.state
            try Self.saveRecord(record, &state, tx: tx, at: now)
            try Self.save(state, try Self.entry(identity.actor(role: role, address: address), "draw.commit", context, ["commitment": Hex.encode(bytes)]), tx: tx, at: now)
            return Self.drawView(record, state: state, full: true)
        }
    }

    /// A contributor reveals its value; the last reveal draws the committee.
    public func revealDraw(tender id: String, value: String, by identity: Identity, role: PartyRole, address: String) async throws -> DrawView {
        guard let bytes = Hex.decode(value), bytes.count == DrawCommitment.valueLength else {
            throw ServiceError.badRequest("draw.value-malformed", "the value is \(DrawCommitment.valueLength) bytes in hex")
        }
        let now = environment.clock.now()
        let view = try await store.write { tx in
            let context = try Self.context(tx, id)
            _ = try Self.requireInside(identity, context)
            guard context.state.phase == .drawing else { throw ServiceError.conflict("draw.done", "the committee of tender \(id) is drawn") }
            var record = try Self.drawRecord(tx, id)
            guard let index = record.contributions.firstIndex(where: { $0.party == identity.party.id }) else {
                throw ServiceError.forbidden("draw.not-contributor", "\(identity.party.name) has not committed to this draw")
            }
            guard record.contributions.contains(where: { $0.role == "host" }), record.contributions.contains(where: { $0.role == "supervisor" }) else {
                throw ServiceError.conflict("draw.commitments-missing", "the host and at least one supervisor commit before anyone reveals")
            }
            guard record.contributions[index].value == nil else { throw ServiceError.conflict("draw.revealed", "\(identity.party.name) has revealed already") }
            let expected = Hex.encode(DrawCommitment.commitment(value: bytes, party: identity.party.id, context: record.context, hash: record.hash))
            guard expected == record.contributions[index].commitment else {
                throw ServiceError.unprocessable("draw.value-mismatch", "this value does not match \(identity.party.name)'s commitment")
            }
            record.contributions[index].value = Hex.encode(bytes)
            var state = context.state
            let actor = identity.actor(role: role, address: address)
            if record.contributions.allSatisfy({ $0.value != nil }) {
                do { try record.run() } catch let error as BidCoreError {
                    throw ServiceError.unprocessable(error.code.rawValue, "\(error.reason); add experts to the pool or change the committee")
                }
                state.picks = record.picks
                state.seed = record.seed
                state.delta = record.delta
                state.phase = .scoring
                // The codes come from a fresh key nobody outside the service sees before the
                // technical scores are locked (the host knows the seed and the bid ids; it must not
                // be able to tell the members which code is whose).
                let codeKey = SecureRandom.bytes(32)
                state.codeKey = Hex.encode(codeKey)
                state.codes = Self.assignCodes(try Self.evaluatedBids(tx, tender: id).map(\.bidId), key: codeKey, hash: record.hash)
                state.rounds = [.technical: Self.criteria(.technical, context.rubric).isEmpty ? .locked : .committing, .commercial: .waiting]
                try Self.saveRecord(record, &state, tx: tx, at: now)
                try Self.save(state, try Self.entry(actor, "draw.reveal", context, ["value": Hex.encode(bytes)]), tx: tx, at: now)
                // The ledger names no member: the record's digest is enough to hold it fixed.
                try Self.save(state, try Self.entry(environment.platformActor, "draw.complete", context,
                                                    ["seed": record.seed!, "record": state.drawDigest!, "delta": record.delta?.description ?? ""]), tx: tx, at: now)
            } else {
                try Self.saveRecord(record, &state, tx: tx, at: now)
                try Self.save(state, try Self.entry(actor, "draw.reveal", context, ["value": Hex.encode(bytes)]), tx: tx, at: now)
            }
            return Self.drawView(record, state: state, full: true)
        }
        if view.phase == .scoring { await checkpointMilestone() }
        return view
    }

    /// Draws a replacement for a member who declined, did not arrive or cannot be reached (the
    /// host), or who recused (its declaration does this). Only before the technical reveals: a
    /// replaced member's scores are void (RULES.md), and nobody may join after seeing scores.
    public func replaceMember(tender id: String, expert: String, reason: String, by identity: Identity, role: PartyRole, address: String) async throws -> DrawPick {
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireHost(identity, context)
            guard reason != "recused" else { throw ServiceError.unprocessable("draw.recusal-by-member", "a member recuses itself with its signed declaration") }
            return try Self.replace(expert, reason: reason, context: context, actor: identity.actor(role: role, address: address), tx: tx, at: now)
        }
    }

    package static func replace(_ expert: String, reason: String, context: Context, actor: Actor, tx: any EvaluationDeskTransaction, at now: Date) throws -> DrawPick {
        let technical = context.state.rounds[.technical]
        guard context.state.phase == .scoring, technical == .committing || technical == .revealing else {
            throw ServiceError.conflict("draw.replacement-closed", "members are replaced only before the technical scores are locked")
        }
        // The host replaces only members who have not declared (a declared member recuses itself
        // or stays) — except one who, every other member having committed, has not revealed its
        // technical scores within the grace period (the round would wait for it for ever); and at
        // most as many as the committee has seats: no re-rolling until a favourite comes up. Nobody
        // sees a score before the round is locked, so a replacement learns nothing by coming late.
        if reason != "recused" && context.state.declarations[expert] != nil {
            let grace: TimeInterval = context.tender.profile == .demo ? 60 : 3600
            guard ["absent", "unreachable"].contains(reason), technical == .revealing, !(context.state.revealed[.technical] ?? []).contains(expert),
                  let since = context.state.revealingSince, now >= since.addingTimeInterval(grace) else {
                throw ServiceError.conflict("draw.member-declared",
                                            "\(expert) has declared: it recuses itself with a signed declaration, or stays — unless it has not revealed its technical scores \(Int(grace / 60)) minutes after every member committed")
            }
        }
        var record = try drawRecord(tx, context.tender.id)
        guard record.picks.count - record.committee.drawnSeats < record.committee.drawnSeats else {
            throw ServiceError.conflict("draw.replacements-exhausted", "\(record.committee.drawnSeats) replacements have been drawn already: set the draw up again with the supervisors")
        }
        let pick: DrawPick
        do { pick = try record.replace(expert, reason: reason) } catch let error as BidCoreError {
            throw ServiceError.unprocessable(error.code.rawValue, error.reason)
        }
        var state = context.state
        state.picks = record.picks
        state.declarations[expert] = nil
        state.committed[.technical]?.removeAll { $0 == expert }
        state.revealed[.technical]?.removeAll { $0 == expert }
        try saveRecord(record, &state, tx: tx, at: now)
        let event = try save(state, try entry(actor, "draw.replace", context, ["reason": reason, "record": state.drawDigest!]), tx: tx, at: now)
        if reason == "absent", let party = try tx.party(id: expert) {
            // Not arriving without a lawful reason may call for a record (Reg. art. 46).
            try CreditRegister.raiseLead(.expertWithdrawal, about: party, tender: context.tender.id, summary: "drawn for tender \(context.tender.id) and did not arrive",
                                         evidence: ["reason": reason], event: event, tx: tx)
        }
        return pick
    }

    // MARK: Helpers

    /// What `draw.start` records: everything fixed before any value is committed.
    package struct StartPayload: Encodable {
        package var poolDigest: String
        package var exclusionsDigest: String
        package var pool: Int
        package var excluded: Int
        package var openingRecordDigest: String
        package var representatives: [String]?
    }

    package static func startPayload(_ record: DrawRecord) -> StartPayload {
        StartPayload(poolDigest: record.poolDigest, exclusionsDigest: record.exclusionsDigest, pool: record.pool.count, excluded: record.excluded.count,
                     openingRecordDigest: record.openingRecordDigest, representatives: record.representatives)
    }

    package static func drawRecord(_ tx: any EvaluationDeskTransaction, _ id: String) throws -> DrawRecord {
        guard let body = try tx.evaluationEntry(tender: id, kind: .drawRecord, member: "", round: "") else { throw notFound(id) }
        return try JSONDecoder.ebid.decode(DrawRecord.self, from: Data(body))
    }

    package static func saveRecord(_ record: DrawRecord, _ state: inout EvaluationState, tx: any EvaluationDeskTransaction, at time: Date) throws {
        let body = [UInt8](try JSONEncoder.ebid.encode(record))
        state.drawDigest = digest(body)
        try tx.replaceEvaluationEntry(tender: record.tenderId, kind: .drawRecord, member: "", round: "", body: body, at: time)
    }

    /// Codes T01, T02… in the order of H(frame("ebid/evaluation/code/v1") ‖ frame(code key) ‖ frame(bid id)).
    package static func assignCodes(_ bids: [String], key: [UInt8], hash: HashAlgorithm) -> [String: String] {
        let ordered = bids.map { bid in
            (bid, StreamingDigest.hash(DrawFraming.frame("ebid/evaluation/code/v1") + DrawFraming.frame(key) + DrawFraming.frame(bid), using: hash))
        }.sorted { $0.1.lexicographicallyPrecedes($1.1) }
        var codes: [String: String] = [:]
        for (index, (bid, _)) in ordered.enumerated() { codes[bid] = String(format: "T%02d", index + 1) }
        return codes
    }

    package static func drawView(_ record: DrawRecord, state: EvaluationState, full: Bool) -> DrawView {
        DrawView(tenderId: record.tenderId, phase: state.phase, poolSize: record.pool.count, excluded: record.excluded.count, poolDigest: record.poolDigest,
                 exclusionsDigest: record.exclusionsDigest,
                 contributions: record.contributions.map { .init(party: $0.party, role: $0.role, committed: true, revealed: $0.value != nil) },
                 record: full ? record : nil)
    }
}
