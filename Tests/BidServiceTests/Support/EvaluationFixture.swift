@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Testing
import TestSupport

/// An opened tender and its evaluation, driven through the desks as the CLI drives them over HTTP:
/// members sign their statements with their own keys, commitments are computed on "their machine".
struct EvaluationSetup {
    let opening: OpeningSetup
    var fixture: ServiceFixture { opening.fixture }
    var id: String { opening.id }
    var room: EvaluationRoom { EvaluationRoom(fixture.environment) }
    /// Each member's salt and sheet per round, kept "on its machine" between commit and reveal.
    final class Secrets: @unchecked Sendable {
        // @unchecked: touched by one test task at a time.
        var sheets: [String: (sheet: [UInt8], salt: [UInt8])] = [:]
    }
    let secrets = Secrets()

    static let bidders = ["bidder-01", "bidder-02", "bidder-03", "bidder-04", "bidder-05", "bidder-06", "bidder-08"]

    /// Publishes the demo tender with its bill of quantities, takes bids with their priced bills,
    /// and opens them all (every bidder decrypts its own).
    init(_ fixture: ServiceFixture, id: String, bidders: [String] = Self.bidders, technical: [String: String] = [:],
         configure: (inout TenderSpec) -> Void = { _ in }) async throws {
        let bill = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(ServiceFixture.seeds)/tenders/bill-of-quantities.csv")))
        var parts: [String: [BidSealer.PartInput]] = [:]
        let scratch = TemporaryDirectory()
        for bidder in bidders {
            parts[bidder] = [BidSealer.PartInput(kind: .commercial, path: "\(ServiceFixture.seeds)/bids/parts/\(bidder)/bill-of-quantities.csv")]
            if let text = technical[bidder] {
                parts[bidder]!.append(BidSealer.PartInput(kind: .technical, path: scratch.write("extra-technical.txt", Array(text.utf8)), name: "extra-technical.txt"))
            }
        }
        opening = try await OpeningSetup(fixture, id: id, policy: .bidder, bidders: bidders, documents: [("bill-of-quantities.csv", bill)], extraParts: parts,
                                         configure: configure)
        opening.passDeadline()
        try await opening.start()
        for bidder in bidders { try await opening.decrypt(bidder) }
    }

    func identity(_ party: String) async throws -> Identity { try await fixture.identity(party) }

    // MARK: The draw

    static func value(_ party: String) -> [UInt8] { Array(StreamingDigest.hash(Array("secret of \(party)".utf8), using: .sha256)) }

    func commitDraw(_ party: String, role: PartyRole) async throws {
        let record = try await room.draw(tender: id, for: try await identity("agency-01")).record!
        let commitment = DrawCommitment.commitment(value: Self.value(party), party: party, context: record.context, hash: record.hash)
        _ = try await room.commitDraw(tender: id, commitment: Hex.encode(commitment), by: try await identity(party), role: role, address: "10.9.0.1")
    }

    func revealDraw(_ party: String, role: PartyRole) async throws {
        _ = try await room.revealDraw(tender: id, value: Hex.encode(Self.value(party)), by: try await identity(party), role: role, address: "10.9.0.1")
    }

    /// The host and supervisor-01 commit, then reveal: the committee is drawn.
    @discardableResult
    func draw() async throws -> EvaluationState {
        // The demo tender seats one tenderer's representative: expert-15, on the tenderer's staff.
        let representatives = (opening.spec.evaluation.committee?.representatives ?? 0) > 0 ? ["expert-15"] : []
        _ = try await room.startDraw(tender: id, representatives: representatives, by: try await identity("agency-01"), role: .agency, address: "10.9.0.1")
        try await commitDraw("agency-01", role: .agency)
        try await commitDraw("supervisor-01", role: .supervisor)
        try await revealDraw("agency-01", role: .agency)
        try await revealDraw("supervisor-01", role: .supervisor)
        return try await state()
    }

    func state() async throws -> EvaluationState { try #require(try await fixture.store.read { try $0.evaluation(tender: id) }) }

    // MARK: Members

    static func statement<T: Encodable>(_ document: T, by member: String) throws -> MemberStatement {
        let bytes = [UInt8](try JSONEncoder.ebid.encode(document))
        let key = try ServiceFixture.key(member)
        return MemberStatement(document: bytes, signature: try key.sign(bytes, scheme: .preferred(for: key.type)), scheme: .preferred(for: key.type))
    }

    func declare(_ member: String, _ kind: DeclarationKind = .noConflict) async throws {
        let document = DeclarationDocument(tenderId: id, section: "1", member: member, kind: kind, text: kind == .noConflict ? "与各投标人无利害关系" : "与投标人存在利害关系")
        _ = try await room.declare(tender: id, try Self.statement(document, by: member), by: try await identity(member), address: "10.9.1.1")
    }

    func declareAll() async throws {
        for member in try await state().members where try await state().declarations[member] == nil { try await declare(member) }
    }

    /// The codes a round scores, as the member's client reads them.
    func codes(_ round: ScoringRound, as member: String) async throws -> [String] {
        let view = try await room.bids(tender: id, for: try await identity(member))
        return round == .technical ? view.technicalCodes : try #require(view.commercialCodes)
    }

    /// Commits a member's sheet for a round (sheet and salt stay in `secrets`).
    func commit(_ member: String, _ round: ScoringRound, scores: [String: [String: ExactDecimal]]) async throws {
        let sheet = [UInt8](try JSONEncoder.ebid.encode(ScoreSheet(tenderId: id, section: "1", member: member, round: round, scores: scores)))
        let salt = ScoreCommitment.freshSalt()
        let state = try await state()
        let context = ScoreCommitment.context(tender: id, section: "1", member: member, round: round.rawValue)
        let commitment = ScoreCommitment.commitment(sheet: sheet, salt: salt, context: context, hash: state.hash)
        let document = CommitmentDocument(tenderId: id, section: "1", member: member, round: round, hash: state.hash, commitment: Hex.encode(commitment))
        _ = try await room.commit(tender: id, try Self.statement(document, by: member), by: try await identity(member), address: "10.9.1.1")
        secrets.sheets["\(member)/\(round.rawValue)"] = (sheet, salt)
    }

    func reveal(_ member: String, _ round: ScoringRound) async throws {
        let (sheet, salt) = try #require(secrets.sheets["\(member)/\(round.rawValue)"])
        _ = try await room.reveal(tender: id, .init(round: round, sheet: Data(sheet).base64EncodedString(), salt: Hex.encode(salt)),
                                  by: try await identity(member), address: "10.9.1.1")
    }

    /// Every member scores a round with `score(member, code, criterion)`: all commit, then all reveal.
    func scoreRound(_ round: ScoringRound, _ score: (String, String, Criterion) -> ExactDecimal) async throws {
        let members = try await state().members
        let criteria = EvaluationRoom.criteria(round, opening.spec.evaluation.rubric)
        for member in members {
            let codes = try await codes(round, as: member)
            var scores: [String: [String: ExactDecimal]] = [:]
            for code in codes { scores[code] = Dictionary(uniqueKeysWithValues: criteria.map { ($0.id, score(member, code, $0)) }) }
            try await commit(member, round, scores: scores)
        }
        for member in members { try await reveal(member, round) }
    }

    func complianceAll(rejecting: [String: [String]] = [:]) async throws {
        let members = try await state().members
        for member in members {
            let codes = try await codes(.technical, as: member)
            let opinions = codes.map { code in ComplianceOpinion(code: code, reject: rejecting[member]?.contains(code) == true, reasons: rejecting[member]?.contains(code) == true ? ["未实质性响应"] : nil) }
            _ = try await room.compliance(tender: id, opinions, by: try await identity(member), address: "10.9.1.1")
        }
    }

    func sign(_ member: String, _ opinion: ReportOpinion = .agree, reasons: String? = nil) async throws {
        let state = try await state()
        let document = ReportSignatureDocument(tenderId: id, section: "1", member: member, reportDigest: state.reportDigest!, opinion: opinion, reasons: reasons)
        _ = try await room.signReport(tender: id, try Self.statement(document, by: member), by: try await identity(member), address: "10.9.1.1")
    }

    /// A plausible score: a fraction of the maximum that depends on the code, the same for every member.
    static func typical(_ member: String, _ code: String, _ criterion: Criterion) -> ExactDecimal {
        let step = ExactDecimal(Int(code.suffix(2))! % 5)
        return ExactDecimal.max(criterion.lowest, criterion.maximum - step)
    }
}
