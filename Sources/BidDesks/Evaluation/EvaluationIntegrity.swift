import BidCore
import BidDomain
import Foundation

/// What an evaluation's stored rows must still prove, whoever can write the database. Run before
/// the report is generated and by the audit (`ebid audit verify`).
///
/// - Members' statements (declarations, commitments, report signatures) are signed by a
///   certificate registered to the member — the one the ledger event that took them names.
/// - Every revealed sheet opens its member's signed commitment: no score changes without the
///   member's key, which the platform never holds.
/// - Rows and the ledger agree both ways: every commitment, reveal, declaration, compliance
///   review, report signature and re-score has the event that recorded it (actor and payload
///   digest), and every such event has its row — nothing added, nothing deleted.
/// - The draw record recomputes to the committee, seed and δ the evaluation uses, and its
///   digests, commitments and values are the ones the `draw.*` events recorded.
/// - The codes follow from the code key, the compliance decisions from the members' reviews,
///   the report's ranking from the verified sheets; the platform's documents verify and are the
///   ones their events name.
///
/// What an insider with the platform key could still do is rewrite the ledger itself and re-sign
/// checkpoints: the copies archived outside (docs/ledger.md) are what catch that.
package enum EvaluationIntegrity {
    package static func problems(_ tx: any EvaluationDeskTransaction, tender id: String, platformCertificates: [String: Certificate], memberTrust: TrustStore? = nil) throws -> [String] {
        guard let state = try tx.evaluation(tender: id), let tender = try tx.tender(id: id) else { return [] }
        var problems: [String] = []
        let events = try tx.ledgerEvents(LedgerQuery(tender: id, limit: 1_000_000))
        func digest(of payload: some Encodable) -> String? {
            (try? JSONEncoder.ebid.encode(payload)).map { Ledger.payloadDigest([UInt8]($0)) }
        }
        /// Events of an action as (party, payload digest) — with the certificate the actor used.
        func recorded(_ action: String) -> [(party: String, digest: String, certificate: String)] {
            events.filter { $0.action == action }.map { ($0.actor.party, $0.payloadDigest, $0.actor.certificateFingerprint) }
        }
        /// The rows' (party, payload digest) must be exactly the events' (a multiset compare).
        func agree(_ action: String, rows: [(party: String, digest: String?)], what: String) {
            let expected = recorded(action).map { "\($0.party) \($0.digest)" }.sorted()
            let found = rows.map { "\($0.party) \($0.digest ?? "?")" }.sorted()
            if expected != found {
                let missing = Set(expected).subtracting(found).count, extra = Set(found).subtracting(expected).count
                problems.append("\(what): \(extra) row(s) the ledger does not record, \(missing) recorded in the ledger but missing or changed")
            }
        }
        func statement<T: Decodable>(_ body: [UInt8], as type: T.Type, member: String, what: String) -> (T, [UInt8], String)? {
            guard let statement = try? JSONDecoder.ebid.decode(MemberStatement.self, from: Data(body)), let document = statement.documentBytes,
                  let signature = statement.signatureBytes, let fingerprint = statement.certificate else {
                problems.append("\(what) of \(member) does not parse")
                return nil
            }
            guard let certificate = try? tx.certificate(fingerprint: fingerprint), (try? tx.party(certificateFingerprint: fingerprint))??.id == member,
                  (try? certificate.publicKey.isValidSignature(signature, for: document, scheme: statement.scheme)) == true else {
                problems.append("\(what) of \(member) is not signed by a certificate registered to \(member)")
                return nil
            }
            // With CA roots the auditor holds, the certificate must chain to them (at the start of
            // the evaluation): a certificate the platform made up for a member would not.
            if let memberTrust, (try? memberTrust.verify(certificate, at: state.startedAt, for: .signing)) == nil {
                problems.append("\(what) of \(member) is signed with a certificate that does not chain to the trusted CA roots")
                return nil
            }
            guard let decoded = try? JSONDecoder.ebid.decodeStrict(T.self, from: Data(document)) else {
                problems.append("\(what) of \(member) is not a valid \(T.self)")
                return nil
            }
            return (decoded, document, fingerprint)
        }
        /// The certificate a statement names must be the one the recording event's actor used.
        func signedAsRecorded(_ action: String, member: String, digest: String?, certificate: String, what: String) {
            if !recorded(action).contains(where: { $0.party == member && $0.digest == digest && $0.certificate == certificate }) {
                problems.append("\(what) of \(member) is signed with another certificate than the one its event was made with")
            }
        }

        // The draw.
        var record: DrawRecord?
        if let body = try tx.evaluationEntry(tender: id, kind: .drawRecord, member: "", round: "") {
            if EvaluationRoom.digest(body) != state.drawDigest { problems.append("the draw record is not the one the evaluation names (digest)") }
            record = try? JSONDecoder.ebid.decode(DrawRecord.self, from: Data(body))
            if record == nil { problems.append("the draw record does not parse") }
        } else {
            problems.append("the draw record is missing")
        }
        if let record {
            let start = digest(of: EvaluationRoom.startPayload(record))
            if recorded("draw.start").map(\.digest) != [start].compactMap({ $0 }) { problems.append("the draw record's pool, exclusions or opening record are not those draw.start fixed") }
            if let opening = try tx.openingRecord(tender: id), EvaluationRoom.digest(opening.document) != record.openingRecordDigest {
                problems.append("the draw record names another opening record")
            }
            if record.committee != tender.spec.evaluation.committee { problems.append("the draw record's committee is not the tender's") }
            agree("draw.commit", rows: record.contributions.map { ($0.party, digest(of: ["commitment": $0.commitment])) }, what: "the draw's commitments")
            if state.phase != .drawing {
                agree("draw.reveal", rows: record.contributions.map { ($0.party, $0.value.flatMap { digest(of: ["value": $0]) }) }, what: "the draw's revealed values")
                do {
                    let members = try record.verify()
                    if members.map(\.expert) + (record.representatives ?? []) != state.members || record.picks != state.picks || record.seed != state.seed
                        || record.delta != state.delta || (record.representatives ?? []) != state.representatives {
                        problems.append("the draw record does not give the committee, seed or δ the evaluation uses")
                    }
                } catch let error as BidCoreError { problems.append("the draw record does not verify: \(error.reason)") }
            }
        }

        // Members' statements and sheets, against their events.
        var commitments: [String: [UInt8]] = [:]
        var commitRows: [(String, String?)] = []
        var revealRows: [(String, String?)] = []
        for round in ScoringRound.allCases {
            for (member, body) in try tx.evaluationEntries(tender: id, kind: .commitment, round: round.rawValue) {
                guard let (document, bytes, certificate) = statement(body, as: CommitmentDocument.self, member: member, what: "the \(round.rawValue) commitment") else {
                    commitRows.append((member, nil))
                    continue
                }
                guard document.tenderId == id, document.member == member, document.round == round, let value = Hex.decode(document.commitment) else {
                    problems.append("the \(round.rawValue) commitment of \(member) names another tender, member or round")
                    continue
                }
                let payload = digest(of: ["round": round.rawValue, "commitment": document.commitment, "statement": EvaluationRoom.digest(bytes)])
                commitRows.append((member, payload))
                signedAsRecorded("evaluation.commit", member: member, digest: payload, certificate: certificate, what: "the \(round.rawValue) commitment")
                commitments["\(member)/\(round.rawValue)"] = value
            }
            let sheets = try tx.evaluationEntries(tender: id, kind: .sheet, round: round.rawValue)
            for (member, body) in sheets {
                let (salt, sheet) = EvaluationRoom.splitSheetEntry(body)
                revealRows.append((member, digest(of: ["round": round.rawValue, "sheet": EvaluationRoom.digest(sheet)])))
                let context = ScoreCommitment.context(tender: id, section: state.section, member: member, round: round.rawValue)
                guard let commitment = commitments["\(member)/\(round.rawValue)"],
                      ScoreCommitment.opens(commitment, sheet: sheet, salt: salt, context: context, hash: state.hash) else {
                    problems.append("the revealed \(round.rawValue) scores of \(member) do not open its signed commitment: they were changed")
                    continue
                }
            }
            if state.rounds[round] == .locked, !EvaluationRoom.criteria(round, tender.spec.evaluation.rubric).isEmpty,
               !Set(sheets.map(\.member)).isSuperset(of: state.members) {
                problems.append("the locked \(round.rawValue) round lacks sheets of members \(Set(state.members).subtracting(sheets.map(\.member)).sorted().joined(separator: ", "))")
            }
        }
        agree("evaluation.commit", rows: commitRows, what: "the score commitments")
        agree("evaluation.reveal", rows: revealRows, what: "the revealed sheets")
        var declarationRows: [(String, String?)] = []
        for (member, body) in try tx.evaluationEntries(tender: id, kind: .declaration, round: nil) {
            guard let (document, bytes, certificate) = statement(body, as: DeclarationDocument.self, member: member, what: "the declaration") else {
                declarationRows.append((member, nil))
                continue
            }
            if document.tenderId != id || document.member != member { problems.append("the declaration of \(member) names another tender or member") }
            let payload = digest(of: ["kind": document.kind.rawValue, "statement": EvaluationRoom.digest(bytes)])
            declarationRows.append((member, payload))
            signedAsRecorded("evaluation.declare", member: member, digest: payload, certificate: certificate, what: "the declaration")
        }
        agree("evaluation.declare", rows: declarationRows, what: "the declarations")
        for (member, kind) in state.declarations where try tx.evaluationEntry(tender: id, kind: .declaration, member: member, round: kind.rawValue) == nil {
            problems.append("\(member)'s \(kind.rawValue) declaration is missing")
        }
        var signatureRows: [(String, String?)] = []
        for (member, body) in try tx.evaluationEntries(tender: id, kind: .reportSignature, round: nil) {
            guard let (document, bytes, certificate) = statement(body, as: ReportSignatureDocument.self, member: member, what: "the report signature") else {
                signatureRows.append((member, nil))
                continue
            }
            if document.reportDigest != state.reportDigest || document.member != member { problems.append("the report signature of \(member) is for another report") }
            if state.signatures[member] != document.opinion { problems.append("the evaluation holds another opinion for \(member) than it signed") }
            let payload = digest(of: ["opinion": document.opinion.rawValue, "statement": EvaluationRoom.digest(bytes)])
            signatureRows.append((member, payload))
            signedAsRecorded("evaluation.sign", member: member, digest: payload, certificate: certificate, what: "the report signature")
        }
        agree("evaluation.sign", rows: signatureRows, what: "the report signatures")

        // What members did without a statement is held by its event's payload.
        agree("evaluation.rescore", rows: state.rescores.map { ($0.member, digest(of: $0)) }, what: "the re-scores")
        for explanation in state.explanations {
            let payload = digest(of: ["round": explanation.round.rawValue, "code": explanation.code, "criterion": explanation.criterion, "text": explanation.text])
            if !recorded("evaluation.explain").contains(where: { $0.party == explanation.member && $0.digest == payload }) {
                problems.append("the explanation of \(explanation.member) on \(explanation.code)/\(explanation.criterion) is not in the ledger")
            }
        }
        var complianceRows: [(String, String?)] = []
        for (member, body) in try tx.evaluationEntries(tender: id, kind: .compliance, round: "") {
            let opinions = (try? JSONDecoder.ebid.decode([ComplianceOpinion].self, from: Data(body))) ?? []
            complianceRows.append((member, digest(of: ["rejects": opinions.filter(\.reject).map(\.code).joined(separator: ","), "opinions": EvaluationRoom.digest(body)])))
        }
        agree("evaluation.compliance", rows: complianceRows, what: "the compliance reviews")

        let bids = try EvaluationRoom.evaluatedBids(tx, tender: id)
        // The prices scored are the ones the signed opening record read out, and the maximum price
        // the one it names (the tenders row is the platform's to rewrite, the record is signed).
        if let opening = try tx.openingRecord(tender: id), let certificate = platformCertificates[opening.certificateFingerprint],
           (try? opening.verify(with: certificate)) == true, let read = try? opening.decode(OpeningRecord.self) {
            for bid in bids {
                if let entry = read.bids.first(where: { $0.bidder == bid.bidder.id }), let price = entry.items["price"], ExactDecimal.price(price) != bid.price {
                    problems.append("the price of \(bid.bidder.id)'s bid is not the one the opening record read out")
                }
            }
            if read.tender.maximumPrice != tender.spec.maximumPrice { problems.append("the tender's maximum price is not the one the opening record names") }
        } else if try tx.openingRecord(tender: id) != nil {
            problems.append("the opening record is not signed by a trusted platform certificate")
        }
        if let key = state.codeKey.flatMap(Hex.decode), EvaluationRoom.assignCodes(bids.map(\.bidId), key: key, hash: state.hash) != state.codes {
            problems.append("the bids' codes are not the ones the code key gives")
        }
        let context = EvaluationRoom.Context(tender: tender, state: state)
        if let decided = state.compliance, try EvaluationRoom.decideCompliance(tx, context: context, bids: bids) != decided {
            problems.append("the compliance decisions do not follow from the members' reviews")
        }

        // The platform's documents: signed, the ones their events name, and the report's outcome
        // the one the verified rows give.
        func signed(_ kind: EvaluationEntryKind) -> SignedDocument? {
            guard let body = try? tx.evaluationEntry(tender: id, kind: kind, member: "", round: "") else { return nil }
            guard let wire = try? JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data(body)), let signed = wire.signed,
                  let certificate = platformCertificates[signed.certificateFingerprint], (try? signed.verify(with: certificate)) == true else {
                problems.append("the \(kind.rawValue) is not signed by a trusted platform certificate")
                return nil
            }
            return signed
        }
        func named(_ action: String, _ payloads: [String?], what: String) {
            if !recorded(action).contains(where: { event in payloads.contains { $0 == event.digest } }) { problems.append("the \(what) is not the one the ledger recorded") }
        }
        if let report = signed(.report), let parsed = try? report.decode(EvaluationRoom.Report.self) {
            let reportDigest = EvaluationRoom.digest(report.document)
            if reportDigest != state.reportDigest { problems.append("the report is not the one the evaluation names") }
            named("evaluation.report", [digest(of: ["report": reportDigest, "candidates": parsed.candidates.joined(separator: ",")])], what: "report")
            if parsed.codeKey != (state.codeKey ?? "") || parsed.seed != (state.seed ?? "") || parsed.delta != state.delta {
                problems.append("the report's code key, seed or δ are not the draw's")
            }
            if problems.isEmpty, let again = try? EvaluationRoom.buildReport(tx, context, cleaning: [:], at: parsed.generatedAt, deadline: parsed.signingDeadline),
               again.ranking != parsed.ranking || again.candidates != parsed.candidates || again.bids.map(\.total) != parsed.bids.map(\.total) {
                problems.append("the report's ranking is not the one the members' verified scores give")
            }
            if let final = signed(.finalReport), let finalParsed = try? final.decode(EvaluationRoom.FinalReport.self) {
                if finalParsed.reportDigest != reportDigest || finalParsed.candidates != parsed.candidates { problems.append("the final report is for another report") }
                named("evaluation.finalize", [digest(of: ["final": EvaluationRoom.digest(final.document), "silent": finalParsed.opinions.filter(\.silent).count.description])],
                      what: "final report")
            }
            if let publicity = signed(.publicity), let publicityParsed = try? publicity.decode(EvaluationRoom.Publicity.self) {
                if publicityParsed.candidates.map(\.bidder) != parsed.bids.filter(\.candidate).sorted(by: { $0.rank! < $1.rank! }).map(\.bidder) {
                    problems.append("the published candidates are not the report's")
                }
                let formatter = ISO8601DateFormatter()
                named("result.publicity", [0, -0.001, 0.001].map { shift in
                    digest(of: ["publicity": EvaluationRoom.digest(publicity.document), "until": formatter.string(from: publicityParsed.until.addingTimeInterval(shift))])
                }, what: "publicity")
            }
            if let award = signed(.award), let awardParsed = try? award.decode(EvaluationRoom.Award.self) {
                named("result.award", [digest(of: ["award": EvaluationRoom.digest(award.document), "winner": awardParsed.winner.party])], what: "award")
                if !parsed.bids.contains(where: { $0.candidate && $0.bidder == awardParsed.winner.bidder }) { problems.append("the award goes to no candidate of the report") }
            }
        }
        return problems
    }
}
