import BidCore
import BidDomain
import Foundation

/// Revealed scores, deviation explanations, reasoned re-scores, and the signed report (Reg. art. 53).
extension EvaluationRoom {
    /// Every member's revealed scores for a round, re-scores applied: member → code → criterion → score.
    package static func sheets(_ tx: any EvaluationDeskTransaction, _ context: Context, round: ScoringRound) throws -> [String: [String: [String: ExactDecimal]]] {
        var sheets: [String: [String: [String: ExactDecimal]]] = [:]
        for (member, body) in try tx.evaluationEntries(tender: context.tender.id, kind: .sheet, round: round.rawValue) where context.state.members.contains(member) {
            sheets[member] = try JSONDecoder.ebid.decode(ScoreSheet.self, from: Data(splitSheetEntry(body).sheet)).scores
        }
        for rescore in context.state.rescores where rescore.round == round { sheets[rescore.member]?[rescore.code]?[rescore.criterion] = rescore.to }
        return sheets
    }

    /// Deviation flags of the locked rounds (RULES.md: ±deviationPercent from the others' mean).
    package static func flags(_ tx: any EvaluationDeskTransaction, _ context: Context) throws -> [(ScoringRound, DeviationFlag)] {
        try ScoringRound.allCases.filter { context.state.rounds[$0] == .locked }.flatMap { round in
            DeviationCheck.flags(try sheets(tx, context, round: round), rubric: context.rubric).map { (round, $0) }
        }
    }

    public struct ScoresView: Codable, Sendable {
        public struct Round: Codable, Sendable {
            public var round: ScoringRound
            public var status: RoundStatus
            public var committed: Int
            public var revealed: Int
            /// Once locked: member → code → criterion → score.
            public var sheets: [String: [String: [String: ExactDecimal]]]?
            public var flags: [DeviationFlag]?
        }
        public var tenderId: String
        public var members: Int
        public var rounds: [Round]
        public var explanations: [DeviationExplanation]
        public var rescores: [Rescore]
    }

    /// Revealed scores, for the committee, the host and supervisors — only of locked rounds: before
    /// every member revealed, nobody sees anyone's scores.
    public func scores(tender id: String, for identity: Identity) async throws -> ScoresView {
        try await store.read { tx in
            let context = try Self.context(tx, id)
            let standing = try Self.requireInside(identity, context)
            // A member sees the others as #1, #2… (by seat): the list stays with the host and
            // supervisors until the report the members sign together
            // (labels #1, #2… cannot be an expert id). Until every round is locked a member sees
            // only its own sheets and flags: nobody scores a round knowing another's scores.
            let member = standing == .member
            let label: (String) -> String = { id in
                guard member, id != identity.party.id else { return id }
                return "#\((context.state.members.firstIndex(of: id) ?? -1) + 1)"
            }
            let allLocked = context.state.rounds.values.allSatisfy { $0 == .locked }
            let rounds = try ScoringRound.allCases.map { round -> ScoresView.Round in
                let status = context.state.rounds[round] ?? .waiting
                var sheets = status == .locked ? try Self.sheets(tx, context, round: round) : nil
                let flagsAll = sheets.map { DeviationCheck.flags($0, rubric: context.rubric) }
                if member && !allLocked { sheets = sheets?.filter { $0.key == identity.party.id } }
                let flags = member && !allLocked ? flagsAll?.filter { $0.member == identity.party.id } : flagsAll
                return ScoresView.Round(round: round, status: status, committed: context.state.committed[round]?.count ?? 0,
                                        revealed: context.state.revealed[round]?.count ?? 0,
                                        sheets: sheets.map { Dictionary(uniqueKeysWithValues: $0.map { (label($0.key), $0.value) }) },
                                        flags: flags?.map { flag in var shown = flag; shown.member = label(flag.member); return shown })
            }
            return ScoresView(tenderId: id, members: context.state.members.count, rounds: rounds,
                              explanations: context.state.explanations.map { var shown = $0; shown.member = label($0.member); return shown },
                              rescores: context.state.rescores.map { var shown = $0; shown.member = label($0.member); return shown })
        }
    }

    public struct ExplanationInput: Codable, Sendable {
        public var round: ScoringRound
        public var code: String
        public var criterion: String
        public var text: String
        public init(round: ScoringRound, code: String, criterion: String, text: String) {
            self.round = round
            self.code = code
            self.criterion = criterion
            self.text = text
        }
    }

    /// A member explains one of its flagged scores in writing.
    public func explain(tender id: String, _ input: ExplanationInput, by identity: Identity, address: String) async throws -> ScoresView.Round {
        let now = environment.clock.now()
        let text = input.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 4000 else { throw ServiceError.unprocessable("evaluation.explanation-invalid", "write the explanation in 1…4000 characters") }
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            guard context.state.phase == .scoring else { throw ServiceError.conflict("evaluation.report-generated", "the report is generated: scores are final") }
            guard try Self.flags(tx, context).contains(where: { $0.0 == input.round && $0.1.member == identity.party.id && $0.1.bid == input.code && $0.1.criterion == input.criterion }) else {
                throw ServiceError.unprocessable("evaluation.not-flagged", "your \(input.criterion) score of \(input.code) in the \(input.round.rawValue) round is not flagged")
            }
            var state = context.state
            state.explanations.removeAll { $0.member == identity.party.id && $0.round == input.round && $0.code == input.code && $0.criterion == input.criterion }
            state.explanations.append(DeviationExplanation(member: identity.party.id, round: input.round, code: input.code, criterion: input.criterion, text: text, at: now))
            try Self.save(state, try Self.entry(identity.actor(role: .expert, address: address), "evaluation.explain", context,
                                                ["round": input.round.rawValue, "code": input.code, "criterion": input.criterion, "text": text]), tx: tx, at: now)
            return ScoresView.Round(round: input.round, status: .locked, committed: 0, revealed: 0, sheets: nil,
                                    flags: try Self.flags(tx, Context(tender: context.tender, state: state))
                                        .filter { $0.0 == input.round && $0.1.member == identity.party.id }.map(\.1))
        }
    }

    public struct RescoreInput: Codable, Sendable {
        public var round: ScoringRound
        public var code: String
        public var criterion: String
        public var score: ExactDecimal
        public var reason: String
        public init(round: ScoringRound, code: String, criterion: String, score: ExactDecimal, reason: String) {
            self.round = round
            self.code = code
            self.criterion = criterion
            self.score = score
            self.reason = reason
        }
    }

    /// A member changes one of its revealed scores, with the reason — recorded, never silent.
    public func rescore(tender id: String, _ input: RescoreInput, by identity: Identity, address: String) async throws -> Rescore {
        let now = environment.clock.now()
        let reason = input.reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 4000 else { throw ServiceError.unprocessable("evaluation.rescore-invalid", "a re-score needs its reason (1…4000 characters)") }
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            guard context.state.phase == .scoring, context.state.rounds[input.round] == .locked else {
                throw ServiceError.conflict("evaluation.rescore-closed", "re-scores are for locked rounds, before the report")
            }
            guard let before = try Self.sheets(tx, context, round: input.round)[identity.party.id]?[input.code]?[input.criterion],
                  let criterion = context.rubric.criteria.first(where: { $0.id == input.criterion }) else {
                throw ServiceError.notFound("evaluation.score-not-found", "you have no \(input.criterion) score of \(input.code) in the \(input.round.rawValue) round")
            }
            do { try Evaluator.checkScores([criterion.id: input.score], rubric: Rubric(places: context.rubric.places, criteria: [criterion], price: nil), what: input.code) }
            catch let error as BidCoreError { throw ServiceError.unprocessable("evaluation.rescore-invalid", error.reason) }
            guard before != input.score else { throw ServiceError.conflict("evaluation.rescore-unchanged", "the score is \(before) already") }
            // Only a flagged score, and only into the range of the others: a re-score corrects an
            // outlier, it does not move a bid once names and everyone's scores are known.
            func flagged(_ state: EvaluationState) throws -> Bool {
                try Self.flags(tx, Context(tender: context.tender, state: state)).contains {
                    $0.0 == input.round && $0.1.member == identity.party.id && $0.1.bid == input.code && $0.1.criterion == input.criterion
                }
            }
            guard try flagged(context.state) else {
                throw ServiceError.conflict("evaluation.rescore-not-flagged", "only a score flagged as far from the others' mean may be re-scored; explain it or let it stand")
            }
            let rescore = Rescore(member: identity.party.id, round: input.round, code: input.code, criterion: input.criterion, from: before, to: input.score, reason: reason, at: now)
            var state = context.state
            state.rescores.append(rescore)
            guard try !flagged(state) else {
                throw ServiceError.unprocessable("evaluation.rescore-still-flagged", "\(input.score) is still more than \(context.rubric.deviationPercent) % from the others' mean")
            }
            try Self.save(state, try Self.entry(identity.actor(role: .expert, address: address), "evaluation.rescore", context, rescore), tx: tx, at: now)
            return rescore
        }
    }

    // MARK: The report

    /// The report (评标报告, Reg. art. 53) as signed by the platform and then by each member.
    public struct Report: Codable, Sendable, Equatable {
        public struct Member: Codable, Sendable, Equatable {
            public var expert: String
            public var name: String
            /// The drawn seat (index into the committee's seats); nil for the tenderer's representatives.
            public var seat: Int?
        }
        public struct BidLine: Codable, Sendable, Equatable {
            public var code: String
            public var bidId: String
            public var bidder: String
            public var creditCode: String?
            public var price: ExactDecimal
            public var rejected: Bool
            public var rejectionReasons: [String]
            public var criteria: [String: ExactDecimal]
            public var total: ExactDecimal?
            public var evaluatedPrice: ExactDecimal?
            public var rank: Int?
            public var candidate: Bool
            public var cleaning: CleaningReport?
        }
        public var type = "ebid-evaluation-report"
        public var version = 1
        public var tenderId: String
        public var section: String
        public var method: EvaluationMethod
        public var generatedAt: Date
        public var signingDeadline: Date
        public var drawRecordDigest: String
        public var seed: String
        /// The key the bids' codes were made with (docs/evaluation.md): anyone can check the codes now.
        public var codeKey: String
        public var committee: [Member]
        public var delta: ExactDecimal?
        public var price: PriceFigures?
        public var bids: [BidLine]
        public var ranking: [String]
        public var candidates: [String]
        /// round → member → code → criterion → score, re-scores applied.
        public var scores: [ScoringRound: [String: [String: [String: ExactDecimal]]]]
        public var rescores: [Rescore]
        public var compliance: [ComplianceDecision]
        public var deviations: [DeviationExplanation]
        public var identityLeaks: [IdentityLeak]
        public var collusionSignals: [CollusionSignal]
    }

    public struct PriceFigures: Codable, Sendable, Equatable {
        public var lowest: ExactDecimal?
        public var base: ExactDecimal?
        public var benchmark: ExactDecimal?
        public var droppedFromBase: [String]
    }

    /// The host generates the report once both rounds are locked and every flagged score is
    /// explained; members then sign it until `deadlineMinutes` from now.
    public func generateReport(tender id: String, deadlineMinutes: Int, by identity: Identity, role: PartyRole, address: String) async throws -> SignedDocument {
        // Silence counts as agreeing after the deadline: it must leave the members time to read.
        let minimum = environment.profile == .demo ? 1 : 60
        guard (minimum...10_080).contains(deadlineMinutes) else {
            throw ServiceError.unprocessable("evaluation.deadline-invalid", "the signing deadline is \(minimum)…10080 minutes away")
        }
        let now = environment.clock.now()
        let platform = environment.platform
        let cleaning = try await cleaningReports(tender: id)
        let signed = try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireHost(identity, context)
            guard context.state.phase == .scoring, context.state.rounds.values.allSatisfy({ $0 == .locked }) else {
                throw ServiceError.conflict("evaluation.rounds-open", "the report follows the locked rounds")
            }
            let unexplained = try Self.flags(tx, context).filter { round, flag in
                !context.state.explanations.contains { $0.member == flag.member && $0.round == round && $0.code == flag.bid && $0.criterion == flag.criterion }
            }
            guard unexplained.isEmpty else {
                throw ServiceError.conflict("evaluation.explanations-missing",
                                            "scores far from the others' mean need their members' written explanations first: "
                                                + unexplained.map { "\($0.1.member) on \($0.1.bid)/\($0.1.criterion)" }.joined(separator: ", "))
            }
            // Everything the report rests on must still prove itself: signed commitments that the
            // revealed sheets open, the draw record, the members' statements, the ledger's record of
            // every compliance review, explanation and re-score.
            let problems = try EvaluationIntegrity.problems(tx, tender: id, platformCertificates: environment.platformCertificates)
            guard problems.isEmpty else {
                throw ServiceError(status: 500, code: "evaluation.integrity", title: "Evaluation records altered", detail: problems.joined(separator: "; "))
            }
            let report = try Self.buildReport(tx, context, cleaning: cleaning, at: now, deadline: now.addingTimeInterval(TimeInterval(deadlineMinutes) * 60))
            let signed = try platform.signDocument(report)
            _ = try tx.insertEvaluationEntry(tender: id, kind: .report, member: "", round: "", body: [UInt8](try JSONEncoder.ebid.encode(signed.wire)), at: now)
            var state = context.state
            state.phase = .signing
            state.reportDigest = Self.digest(signed.document)
            state.reportDeadline = report.signingDeadline
            try Self.save(state, try Self.entry(identity.actor(role: role, address: address), "evaluation.report", context,
                                                ["report": state.reportDigest!, "candidates": report.candidates.joined(separator: ",")]), tx: tx, at: now)
            return signed
        }
        await checkpointMilestone()
        return signed
    }

    package static func buildReport(_ tx: any EvaluationDeskTransaction, _ context: Context, cleaning: [String: CleaningReport], at now: Date, deadline: Date) throws -> Report {
        let bids = try evaluatedBids(tx, tender: context.tender.id)
        let compliance = context.state.compliance ?? []
        let rejected = Set(compliance.filter(\.rejected).map(\.code))
        var merged: [String: [String: [String: ExactDecimal]]] = [:]
        var byRound: [ScoringRound: [String: [String: [String: ExactDecimal]]]] = [:]
        for round in ScoringRound.allCases {
            let sheets = try sheets(tx, context, round: round)
            // Every current member's sheet of every round with criteria, or no report.
            if !criteria(round, context.rubric).isEmpty && Set(sheets.keys) != Set(context.state.members) {
                throw ServiceError(status: 500, code: "evaluation.integrity", title: "Evaluation records altered",
                                   detail: "the \(round.rawValue) sheets are not those of the committee's members")
            }
            byRound[round] = sheets
            for (member, sheet) in sheets {
                for (code, scores) in sheet where !rejected.contains(code) { merged[member, default: [:]][code, default: [:]].merge(scores) { $1 } }
            }
        }
        let coded = bids.compactMap { bid in context.state.codes[bid.bidId].map { (code: $0, bid: bid) } }
        let scoring = coded.map { ScoringBid(id: $0.code, price: $0.bid.price, rejected: rejected.contains($0.code)) }
        let outcome: EvaluationOutcome
        do {
            outcome = try Evaluator.evaluate(method: context.spec.method, rubric: context.rubric, bids: scoring, sheets: merged, delta: context.state.delta,
                                             tieSeed: Hex.decode(context.state.seed ?? "") ?? [], hash: context.state.hash)
        } catch let error as BidCoreError { throw ServiceError.unprocessable(error.code.rawValue, error.reason) }
        let members = try ExpertDraw.currentMembers(context.state.picks).map { pick in
            Report.Member(expert: pick.expert, name: try tx.party(id: pick.expert)?.name ?? pick.expert, seat: pick.seat)
        } + context.state.representatives.map { Report.Member(expert: $0, name: try tx.party(id: $0)?.name ?? $0, seat: nil) }
        let lines = coded.map { code, bid -> Report.BidLine in
            let result = outcome.bids.first { $0.id == code }!
            return Report.BidLine(code: code, bidId: bid.bidId, bidder: bid.bidder.name, creditCode: bid.bidder.creditCode, price: bid.price, rejected: result.rejected,
                                  rejectionReasons: compliance.first { $0.code == code }?.reasons ?? [], criteria: result.criteria, total: result.total,
                                  evaluatedPrice: result.evaluatedPrice, rank: result.rank, candidate: result.candidate, cleaning: cleaning[bid.bidId])
        }.sorted { ($0.rank ?? Int.max, $0.code) < ($1.rank ?? Int.max, $1.code) }
        let price = outcome.price.map { PriceFigures(lowest: $0.lowest, base: $0.base, benchmark: $0.benchmark, droppedFromBase: $0.droppedFromBase) }
        return Report(tenderId: context.tender.id, section: context.tender.section, method: context.spec.method, generatedAt: now, signingDeadline: deadline,
                      drawRecordDigest: context.state.drawDigest ?? "", seed: context.state.seed ?? "", codeKey: context.state.codeKey ?? "", committee: members, delta: context.state.delta, price: price,
                      bids: lines, ranking: outcome.ranking.map(\.id), candidates: outcome.candidates.map(\.id), scores: byRound, rescores: context.state.rescores,
                      compliance: compliance, deviations: context.state.explanations, identityLeaks: context.state.leaks, collusionSignals: try tx.signals(tender: context.tender.id))
    }

    /// Bid cleaning of every opened bid that carries a priced bill (a commercial part `*.csv`),
    /// against the tender's `bill-of-quantities.csv`; keyed by bid id.
    public func cleaningReports(tender id: String) async throws -> [String: CleaningReport] {
        let (documents, bids, percent) = try await store.read { tx in
            (try tx.documents(tender: id), try Self.evaluatedBids(tx, tender: id), try tx.tender(id: id)?.spec.evaluation.rubric.unbalancedPercent ?? 15)
        }
        let blobs = store.blobs
        // Whole files read and parsed: off the event loops.
        return try await Blocking.run {
            guard let billDocument = documents.first(where: { $0.name == "bill-of-quantities.csv" }),
                  let tenderText = String(data: try Data(contentsOf: URL(fileURLWithPath: blobs.path(billDocument.blob))), encoding: .utf8),
                  let tenderBill = try? BillOfQuantities.parseTenderBill(tenderText) else { return [:] }
            var reports: [String: CleaningReport] = [:]
            for bid in bids {
                guard let part = bid.parts.first(where: { $0.kind == BidPartKind.commercial.rawValue && $0.name.lowercased().hasSuffix(".csv") }), part.size <= 64 << 20,
                      let text = String(data: try Data(contentsOf: URL(fileURLWithPath: blobs.path(part.blob))), encoding: .utf8),
                      let bill = try? BillOfQuantities.parseBidBill(text) else { continue }
                reports[bid.bidId] = BidCleaning.clean(bid: bill, tender: tenderBill, unbalancedPercent: percent)
            }
            return reports
        }
    }

    /// The signed report, for the committee, the host and supervisors.
    public func report(tender id: String, for identity: Identity) async throws -> (report: SignedDocument, final: SignedDocument?) {
        try await store.read { tx in
            let context = try Self.context(tx, id)
            _ = try Self.requireInside(identity, context)
            guard let body = try tx.evaluationEntry(tender: id, kind: .report, member: "", round: ""),
                  let report = try JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data(body)).signed else {
                throw ServiceError.notFound("evaluation.no-report", "the report of tender \(id) is not generated yet")
            }
            let final = try tx.evaluationEntry(tender: id, kind: .finalReport, member: "", round: "").flatMap { try JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data($0)).signed }
            return (report, final)
        }
    }

    /// A member signs the report: agree, or dissent with reasons (Reg. art. 53).
    public func signReport(tender id: String, _ statement: MemberStatement, by identity: Identity, address: String) async throws -> TaskView {
        let now = environment.clock.now()
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireMember(identity, context)
            let (document, bytes) = try Self.verifyStatement(statement, as: ReportSignatureDocument.self, by: identity, tx: tx)
            try Self.checkNames(tender: document.tenderId, section: document.section, member: document.member, context, identity)
            guard context.state.phase == .signing, now < context.state.reportDeadline! else {
                throw ServiceError.conflict("evaluation.signing-closed", "the report is not open for signing")
            }
            guard document.type == "ebid-report-signature", document.reportDigest == context.state.reportDigest else {
                throw ServiceError.unprocessable("evaluation.report-digest", "the signature is for another report than \(context.state.reportDigest!)")
            }
            if document.opinion == .dissent {
                guard let reasons = document.reasons?.trimmingCharacters(in: .whitespacesAndNewlines), !reasons.isEmpty, reasons.count <= 8000 else {
                    throw ServiceError.unprocessable("evaluation.dissent-reasons", "a dissent states its reasons (Reg. art. 53)")
                }
            }
            guard try tx.insertEvaluationEntry(tender: id, kind: .reportSignature, member: identity.party.id, round: "",
                                               body: try Self.stored(statement, by: identity), at: now) else {
                throw ServiceError.conflict("evaluation.signed", "\(identity.party.name) has signed the report already")
            }
            var state = context.state
            state.signatures[identity.party.id] = document.opinion
            try Self.save(state, try Self.entry(identity.actor(role: .expert, address: address), "evaluation.sign", context,
                                                ["opinion": document.opinion.rawValue, "statement": Self.digest(bytes)]), tx: tx, at: now)
            return Self.task(state, tender: context.tender, member: identity.party.id)
        }
    }

    public struct FinalReport: Codable, Sendable, Equatable {
        public struct Opinion: Codable, Sendable, Equatable {
            public var expert: String
            public var opinion: ReportOpinion
            public var reasons: String?
            /// The member's own signature over its statement (base64), absent when it stayed silent.
            public var statement: MemberStatement?
            /// Silent past the deadline: counts as agreeing (Reg. art. 53).
            public var silent: Bool
            /// The certificate (PEM) the member signed with, so the final report verifies offline.
            public var certificate: String?
        }
        public var type = "ebid-evaluation-report-final"
        public var tenderId: String
        public var section: String
        public var reportDigest: String
        public var finalizedAt: Date
        public var opinions: [Opinion]
        public var candidates: [String]
    }

    /// Closes the signing once every member signed or the deadline passed.
    public func finalizeReport(tender id: String, by identity: Identity, role: PartyRole, address: String) async throws -> SignedDocument {
        let now = environment.clock.now()
        let platform = environment.platform
        return try await store.write { tx in
            let context = try Self.context(tx, id)
            try Self.requireHost(identity, context)
            guard context.state.phase == .signing else { throw ServiceError.conflict("evaluation.not-signing", "the report is not out for signing") }
            let silent = context.state.members.filter { context.state.signatures[$0] == nil }
            guard silent.isEmpty || now >= context.state.reportDeadline! else {
                throw ServiceError.conflict("evaluation.signatures-missing", "\(silent.count) member(s) may still sign until \(context.state.reportDeadline!)")
            }
            let statements = Dictionary(uniqueKeysWithValues: try tx.evaluationEntries(tender: id, kind: .reportSignature, round: nil).map {
                ($0.member, try JSONDecoder.ebid.decode(MemberStatement.self, from: Data($0.body)))
            })
            let opinions = context.state.members.map { member -> FinalReport.Opinion in
                guard let statement = statements[member], let bytes = statement.documentBytes,
                      let document = try? JSONDecoder.ebid.decode(ReportSignatureDocument.self, from: Data(bytes)) else {
                    return FinalReport.Opinion(expert: member, opinion: .agree, reasons: nil, statement: nil, silent: true, certificate: nil)
                }
                let certificate = try? statement.certificate.flatMap { try tx.certificate(fingerprint: $0) }?.pem
                return FinalReport.Opinion(expert: member, opinion: document.opinion, reasons: document.reasons, statement: statement, silent: false,
                                           certificate: certificate)
            }
            let report = try Self.signedReport(tx, id).decode(Report.self)
            let final = try platform.signDocument(FinalReport(tenderId: id, section: context.tender.section, reportDigest: context.state.reportDigest!,
                                                              finalizedAt: now, opinions: opinions, candidates: report.candidates))
            _ = try tx.insertEvaluationEntry(tender: id, kind: .finalReport, member: "", round: "", body: [UInt8](try JSONEncoder.ebid.encode(final.wire)), at: now)
            var state = context.state
            state.phase = .reported
            state.reportedAt = now
            try Self.save(state, try Self.entry(identity.actor(role: role, address: address), "evaluation.finalize", context,
                                                ["final": Self.digest(final.document), "silent": silent.count.description]), tx: tx, at: now)
            return final
        }
    }

    package static func signedReport(_ tx: any EvaluationDeskTransaction, _ id: String) throws -> SignedDocument {
        guard let body = try tx.evaluationEntry(tender: id, kind: .report, member: "", round: ""),
              let signed = try JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data(body)).signed else {
            throw ServiceError.notFound("evaluation.no-report", "the report of tender \(id) is not generated yet")
        }
        return signed
    }
}
