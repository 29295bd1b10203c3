import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Dev {
    /// `ebid dev bench-evaluation`: the in-process timings of scripts/bench-evaluation.sh — the draw
    /// from a large pool, and sealed scoring end to end (sheets, commitments signed by each member,
    /// reveals checked against them, aggregation, price scores, ranking, the report signed by the
    /// platform and by every member). Writes the inputs for the Python `decimal` peer to --out.
    struct BenchEvaluation: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "bench-evaluation", abstract: "Time the draw and sealed scoring (benchmark helper).")

        @Option var pool = 100_000
        @Option var exclusions = 5_000
        @Option var bids = 1_000
        @Option var criteria = 40
        @Option var members = 9
        @Option(help: "Directory for the peer's inputs.") var out: String

        func run() async throws {
            try await reportingErrors {
                try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                try benchDraw()
                try benchScoring()
            }
        }

        func time<T>(_ label: String, _ body: () throws -> T) rethrows -> (T, Double) {
            let start = DispatchTime.now().uptimeNanoseconds
            let value = try body()
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            print("\(label) \(String(format: "%.4f", seconds))")
            return (value, seconds)
        }

        func benchDraw() throws {
            var random = SplitMix(seed: 12)
            let specialties = ["市政道路", "桥梁", "工程造价", "房屋建筑", "给排水", "施工管理", "水利", "结构"]
            let regions = ["350100", "350200", "350300", "350400", "350500", "350600"]
            let experts = (0..<pool).map { index in
                PoolExpert(id: String(format: "E%06d", index), specialties: [specialties[Int(random.next() % 8)], specialties[Int(random.next() % 8)]].uniqued(),
                           region: regions[Int(random.next() % 6)])
            }
            var excludedIds = Set<String>()
            while excludedIds.count < exclusions { excludedIds.insert(experts[Int(random.next() % UInt64(pool))].id) }
            let excluded = excludedIds.sorted().map { DrawExclusion(expert: $0, reasons: [.init(code: "bidder-relation", detail: "bench")]) }
            let committee = CommitteeSpec(size: members, seats: [.init(specialty: "市政道路", count: members - 3), .init(specialty: "工程造价", count: 3, from: .otherRegions)],
                                          region: "350100")
            let value = SecureRandom.bytes(32)
            let contribution = DrawRecord.Contribution(party: "agency-01", role: "host",
                                                       commitment: Hex.encode(DrawCommitment.commitment(value: value, party: "agency-01", context: "BENCH/1")), value: Hex.encode(value))
            var (record, _) = time("draw.record") {
                DrawRecord(hash: .sha256, tenderId: "BENCH", section: "1", openingRecordDigest: String(repeating: "ab", count: 32), committee: committee,
                           pool: experts, excluded: excluded, contributions: [contribution])
            }
            _ = try time("draw.run") { try record.run() }
            _ = try time("draw.verify") { try record.verify() }
            try JSONEncoder.ebid.encode(record).write(to: URL(fileURLWithPath: "\(out)/draw.json"))
        }

        func benchScoring() throws {
            var random = SplitMix(seed: 34)
            let scored = (1..<criteria).map { Criterion(id: "C\($0)", name: "评分项\($0)", kind: .subjective, part: $0 % 2 == 0 ? .technical : .commercial, maximum: ExactDecimal(20)) }
            let formula = BenchmarkPriceFormula(drop: [.init(whenAtLeast: 7, highest: 1, lowest: 1)], delta: .fixed(ExactDecimal("0.03")!), slopeAbove: ExactDecimal("1.2")!,
                                                slopeBelow: ExactDecimal("0.8")!, floor: .zero)
            let rubric = Rubric(criteria: scored + [Criterion(id: "P", name: "投标报价", kind: .price, part: .commercial, maximum: 40)], price: .benchmark(formula),
                                aggregation: .init(method: .trimmedMean, trimWhenAtLeast: 7), tieBreaks: [.lowerPrice, .draw])
            try rubric.validate(for: .comprehensive)
            let codes = (1...bids).map { String(format: "B%04d", $0) }
            let prices = codes.map { _ in ExactDecimal(significand: Int128(3_000_000_000 + random.next() % 800_000_000), scale: 2) }
            let keys = try (0..<members).map { _ in try PrivateKey.generate(.sm2) }
            let platform = try PrivateKey.generate(.sm2)
            let memberIds = (1...members).map { String(format: "expert-%02d", $0) }
            var sheets: [[UInt8]] = []
            var values: [String: [String: [String: ExactDecimal]]] = [:]
            for member in memberIds {
                var sheet: [String: [String: ExactDecimal]] = [:]
                for code in codes {
                    var scores: [String: ExactDecimal] = [:]
                    for criterion in scored { scores[criterion.id] = ExactDecimal(significand: Int128(1500 + random.next() % 501), scale: 2) }
                    sheet[code] = scores
                }
                values[member] = sheet
                sheets.append([UInt8](try JSONEncoder.ebid.encode(ScoreSheet(tenderId: "BENCH", section: "1", member: member, round: .technical, scores: sheet))))
            }
            var total = 0.0
            // Commit: each member's machine hashes its sheet with a fresh salt and signs the commitment.
            let (committed, commitSeconds) = try time("scoring.commit") {
                try zip(memberIds, zip(sheets, keys)).map { member, pair -> (salt: [UInt8], statement: MemberStatement) in
                    let salt = ScoreCommitment.freshSalt()
                    let context = ScoreCommitment.context(tender: "BENCH", section: "1", member: member, round: "technical")
                    let document = CommitmentDocument(tenderId: "BENCH", section: "1", member: member, round: .technical, hash: .sm3,
                                                      commitment: Hex.encode(ScoreCommitment.commitment(sheet: pair.0, salt: salt, context: context, hash: .sm3)))
                    let bytes = [UInt8](try JSONEncoder.ebid.encode(document))
                    return (salt, MemberStatement(document: bytes, signature: try pair.1.sign(bytes, scheme: .sm2WithSM3), scheme: .sm2WithSM3))
                }
            }
            total += commitSeconds
            // Reveal: the service checks each signature and commitment, decodes and checks each sheet.
            let (revealed, revealSeconds) = try time("scoring.reveal") {
                var revealed: [String: [String: [String: ExactDecimal]]] = [:]
                for (index, member) in memberIds.enumerated() {
                    let statement = committed[index].statement
                    guard try keys[index].publicKey.isValidSignature(statement.signatureBytes!, for: statement.documentBytes!, scheme: .sm2WithSM3) else { throw CLIError("signature") }
                    let document = try JSONDecoder.ebid.decodeStrict(CommitmentDocument.self, from: Data(statement.documentBytes!))
                    guard ScoreCommitment.opens(Hex.decode(document.commitment)!, sheet: sheets[index], salt: committed[index].salt,
                                                context: ScoreCommitment.context(tender: "BENCH", section: "1", member: member, round: "technical"), hash: .sm3) else { throw CLIError("commitment") }
                    let sheet = try JSONDecoder.ebid.decodeStrict(ScoreSheet.self, from: Data(sheets[index]))
                    var only = rubric
                    only.criteria = scored
                    for (code, scores) in sheet.scores { try Evaluator.checkScores(scores, rubric: only, what: code) }
                    revealed[member] = sheet.scores
                }
                return revealed
            }
            total += revealSeconds
            // Aggregation, price scores, totals, deviation flags, ranking.
            let scoringBids = zip(codes, prices).map { ScoringBid(id: $0, price: $1) }
            let (outcome, evaluateSeconds) = try time("scoring.evaluate") {
                try Evaluator.evaluate(method: .comprehensive, rubric: rubric, bids: scoringBids, sheets: revealed, tieSeed: [7], hash: .sm3)
            }
            total += evaluateSeconds
            // The report: encoded and signed by the platform, then signed (its digest) by every member and checked.
            let (_, reportSeconds) = try time("scoring.report") {
                struct Report: Encodable { var ranking: [String]; var totals: [String: ExactDecimal]; var criteria: [String: [String: ExactDecimal]]; var scores: [String: [String: [String: ExactDecimal]]] }
                let report = Report(ranking: outcome.ranking.map(\.id), totals: Dictionary(uniqueKeysWithValues: outcome.bids.map { ($0.id, $0.total!) }),
                                    criteria: Dictionary(uniqueKeysWithValues: outcome.bids.map { ($0.id, $0.criteria) }), scores: revealed)
                let bytes = [UInt8](try JSONEncoder.ebid.encode(report))
                let signature = try platform.sign(bytes, scheme: .sm2WithSM3)
                let digest = Hex.encode(StreamingDigest.hash(bytes, using: .sha256))
                for (index, member) in memberIds.enumerated() {
                    let document = [UInt8](try JSONEncoder.ebid.encode(ReportSignatureDocument(tenderId: "BENCH", section: "1", member: member, reportDigest: digest, opinion: .agree, reasons: nil)))
                    let memberSignature = try keys[index].sign(document, scheme: .sm2WithSM3)
                    guard try keys[index].publicKey.isValidSignature(memberSignature, for: document, scheme: .sm2WithSM3) else { throw CLIError("member signature") }
                }
                return (bytes.count, signature.count)
            }
            total += reportSeconds
            print("scoring.total \(String(format: "%.4f", total))")
            print("scoring.per-bid-ms \(String(format: "%.4f", total * 1000 / Double(bids)))")
            print("ranking.first \(outcome.ranking.first!.id) \(outcome.ranking.first!.total!)")
            print("scoring.flags \(outcome.deviations.count)")
            // The peer's input: the prices, the sheets, the rubric's parameters.
            struct PeerInput: Encodable { var prices: [String: ExactDecimal]; var sheets: [String: [String: [String: ExactDecimal]]] }
            try JSONEncoder.ebid.encode(PeerInput(prices: Dictionary(uniqueKeysWithValues: zip(codes, prices)), sheets: revealed)).write(to: URL(fileURLWithPath: "\(out)/scoring.json"))
            try Data(outcome.ranking.map { "\($0.id),\($0.total!)" }.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: "\(out)/ranking.csv"))
        }
    }
}

extension Array where Element: Hashable {
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
