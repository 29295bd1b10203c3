import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// What a member's machine does in the sealed room (the CLI and `ebid demo` share it): sign
/// statements with the member's key, build and check a score sheet, commit to it with a fresh
/// salt kept in a local file, and later reveal exactly those bytes.
enum EvalWork {
    /// The sheet and salt between commit and reveal, on the member's machine only (mode 0600).
    struct Secret: Codable {
        var tenderId: String
        var section: String
        var member: String
        var round: ScoringRound
        var sheet: String
        var salt: String
        var commitment: String
    }

    static func statement<T: Encodable>(_ document: T, key: PrivateKey) throws -> MemberStatement {
        let bytes = [UInt8](try JSONEncoder.ebid.encode(document))
        let scheme = SignatureScheme.preferred(for: key.type)
        return MemberStatement(document: bytes, signature: try key.sign(bytes, scheme: scheme), scheme: scheme)
    }

    static func tenderPath(_ tender: String) -> String { "/v1/tenders/\(EBidClient.pathComponent(tender))" }

    static func defaultSecretPath(tender: String, member: String, round: ScoringRound) -> String {
        "ebid-\(tender.filter { $0.isLetter || $0.isNumber || $0 == "-" })-\(member)-\(round.rawValue).secret.json"
    }

    /// Reads `CODE,CRITERION,SCORE` lines (header, blank lines and # comments skipped).
    static func parseScores(_ text: String) throws -> [String: [String: ExactDecimal]] {
        var scores: [String: [String: ExactDecimal]] = [:]
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") || (index == 0 && line.uppercased().hasPrefix("CODE,")) { continue }
            let cells = line.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == 3, let score = ExactDecimal(cells[2]) else { throw CLIError("line \(index + 1): write CODE,CRITERION,SCORE (a plain decimal)") }
            guard scores[cells[0]]?[cells[1]] == nil else { throw CLIError("line \(index + 1): \(cells[0]) \(cells[1]) is scored twice") }
            scores[cells[0], default: [:]][cells[1]] = score
        }
        return scores
    }

    /// Checks the sheet against the tender's rubric and the round's codes, commits to it, and
    /// writes the secret file; returns the task as the service sees it then.
    @discardableResult
    static func commit(_ client: EBidClient, tender: String, member: String, round: ScoringRound, scores: [String: [String: ExactDecimal]],
                       key: PrivateKey, secretPath: String) async throws -> EvaluationRoom.TaskView {
        let view: EvaluationRoom.BidsView = try await client.get("\(tenderPath(tender))/evaluation/bids")
        let codes = round == .technical ? view.technicalCodes : (view.commercialCodes ?? [])
        guard Set(scores.keys) == Set(codes) else { throw CLIError("score exactly the bids \(codes.joined(separator: ", ")) in the \(round.rawValue) round") }
        var rubric = view.evaluation.rubric
        rubric.criteria = EvaluationRoom.criteria(round, view.evaluation.rubric)
        for (code, sheet) in scores { try Evaluator.checkScores(sheet, rubric: rubric, what: code) }
        let tasks: [EvaluationRoom.TaskView] = try await client.get("/v1/evaluation/tasks")
        guard let task = tasks.first(where: { $0.tenderId == tender }) else { throw CLIError("tender \(tender) is not among your evaluation tasks") }
        guard !FileManager.default.fileExists(atPath: secretPath) else {
            throw CLIError("\(secretPath) exists: it may hold a commitment not yet revealed; reveal it or move it away")
        }
        let sheet = [UInt8](try JSONEncoder.ebid.encode(ScoreSheet(tenderId: tender, section: task.section, member: member, round: round, scores: scores)))
        let salt = ScoreCommitment.freshSalt()
        let context = ScoreCommitment.context(tender: tender, section: task.section, member: member, round: round.rawValue)
        let commitment = Hex.encode(ScoreCommitment.commitment(sheet: sheet, salt: salt, context: context, hash: task.hash))
        let secret = Secret(tenderId: tender, section: task.section, member: member, round: round, sheet: Data(sheet).base64EncodedString(), salt: Hex.encode(salt),
                            commitment: commitment)
        let output = try FileOutput(path: secretPath, mode: 0o600)
        try output.write([UInt8](try JSONEncoder.ebidPretty.encode(secret)))
        try output.close(sync: true)
        let document = CommitmentDocument(tenderId: tender, section: task.section, member: member, round: round, hash: task.hash, commitment: commitment)
        struct Body: Encodable { var statement: MemberStatement }
        return try await client.send("POST", "\(tenderPath(tender))/evaluation/commitments", json: Body(statement: try statement(document, key: key)))
    }

    @discardableResult
    static func reveal(_ client: EBidClient, secretPath: String) async throws -> EvaluationRoom.TaskView {
        let secret = try decodeJSON(Secret.self, from: secretPath, what: "commitment secret")
        return try await client.send("POST", "\(tenderPath(secret.tenderId))/evaluation/reveals",
                                     json: EvaluationRoom.RevealInput(round: secret.round, sheet: secret.sheet, salt: secret.salt))
    }

    static func declare(_ client: EBidClient, tender: String, section: String, member: String, recuse: Bool, text: String, key: PrivateKey) async throws -> EvaluationRoom.TaskView {
        let document = DeclarationDocument(tenderId: tender, section: section, member: member, kind: recuse ? .recusal : .noConflict, text: text)
        struct Body: Encodable { var statement: MemberStatement }
        return try await client.send("POST", "\(tenderPath(tender))/evaluation/declaration", json: Body(statement: try statement(document, key: key)))
    }

    /// Fetches the report, checks the platform's signature when a certificate is given, and signs its digest.
    static func sign(_ client: EBidClient, tender: String, member: String, dissent: String?, key: PrivateKey, platform: Certificate?) async throws -> EvaluationRoom.TaskView {
        struct Served: Decodable { var signed: SignedDocument.Wire }
        let served: Served = try await client.get("\(tenderPath(tender))/evaluation/report")
        guard let report = served.signed.signed else { throw CLIError("the report is not well-formed") }
        if let platform, try !report.verify(with: platform) { throw CLIError("the report's signature is not the platform's: not signing it") }
        let parsed = try report.decode(EvaluationRoom.Report.self)
        let digest = Hex.encode(StreamingDigest.hash(report.document, using: .sha256))
        let document = ReportSignatureDocument(tenderId: tender, section: parsed.section, member: member, reportDigest: digest,
                                               opinion: dissent == nil ? .agree : .dissent, reasons: dissent)
        struct Body: Encodable { var statement: MemberStatement }
        return try await client.send("POST", "\(tenderPath(tender))/evaluation/report/signatures", json: Body(statement: try statement(document, key: key)))
    }
}
