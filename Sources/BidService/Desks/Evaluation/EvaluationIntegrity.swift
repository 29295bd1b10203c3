import BidCore
import Foundation

/// What an evaluation's stored rows must still prove, whoever can write the database: every
/// commitment is signed by its member's registered certificate; every revealed sheet opens its
/// member's signed commitment (so no score can be changed without the member's key); the draw
/// record recomputes to the committee the state names; every platform-signed document (report,
/// final report, publicity, award) verifies and is the one the state's digests name; every report
/// signature is its member's. Run before the report is generated and by the audit.
enum EvaluationIntegrity {
    static func problems(_ tx: any StoreTransaction, tender id: String, platformCertificates: [String: Certificate]) throws -> [String] {
        guard let state = try tx.evaluation(tender: id) else { return [] }
        var problems: [String] = []
        func statement<T: Decodable>(_ body: [UInt8], as type: T.Type, member: String, what: String) -> T? {
            guard let statement = try? JSONDecoder.ebid.decode(MemberStatement.self, from: Data(body)), let document = statement.documentBytes,
                  let signature = statement.signatureBytes else {
                problems.append("\(what) of \(member) does not parse")
                return nil
            }
            guard let fingerprint = statement.certificate, let certificate = try? tx.certificate(fingerprint: fingerprint),
                  (try? tx.party(certificateFingerprint: fingerprint))??.id == member,
                  (try? certificate.publicKey.isValidSignature(signature, for: document, scheme: statement.scheme)) == true else {
                problems.append("\(what) of \(member) is not signed by a certificate registered to \(member)")
                return nil
            }
            guard let decoded = try? JSONDecoder.ebid.decodeStrict(T.self, from: Data(document)) else {
                problems.append("\(what) of \(member) is not a valid \(T.self)")
                return nil
            }
            return decoded
        }

        // The draw record: its digest, and the committee it recomputes to.
        if let body = try tx.evaluationEntry(tender: id, kind: .drawRecord, member: "", round: "") {
            if EvaluationRoom.digest(body) != state.drawDigest { problems.append("the draw record is not the one the evaluation names (digest)") }
            if let record = try? JSONDecoder.ebid.decode(DrawRecord.self, from: Data(body)), state.phase != .drawing {
                do {
                    let members = try record.verify()
                    if members.map(\.expert) != state.members || record.picks != state.picks { problems.append("the draw record does not give the committee the evaluation holds") }
                } catch let error as BidCoreError { problems.append("the draw record does not verify: \(error.reason)") }
            }
        } else {
            problems.append("the draw record is missing")
        }

        // Commitments signed by their members; sheets that open them.
        var commitments: [String: [UInt8]] = [:]
        for round in ScoringRound.allCases {
            for (member, body) in try tx.evaluationEntries(tender: id, kind: .commitment, round: round.rawValue) {
                guard let document = statement(body, as: CommitmentDocument.self, member: member, what: "the \(round.rawValue) commitment") else { continue }
                guard document.tenderId == id, document.member == member, document.round == round, let bytes = Hex.decode(document.commitment) else {
                    problems.append("the \(round.rawValue) commitment of \(member) names another tender, member or round")
                    continue
                }
                commitments["\(member)/\(round.rawValue)"] = bytes
            }
            for (member, body) in try tx.evaluationEntries(tender: id, kind: .sheet, round: round.rawValue) {
                let (salt, sheet) = EvaluationRoom.splitSheetEntry(body)
                let context = ScoreCommitment.context(tender: id, section: state.section, member: member, round: round.rawValue)
                guard let commitment = commitments["\(member)/\(round.rawValue)"],
                      ScoreCommitment.opens(commitment, sheet: sheet, salt: salt, context: context, hash: state.hash) else {
                    problems.append("the revealed \(round.rawValue) scores of \(member) do not open its signed commitment: they were changed")
                    continue
                }
            }
        }
        for (member, body) in try tx.evaluationEntries(tender: id, kind: .declaration, round: nil) {
            if let document = statement(body, as: DeclarationDocument.self, member: member, what: "the declaration"), document.tenderId != id || document.member != member {
                problems.append("the declaration of \(member) names another tender or member")
            }
        }
        for (member, body) in try tx.evaluationEntries(tender: id, kind: .reportSignature, round: nil) {
            if let document = statement(body, as: ReportSignatureDocument.self, member: member, what: "the report signature"),
               document.reportDigest != state.reportDigest || document.member != member {
                problems.append("the report signature of \(member) is for another report")
            }
        }

        // What the members did without a signed statement is held by the ledger (the hash chain,
        // and the checkpoints archived outside): each compliance review, explanation and re-score
        // the state holds must be the payload of an event by that member.
        let events = try tx.ledgerEvents(LedgerQuery(tender: id, limit: 1_000_000))
        func recorded(_ action: String, by member: String, _ payload: some Encodable) -> Bool {
            guard let bytes = try? JSONEncoder.ebid.encode(payload) else { return false }
            let digest = Ledger.payloadDigest([UInt8](bytes))
            return events.contains { $0.action == action && $0.actor.party == member && $0.payloadDigest == digest }
        }
        for rescore in state.rescores where !recorded("evaluation.rescore", by: rescore.member, rescore) {
            problems.append("the re-score of \(rescore.member) on \(rescore.code)/\(rescore.criterion) is not in the ledger")
        }
        for explanation in state.explanations {
            let payload = ["round": explanation.round.rawValue, "code": explanation.code, "criterion": explanation.criterion, "text": explanation.text]
            if !recorded("evaluation.explain", by: explanation.member, payload) {
                problems.append("the explanation of \(explanation.member) on \(explanation.code)/\(explanation.criterion) is not in the ledger")
            }
        }
        for (member, body) in try tx.evaluationEntries(tender: id, kind: .compliance, round: "") {
            let opinions = (try? JSONDecoder.ebid.decode([ComplianceOpinion].self, from: Data(body))) ?? []
            let payload = ["rejects": opinions.filter(\.reject).map(\.code).joined(separator: ","), "opinions": EvaluationRoom.digest(body)]
            if !recorded("evaluation.compliance", by: member, payload) { problems.append("the compliance review of \(member) is not the one in the ledger") }
        }
        if let seed = state.seed.flatMap(Hex.decode) {
            let bids = try EvaluationRoom.evaluatedBids(tx, tender: id)
            if EvaluationRoom.assignCodes(bids.map(\.bidId), seed: seed, hash: state.hash) != state.codes {
                problems.append("the bids' codes are not the ones the draw's seed gives")
            }
            if let decided = state.compliance, let tender = try tx.tender(id: id),
               try EvaluationRoom.decideCompliance(tx, context: .init(tender: tender, state: state), bids: bids) != decided {
                problems.append("the compliance decisions do not follow from the members' reviews")
            }
        }
        for (member, kind) in state.declarations where try tx.evaluationEntry(tender: id, kind: .declaration, member: member, round: kind.rawValue) == nil {
            problems.append("\(member)'s \(kind.rawValue) declaration is missing")
        }

        // The platform's documents.
        let named: [(EvaluationEntryKind, String?)] = [(.report, state.reportDigest), (.finalReport, nil), (.publicity, nil), (.award, nil)]
        for (kind, digest) in named {
            guard let body = try tx.evaluationEntry(tender: id, kind: kind, member: "", round: "") else { continue }
            guard let signed = try? JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data(body)).signed,
                  let certificate = platformCertificates[signed.certificateFingerprint], (try? signed.verify(with: certificate)) == true else {
                problems.append("the \(kind.rawValue) is not signed by a trusted platform certificate")
                continue
            }
            if let digest, EvaluationRoom.digest(signed.document) != digest { problems.append("the \(kind.rawValue) is not the one the evaluation names") }
        }
        return problems
    }
}
