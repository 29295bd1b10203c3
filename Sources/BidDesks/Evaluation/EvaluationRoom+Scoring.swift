import BidCore
import BidDomain
import Foundation

/// The members' workspace: declarations, the bids under codes, commit-then-reveal per round,
/// compliance review, explanations and re-scores.
extension EvaluationRoom {
    public struct TaskView: Codable, Sendable {
        public var tenderId: String
        public var section: String
        public var title: String
        public var phase: EvaluationPhase
        public var rounds: [ScoringRound: RoundStatus]
        public var declared: DeclarationKind?
        public var committed: [ScoringRound]
        public var revealed: [ScoringRound]
        public var complianceGiven: Bool
        public var reportDigest: String?
        public var reportDeadline: Date?
        public var signed: Bool
        public var hash: HashAlgorithm
    }

    /// The tenders a member is on, with what it still has to do.
    public func tasks(for identity: Identity) async throws -> [TaskView] {
        try await store.read { tx in
            try tx.evaluations(phase: nil).filter { $0.members.contains(identity.party.id) && [.scoring, .signing].contains($0.phase) }.compactMap { state in
                guard let tender = try tx.tender(id: state.tenderId) else { return nil }
                return Self.task(state, tender: tender, member: identity.party.id)
            }
        }
    }

    package static func task(_ state: EvaluationState, tender: Tender, member: String) -> TaskView {
        TaskView(tenderId: state.tenderId, section: state.section, title: tender.spec.title, phase: state.phase, rounds: state.rounds,
                 declared: state.declarations[member], committed: ScoringRound.allCases.filter { state.committed[$0]?.contains(member) == true },
                 revealed: ScoringRound.allCases.filter { state.revealed[$0]?.contains(member) == true }, complianceGiven: state.complianceBy.contains(member),
                 reportDigest: state.reportDigest, reportDeadline: state.reportDeadline, signed: state.signatures[member] != nil, hash: state.hash)
    }

    /// A member declares no conflict of interest (回避承诺) or recuses itself, signed; a recusal
    /// draws its replacement at once.
    public func declare(tender id: String, _ statement: MemberStatement, by identity: Identity, address: String) async throws -> TaskView {
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            let (document, bytes) = try Self.verifyStatement(statement, as: DeclarationDocument.self, by: identity, tx: tx)
            try Self.checkNames(tender: document.tenderId, section: document.section, member: document.member, context, identity)
            guard document.type == "ebid-evaluation-declaration", !document.text.isEmpty, document.text.count <= 4000 else {
                throw ServiceError.unprocessable("evaluation.declaration-invalid", "a declaration names its kind and says why in 1…4000 characters")
            }
            guard context.state.phase == .scoring, context.state.declarations[identity.party.id] == nil else {
                throw ServiceError.conflict("evaluation.declared", "\(identity.party.name) has declared already")
            }
            if document.kind == .recusal && context.state.representatives.contains(identity.party.id) {
                throw ServiceError.conflict("draw.representative-recusal", "a representative who must recuse is replaced by the tenderer naming another when the draw is set up again")
            }
            let actor = identity.actor(role: .expert, address: address)
            _ = try tx.insertEvaluationEntry(tender: id, kind: .declaration, member: identity.party.id, round: document.kind.rawValue,
                                             body: try Self.stored(statement, by: identity), at: now)
            var state = context.state
            state.declarations[identity.party.id] = document.kind
            try Self.save(state, try Self.entry(actor, "evaluation.declare", context, ["kind": document.kind.rawValue, "statement": Self.digest(bytes)]), tx: tx, at: now)
            if document.kind == .recusal {
                _ = try Self.replace(identity.party.id, reason: "recused", context: Context(tender: context.tender, state: state), actor: actor, tx: tx, at: now)
            }
            let saved = try tx.evaluation(tender: id)!
            return Self.task(saved, tender: context.tender, member: identity.party.id)
        }
    }

    public struct BidsView: Codable, Sendable {
        public struct Part: Codable, Sendable {
            public var index: Int
            public var kind: String
            public var size: Int64
            /// The name shown: code, kind and position (the bidder's file name can name it).
            public var name: String
            public var leaks: [String]?
        }
        public struct Bid: Codable, Sendable {
            public var code: String
            public var parts: [Part]
            /// Once the technical scores are locked:
            public var bidder: String?
            public var creditCode: String?
            public var price: ExactDecimal?
            public var summary: BidSummary?
            public var aboveMaximumPrice: Bool?
            public var compliance: ComplianceDecision?
        }
        public var tenderId: String
        public var phase: EvaluationPhase
        public var rounds: [ScoringRound: RoundStatus]
        public var evaluation: EvaluationSpec
        public var delta: ExactDecimal?
        public var namesShown: Bool
        /// The codes each round scores.
        public var technicalCodes: [String]
        public var commercialCodes: [String]?
        public var bids: [Bid]
    }

    /// The bids as the committee sees them: under codes, technical parts only, until the technical
    /// scores are locked; then names, prices, every part and the compliance decisions.
    public func bids(tender id: String, for identity: Identity) async throws -> BidsView {
        try await store.read { tx in
            let context = try Self.context(tx, id)
            let standing = try Self.requireInside(identity, context)
            if standing == .member { try Self.requireDeclared(identity, context) }
            guard context.state.phase != .drawing else { throw ServiceError.conflict("evaluation.not-drawn", "the committee is not drawn yet") }
            let bids = try Self.evaluatedBids(tx, tender: id)
            let shown = context.state.rounds[.technical] == .locked
            let maximum = context.tender.spec.maximumPrice.flatMap(ExactDecimal.price)
            let views = bids.compactMap { bid -> BidsView.Bid? in
                guard let code = context.state.codes[bid.bidId] else { return nil }
                let parts = bid.parts.filter { shown || $0.kind == BidPartKind.technical.rawValue }.map { part in
                    BidsView.Part(index: part.position, kind: part.kind, size: part.size, name: Self.partName(code, part),
                                  leaks: context.state.leaks.first { $0.bid == bid.bidId && $0.part == part.position }?.kinds)
                }
                var view = BidsView.Bid(code: code, parts: parts)
                if shown {
                    view.bidder = bid.bidder.name
                    view.creditCode = bid.bidder.creditCode
                    view.price = bid.price
                    view.summary = bid.manifest.summary
                    view.aboveMaximumPrice = maximum.map { bid.price > $0 }
                    view.compliance = context.state.compliance?.first { $0.code == code }
                }
                return view
            }.sorted { $0.code < $1.code }
            return BidsView(tenderId: id, phase: context.state.phase, rounds: context.state.rounds, evaluation: context.spec, delta: context.state.delta,
                            namesShown: shown, technicalCodes: Self.codes(.technical, context, bids: bids),
                            commercialCodes: context.state.compliance == nil ? nil : Self.codes(.commercial, context, bids: bids), bids: views)
        }
    }

    /// Bid id → code (for views that already checked the caller).
    package func codes(tender id: String) async throws -> [String: String] {
        try await store.read { try $0.evaluation(tender: id)?.codes ?? [:] }
    }

    /// File types a part keeps in its shown name; anything else (which could carry a mark, e.g.
    /// `.acmeco`) is shown without one.
    package static let shownExtensions: Set<String> = ["pdf", "txt", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "jpg", "jpeg", "png", "tif", "tiff",
                                               "dwg", "dxf", "zip", "rar", "7z", "ofd", "xml", "json"]

    package static func partName(_ code: String, _ part: OpenedPart) -> String {
        let ext = part.name.split(separator: ".").last.map { $0.lowercased() }.flatMap { part.name.contains(".") && shownExtensions.contains($0) ? $0 : nil }
        return "\(code)-\(part.kind)-\(part.position)" + (ext.map { ".\($0)" } ?? "")
    }

    package static func requireDeclared(_ identity: Identity, _ context: Context) throws {
        guard context.state.declarations[identity.party.id] == .noConflict else {
            throw ServiceError.conflict("evaluation.declaration-missing", "sign the no-conflict declaration (回避承诺) before seeing any bid")
        }
    }

    /// The blob path and shown name of a bid part, for download: technical parts from the start,
    /// the others once names are shown.
    public func part(tender id: String, code: String, index: Int, for identity: Identity) async throws -> (path: String, name: String) {
        try await store.read { tx in
            let context = try Self.context(tx, id)
            let standing = try Self.requireInside(identity, context)
            if standing == .member { try Self.requireDeclared(identity, context) }
            guard let bidId = context.state.bid(code: code), let part = try tx.openedParts(bid: bidId).first(where: { $0.position == index }) else {
                throw ServiceError.notFound("evaluation.part-not-found", "bid \(code) has no part \(index)")
            }
            guard part.kind == BidPartKind.technical.rawValue || context.state.rounds[.technical] == .locked else {
                throw ServiceError.forbidden("evaluation.part-sealed", "commercial and qualification parts are shown once the technical scores are locked")
            }
            return (store.blobs.path(part.blob), Self.partName(code, part))
        }
    }

    // MARK: Commit and reveal

    /// A member commits to its sheet for a round: the signed hash of sheet and salt. The sheet
    /// itself stays on the member's machine until every member has committed.
    public func commit(tender id: String, _ statement: MemberStatement, by identity: Identity, address: String) async throws -> TaskView {
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            try Self.requireDeclared(identity, context)
            let (document, bytes) = try Self.verifyStatement(statement, as: CommitmentDocument.self, by: identity, tx: tx)
            try Self.checkNames(tender: document.tenderId, section: document.section, member: document.member, context, identity)
            guard document.type == "ebid-score-commitment", document.hash == context.state.hash,
                  let commitment = Hex.decode(document.commitment), commitment.count == document.hash.outputSize else {
                throw ServiceError.unprocessable("evaluation.commitment-malformed", "a commitment is the \(context.state.hash.rawValue) hash of the sheet and salt, in hex")
            }
            let round = document.round
            // A replacement drawn while the round takes reveals commits then (it has seen nothing).
            let lateReplacement = context.state.rounds[round] == .revealing && !(context.state.committed[round] ?? []).contains(identity.party.id)
            guard context.state.rounds[round] == .committing || lateReplacement else {
                throw ServiceError.conflict("evaluation.round-not-committing", "the \(round.rawValue) round is \(context.state.rounds[round]?.rawValue ?? "closed"), not taking commitments")
            }
            guard try tx.insertEvaluationEntry(tender: id, kind: .commitment, member: identity.party.id, round: round.rawValue,
                                               body: try Self.stored(statement, by: identity), at: now) else {
                throw ServiceError.conflict("evaluation.committed", "\(identity.party.name) has committed to its \(round.rawValue) scores already")
            }
            var state = context.state
            state.committed[round, default: []].append(identity.party.id)
            if state.rounds[round] == .committing, Set(state.committed[round]!).isSuperset(of: state.members),
               state.members.allSatisfy({ state.declarations[$0] == .noConflict }) {
                state.rounds[round] = .revealing
                if round == .technical { state.revealingSince = now }
            }
            try Self.save(state, try Self.entry(identity.actor(role: .expert, address: address), "evaluation.commit", context,
                                                ["round": round.rawValue, "commitment": document.commitment, "statement": Self.digest(bytes)]), tx: tx, at: now)
            return Self.task(state, tender: context.tender, member: identity.party.id)
        }
    }

    public struct RevealInput: Codable, Sendable {
        public var round: ScoringRound
        /// The sheet's exact bytes, base64.
        public var sheet: String
        /// The salt, hex.
        public var salt: String
        public init(round: ScoringRound, sheet: String, salt: String) {
            self.round = round
            self.sheet = sheet
            self.salt = salt
        }
    }

    /// A member reveals its sheet and salt once every member has committed; the server checks
    /// them against the commitment and the sheet against the rubric.
    public func reveal(tender id: String, _ input: RevealInput, by identity: Identity, address: String) async throws -> TaskView {
        guard let sheetBytes = Data(base64Encoded: input.sheet).map({ [UInt8]($0) }), sheetBytes.count <= 6 << 20,
              let salt = Hex.decode(input.salt), salt.count == ScoreCommitment.saltLength else {
            throw ServiceError.badRequest("evaluation.reveal-malformed", "sheet is base64 (at most 6 MiB), salt \(ScoreCommitment.saltLength) bytes in hex")
        }
        let now = environment.clock.now()
        let task = try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            let round = input.round
            guard context.state.rounds[round] == .revealing else {
                throw ServiceError.conflict("evaluation.round-not-revealing",
                                            "the \(round.rawValue) round is \(context.state.rounds[round]?.rawValue ?? "closed"): scores are revealed only after every member committed")
            }
            guard let body = try tx.evaluationEntry(tender: id, kind: .commitment, member: identity.party.id, round: round.rawValue),
                  let statement = try? JSONDecoder.ebid.decode(MemberStatement.self, from: Data(body)),
                  let document = statement.documentBytes.flatMap({ try? JSONDecoder.ebid.decode(CommitmentDocument.self, from: Data($0)) }),
                  let commitment = Hex.decode(document.commitment) else {
                throw ServiceError.conflict("evaluation.not-committed", "\(identity.party.name) has no commitment for the \(round.rawValue) round")
            }
            let scoreContext = ScoreCommitment.context(tender: id, section: context.tender.section, member: identity.party.id, round: round.rawValue)
            guard ScoreCommitment.opens(commitment, sheet: sheetBytes, salt: salt, context: scoreContext, hash: context.state.hash) else {
                throw ServiceError.unprocessable("evaluation.reveal-mismatch", "this sheet and salt do not match the commitment \(identity.party.name) made")
            }
            let sheet: ScoreSheet
            do { sheet = try JSONDecoder.ebid.decodeStrict(ScoreSheet.self, from: Data(sheetBytes)) } catch {
                throw ServiceError.unprocessable("evaluation.sheet-invalid", "the sheet is not a score sheet: \(describeDecodingError(error))")
            }
            try Self.checkNames(tender: sheet.tenderId, section: sheet.section, member: sheet.member, context, identity)
            guard sheet.type == "ebid-score-sheet", sheet.round == round else { throw ServiceError.unprocessable("evaluation.sheet-invalid", "the sheet is for another round") }
            try Self.checkSheet(sheet, context: context, bids: try Self.evaluatedBids(tx, tender: id))
            guard try tx.insertEvaluationEntry(tender: id, kind: .sheet, member: identity.party.id, round: round.rawValue,
                                               body: Self.sheetEntry(salt: salt, sheet: sheetBytes), at: now) else {
                throw ServiceError.conflict("evaluation.revealed", "\(identity.party.name) has revealed its \(round.rawValue) scores already")
            }
            var state = context.state
            state.revealed[round, default: []].append(identity.party.id)
            if Set(state.revealed[round]!).isSuperset(of: state.members) { state.rounds[round] = .locked }
            let actor = identity.actor(role: .expert, address: address)
            try Self.save(state, try Self.entry(actor, "evaluation.reveal", context, ["round": round.rawValue, "sheet": Self.digest(sheetBytes)]), tx: tx, at: now)
            if state.rounds[round] == .locked {
                try Self.save(state, try Self.entry(environment.platformActor, "evaluation.round-locked", context, ["round": round.rawValue]), tx: tx, at: now)
            }
            return Self.task(state, tender: context.tender, member: identity.party.id)
        }
        if task.rounds[input.round] == .locked { await checkpointMilestone() }
        return task
    }

    /// The sheet scores exactly the round's codes on exactly its criteria, within bounds (Reg. art.
    /// 49: only by the criteria in the documents).
    package static func checkSheet(_ sheet: ScoreSheet, context: Context, bids: [EvaluatedBid]) throws {
        let codes = codes(sheet.round, context, bids: bids)
        guard Set(sheet.scores.keys) == Set(codes) else {
            throw ServiceError.unprocessable("evaluation.sheet-invalid", "score exactly the bids \(codes.joined(separator: ", "))")
        }
        var rubric = context.rubric
        rubric.criteria = criteria(sheet.round, context.rubric)
        for (code, scores) in sheet.scores {
            do { try Evaluator.checkScores(scores, rubric: rubric, what: code) } catch let error as BidCoreError {
                throw ServiceError.unprocessable("evaluation.sheet-invalid", error.reason)
            }
        }
    }

    // MARK: Compliance review

    /// A member's review of every bid scored in the technical round (Reg. art. 51); when every
    /// member has given theirs, the decisions are taken (a majority rejects) and the commercial
    /// round opens.
    public func compliance(tender id: String, _ opinions: [ComplianceOpinion], by identity: Identity, address: String) async throws -> TaskView {
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            try Self.requireDeclared(identity, context)
            guard context.state.rounds[.technical] == .locked, context.state.compliance == nil else {
                throw ServiceError.conflict("evaluation.compliance-closed", "compliance review follows the technical round and closes once every member has given it")
            }
            let bids = try Self.evaluatedBids(tx, tender: id)
            let codes = Self.codes(.technical, context, bids: bids)
            guard opinions.map(\.code).sorted() == codes else { throw ServiceError.unprocessable("evaluation.compliance-invalid", "give one opinion for each of \(codes.joined(separator: ", "))") }
            for opinion in opinions where opinion.reject {
                guard let reasons = opinion.reasons, !reasons.isEmpty, reasons.allSatisfy({ !$0.isEmpty && $0.count <= 2000 }) else {
                    throw ServiceError.unprocessable("evaluation.compliance-invalid", "rejecting \(opinion.code) needs its reasons (Reg. art. 51)")
                }
            }
            let body = [UInt8](try JSONEncoder.ebid.encode(opinions))
            guard try tx.insertEvaluationEntry(tender: id, kind: .compliance, member: identity.party.id, round: "", body: body, at: now) else {
                throw ServiceError.conflict("evaluation.compliance-given", "\(identity.party.name) has given its compliance review already")
            }
            var state = context.state
            state.complianceBy.append(identity.party.id)
            try Self.save(state, try Self.entry(identity.actor(role: .expert, address: address), "evaluation.compliance", context,
                                                ["rejects": opinions.filter(\.reject).map(\.code).joined(separator: ","), "opinions": Self.digest(body)]), tx: tx, at: now)
            if Set(state.complianceBy).isSuperset(of: state.members) {
                state.compliance = try Self.decideCompliance(tx, context: Context(tender: context.tender, state: state), bids: bids)
                state.rounds[.commercial] = Self.criteria(.commercial, context.rubric).isEmpty ? .locked : .committing
                try Self.save(state, try Self.entry(environment.platformActor, "evaluation.compliance-decided", context,
                                                    ["rejected": state.compliance!.filter(\.rejected).map(\.code).joined(separator: ",")]), tx: tx, at: now)
            }
            return Self.task(state, tender: context.tender, member: identity.party.id)
        }
    }

    package static func decideCompliance(_ tx: any EvaluationDeskTransaction, context: Context, bids: [EvaluatedBid]) throws -> [ComplianceDecision] {
        let all = try tx.evaluationEntries(tender: context.tender.id, kind: .compliance, round: "").filter { context.state.members.contains($0.member) }
        var votes: [String: [(String, ComplianceOpinion)]] = [:]
        for (member, body) in all {
            for opinion in try JSONDecoder.ebid.decode([ComplianceOpinion].self, from: Data(body)) { votes[opinion.code, default: []].append((member, opinion)) }
        }
        let maximum = context.tender.spec.maximumPrice.flatMap(ExactDecimal.price)
        var decisions: [ComplianceDecision] = []
        for bid in bids {
            guard let code = context.state.codes[bid.bidId] else { continue }
            if bid.price.isZero {
                decisions.append(ComplianceDecision(code: code, rejected: true, reasons: ["a price of zero is no price (Reg. art. 51(5): below cost)"], rejectedBy: [], automatic: true))
                continue
            }
            if let maximum, bid.price > maximum {
                decisions.append(ComplianceDecision(code: code, rejected: true, reasons: ["the price \(bid.price) is above the maximum price \(maximum) (Reg. art. 51(5))"],
                                                    rejectedBy: [], automatic: true))
                continue
            }
            let rejecting = (votes[code] ?? []).filter { $0.1.reject }
            let rejected = rejecting.count * 2 > context.state.members.count
            decisions.append(ComplianceDecision(code: code, rejected: rejected, reasons: rejected ? Array(Set(rejecting.flatMap { $0.1.reasons ?? [] })).sorted() : [],
                                                rejectedBy: rejecting.map(\.0).sorted(), automatic: false))
        }
        return decisions.sorted { $0.code < $1.code }
    }
}
