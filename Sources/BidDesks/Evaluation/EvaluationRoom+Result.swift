import BidCore
import BidDomain
import Foundation

/// Publicity of the candidates (公示, Reg. art. 54), objections and answers, then the award notice
/// and result notices (Law art. 45) — after which the committee list and the draw record are public
/// (Law art. 37).
extension EvaluationRoom {
    public struct Publicity: Codable, Sendable, Equatable {
        public struct Candidate: Codable, Sendable, Equatable {
            public var rank: Int
            public var bidder: String
            public var creditCode: String?
            public var price: ExactDecimal
            public var total: ExactDecimal?
            public var evaluatedPrice: ExactDecimal?
        }
        public var type = "ebid-candidate-publicity"
        public var tenderId: String
        public var section: String
        public var title: String
        public var from: Date
        public var until: Date
        public var candidates: [Candidate]
        public var reportDigest: String
    }

    public struct Award: Codable, Sendable, Equatable {
        public struct Notice: Codable, Sendable, Equatable {
            public var party: String
            public var bidder: String
            public var creditCode: String?
            /// 中标通知书 (awarded) or 中标结果通知书 (not awarded).
            public var result: String
            public var price: ExactDecimal
        }
        public struct Member: Codable, Sendable, Equatable { public var expert: String; public var name: String }
        public var type = "ebid-award"
        public var tenderId: String
        public var section: String
        public var title: String
        public var awardedAt: Date
        public var winner: Notice
        /// Why the first candidate is not the winner, when it is not (Reg. art. 55).
        public var reason: String?
        public var notices: [Notice]
        public var committee: [Member]
        public var drawRecordDigest: String
        public var reportDigest: String
    }

    /// What the public sees of a tender's result: the publicity once published, the award and
    /// the committee with the draw record once awarded.
    public struct ResultView: Codable, Sendable {
        public var tenderId: String
        public var phase: EvaluationPhase
        public var publicity: SignedDocument.Wire?
        public var objections: [Objection]?
        public var award: SignedDocument.Wire?
        public var drawRecord: DrawRecord?
    }

    /// The host publishes the candidates for `days` (at least 3, Reg. art. 54; statutory days of
    /// the tender's profile) once the report is final.
    public func publish(tender id: String, days: Int, by identity: Identity, role: PartyRole, address: String) async throws -> SignedDocument {
        guard (3...30).contains(days) else { throw ServiceError.unprocessable("result.publicity-days", "candidates are published for 3…30 days (Reg. art. 54: at least 3)") }
        let now = environment.clock.now()
        let platform = environment.platform
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireHost(identity, context)
            guard context.state.phase == .reported else { throw ServiceError.conflict("result.report-not-final", "the candidates follow the final report") }
            let report = try Self.signedReport(tx, id).decode(Report.self)
            let candidates = report.bids.filter(\.candidate).sorted { $0.rank! < $1.rank! }.map {
                Publicity.Candidate(rank: $0.rank!, bidder: $0.bidder, creditCode: $0.creditCode, price: $0.price, total: $0.total, evaluatedPrice: $0.evaluatedPrice)
            }
            let publicity = Publicity(tenderId: id, section: context.tender.section, title: context.tender.spec.title, from: now,
                                      until: now.addingTimeInterval(TimeInterval(days) * context.tender.profile.day), candidates: candidates, reportDigest: context.state.reportDigest!)
            let signed = try platform.signDocument(publicity)
            _ = try tx.insertEvaluationEntry(tender: id, kind: .publicity, member: "", round: "", body: [UInt8](try JSONEncoder.ebid.encode(signed.wire)), at: now)
            var state = context.state
            state.phase = .publicity
            state.publicityFrom = publicity.from
            state.publicityUntil = publicity.until
            try Self.save(state, try Self.entry(identity.actor(role: role, address: address), "result.publicity", context,
                                                ["publicity": Self.digest(signed.document), "until": ISO8601DateFormatter().string(from: publicity.until)]), tx: tx, at: now)
            return signed
        }
    }

    /// A bidder of the tender objects during the publicity (Reg. art. 54).
    public func objectToResult(tender id: String, text: String, by identity: Identity, address: String) async throws -> Objection {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 8000 else { throw ServiceError.unprocessable("result.objection-invalid", "write the objection in 1…8000 characters") }
        let now = environment.clock.now()
        return try await store.write { tx in
            guard let tender = try tx.tender(id: id), tender.status.isPublic, let state = try tx.evaluation(tender: id), state.phase == .publicity else {
                throw ServiceError.conflict("result.not-in-publicity", "tender \(id) has no candidates in publicity")
            }
            guard try tx.openingBids(tender: id).contains(where: { $0.bidderParty == identity.party.id }) else {
                throw ServiceError.forbidden("result.not-a-bidder", "only the tender's bidders object to its candidates")
            }
            guard now < state.publicityUntil! else { throw ServiceError.conflict("result.publicity-ended", "the publicity ended at \(state.publicityUntil!)") }
            guard state.resultObjections.filter({ $0.party == identity.party.id }).count < 3 else {
                throw ServiceError.conflict("result.objections-limit", "a bidder raises at most 3 objections to the candidates; put everything in them")
            }
            var updated = state
            let objection = Objection(number: state.resultObjections.count + 1, party: identity.party.id, text: text, raisedAt: now)
            updated.resultObjections.append(objection)
            try Self.save(updated, try LedgerEntry(actor: identity.actor(role: .bidder, address: address), action: "result.object", object: "evaluation/\(id)",
                                                   tenderId: id, json: ["number": objection.number.description, "text": text]), tx: tx, at: now)
            return objection
        }
    }

    /// The host answers an objection (within 3 days; the award waits until then, Reg. art. 54).
    public func answerResultObjection(tender id: String, number: Int, text: String, by identity: Identity, role: PartyRole, address: String) async throws -> Objection {
        let text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 8000 else { throw ServiceError.unprocessable("result.answer-invalid", "write the answer in 1…8000 characters") }
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireHost(identity, context)
            var state = context.state
            guard let index = state.resultObjections.firstIndex(where: { $0.number == number }) else {
                throw ServiceError.notFound("result.objection-not-found", "there is no objection \(number)")
            }
            guard state.resultObjections[index].answer == nil else { throw ServiceError.conflict("result.objection-answered", "objection \(number) is answered") }
            state.resultObjections[index].answer = text
            state.resultObjections[index].answeredBy = identity.party.id
            state.resultObjections[index].answeredAt = now
            try Self.save(state, try Self.entry(identity.actor(role: role, address: address), "result.answer", context, ["number": number.description, "text": text]), tx: tx, at: now)
            return state.resultObjections[index]
        }
    }

    /// The host awards after the publicity, every objection answered: the first candidate unless
    /// `winnerRank` names another, with the reason (Reg. art. 55).
    public func award(tender id: String, winnerRank: Int?, reason: String?, by identity: Identity, role: PartyRole, address: String) async throws -> SignedDocument {
        let now = environment.clock.now()
        let platform = environment.platform
        let awarded = try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireHost(identity, context)
            guard context.state.phase == .publicity else { throw ServiceError.conflict("result.not-in-publicity", "the award follows the candidates' publicity") }
            guard now >= context.state.publicityUntil! else { throw ServiceError.conflict("result.publicity-running", "the publicity runs until \(context.state.publicityUntil!)") }
            let open = context.state.resultObjections.filter { $0.answer == nil }
            guard open.isEmpty else { throw ServiceError.conflict("result.objections-open", "answer objection(s) \(open.map { String($0.number) }.joined(separator: ", ")) first (Reg. art. 54)") }
            let report = try Self.signedReport(tx, id).decode(Report.self)
            let ranked = report.bids.filter(\.candidate).sorted { $0.rank! < $1.rank! }
            let rank = winnerRank ?? 1
            guard let winner = ranked.first(where: { $0.rank == rank }) else { throw ServiceError.unprocessable("result.no-such-candidate", "there is no candidate ranked \(rank)") }
            if rank != 1 {
                guard let reason, !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                    throw ServiceError.unprocessable("result.reason-required", "awarding another than the first candidate needs the reason (Reg. art. 55: gave up, cannot perform, broke the rules)")
                }
            }
            let bids = try Self.evaluatedBids(tx, tender: id)
            func notice(_ line: Report.BidLine, _ result: String) -> Award.Notice {
                Award.Notice(party: bids.first { $0.bidId == line.bidId }?.bidder.id ?? "", bidder: line.bidder, creditCode: line.creditCode, result: result, price: line.price)
            }
            let award = Award(tenderId: id, section: context.tender.section, title: context.tender.spec.title, awardedAt: now, winner: notice(winner, "awarded"),
                              reason: rank == 1 ? nil : reason, notices: report.bids.filter { $0.bidId != winner.bidId }.map { notice($0, "not-awarded") },
                              committee: report.committee.map { Award.Member(expert: $0.expert, name: $0.name) }, drawRecordDigest: context.state.drawDigest ?? "",
                              reportDigest: context.state.reportDigest!)
            let signed = try platform.signDocument(award)
            _ = try tx.insertEvaluationEntry(tender: id, kind: .award, member: "", round: "", body: [UInt8](try JSONEncoder.ebid.encode(signed.wire)), at: now)
            var state = context.state
            state.phase = .awarded
            state.awardedAt = now
            state.winner = winner.bidId
            try Self.save(state, try Self.entry(identity.actor(role: role, address: address), "result.award", context,
                                                ["award": Self.digest(signed.document), "winner": award.winner.party]), tx: tx, at: now)
            return signed
        }
        await checkpointMilestone()
        return awarded
    }

    /// The public result (anyone): nothing before the publicity; the committee and the draw only after the award.
    public func result(tender id: String) async throws -> ResultView {
        try await store.read { tx in
            guard let tender = try tx.tender(id: id), tender.status.isPublic, let state = try tx.evaluation(tender: id), [.publicity, .awarded].contains(state.phase) else {
                throw ServiceError.notFound("result.not-published", "tender \(id) has no published result")
            }
            func wire(_ kind: EvaluationEntryKind) throws -> SignedDocument.Wire? {
                try tx.evaluationEntry(tender: id, kind: kind, member: "", round: "").map { try JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data($0)) }
            }
            let awarded = state.phase == .awarded
            // Objections are shown without who raised them.
            let objections = state.resultObjections.map(\.published)
            return ResultView(tenderId: id, phase: state.phase, publicity: try wire(.publicity), objections: objections, award: awarded ? try wire(.award) : nil,
                              drawRecord: awarded ? try Self.drawRecord(tx, id) : nil)
        }
    }

    // MARK: Leads

    public struct LeadInput: Codable, Sendable {
        public var expert: String
        /// What happened: a score far off without reason, a leak, a failure to recuse…
        public var summary: String
        public var evidence: String
    }

    /// The host or a supervisor refers a member to the credit register as a lead (Reg. art. 71).
    public func referExpert(tender id: String, _ input: LeadInput, by identity: Identity, role: PartyRole, address: String) async throws -> CreditLead {
        guard !input.summary.isEmpty, input.summary.count <= 500, input.evidence.count <= 8000 else {
            throw ServiceError.unprocessable("evaluation.lead-invalid", "a lead has a summary of 1…500 characters and evidence of at most 8000")
        }
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            let standing = try Self.requireInside(identity, context)
            guard standing == .host || standing == .supervisor else { throw ServiceError.forbidden("evaluation.lead-forbidden", "the host or a supervisor refers an expert") }
            guard context.state.picks.contains(where: { $0.expert == input.expert }), let party = try tx.party(id: input.expert) else {
                throw ServiceError.notFound("evaluation.not-a-member", "\(input.expert) was not drawn for tender \(id)")
            }
            let event = try tx.appendLedger(try Self.entry(identity.actor(role: role, address: address), "evaluation.refer", context,
                                                           ["expert": input.expert, "summary": input.summary]), at: now)
            return try CreditRegister.raiseLead(.expertMisconduct, about: party, tender: id, summary: input.summary, evidence: ["evidence": input.evidence], event: event, tx: tx)
        }
    }
}
