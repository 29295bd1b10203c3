@testable import BidCore
import Foundation
import Testing

/// The verifiable draw (RULES.md, "Evaluation": drawn at random, nobody designates; Reg. art. 46).
struct DrawTests {
    struct Vectors: Decodable {
        var streamIndices: [String: [Int]]
        var tieBreakKeys: [String: String]
        var record: DrawRecord
    }

    /// scripts/vectors/draw-vectors.py implements docs/evaluation.md in Python from the text alone.
    @Test func pythonReferenceAgrees() throws {
        let vectors = try loadVectors("draw", as: Vectors.self)
        var stream = DrawStream(seed: [UInt8](repeating: 0, count: 32), label: "vector")
        for n in [1, 2, 3, 7, 1000, (1 << 62) + 1] {
            #expect((0..<8).map { _ in stream.index(below: n) } == vectors.streamIndices[String(n)], "n = \(n)")
        }
        let record = vectors.record
        let members = try record.verify()
        #expect(members.count == record.committee.drawnSeats)
        let seed = try record.computeSeed()
        #expect(Hex.encode(seed) == record.seed)
        for (bid, key) in vectors.tieBreakKeys { #expect(Hex.encode(ExpertDraw.tieBreakKey(bid: bid, seed: seed)) == key) }
        // Recomputing from the inputs alone gives the same picks.
        var fresh = DrawRecord(hash: .sha256, tenderId: record.tenderId, section: record.section, openingRecordDigest: record.openingRecordDigest,
                               committee: record.committee, pool: record.pool.reversed(), excluded: record.excluded, contributions: record.contributions,
                               deltaSet: record.deltaSet)
        fresh.representatives = record.representatives
        try fresh.run()
        let replaced = try #require(record.picks.last?.replaces)
        _ = try fresh.replace(replaced, reason: "declined")
        #expect(fresh == record)
    }

    @Test func drawRespectsSeatsRegionsAndExclusions() throws {
        let vectors = try loadVectors("draw", as: Vectors.self)
        let record = vectors.record
        let byId = Dictionary(uniqueKeysWithValues: record.pool.map { ($0.id, $0) })
        let excluded = Set(record.excluded.map(\.expert))
        for pick in record.picks {
            let seat = record.committee.seats[pick.seat]
            let expert = try #require(byId[pick.expert])
            #expect(expert.specialties.contains(seat.specialty))
            #expect(!excluded.contains(pick.expert))
            if seat.origin == .otherRegions { #expect(expert.region != record.committee.region) }
        }
        #expect(Set(record.picks.map(\.expert)).count == record.picks.count)  // nobody twice, not even after a replacement
    }

    @Test func tamperingIsCaught() throws {
        let original = try loadVectors("draw", as: Vectors.self).record
        var changes: [(String, (inout DrawRecord) -> Void)] = [
            ("a member swapped", { $0.picks[0].expert = "E002" }),
            ("a revealed value changed", { $0.contributions[0].value = String(repeating: "ab", count: 32) }),
            ("a commitment changed", { $0.contributions[1].commitment = String(repeating: "00", count: 32) }),
            ("an expert added to the pool", { $0.pool.append(PoolExpert(id: "E999", specialties: ["造价"], region: "350200")) }),
            ("an exclusion dropped", { $0.excluded.removeFirst() }),
            ("an exclusion without reason", { $0.excluded[0].reasons = [] }),
            ("the opening record changed", { $0.openingRecordDigest = String(repeating: "11", count: 32) }),
            ("δ changed", { $0.delta = ExactDecimal("0.09")! }),
            ("a replacement re-drawn", { $0.picks[$0.picks.count - 1].expert = "E026" }),
            ("a replacement without reason", { $0.picks[$0.picks.count - 1].reason = "disliked" }),
            ("a seat moved", { $0.committee.seats[0].count = 2; $0.committee.seats[2].count = 2 }),
            ("the seed replaced", { $0.seed = String(repeating: "22", count: 32) }),
            ("a representative dropped", { $0.representatives = [] }),
            ("a drawn member named as representative", { $0.representatives = [$0.picks[0].expert] }),
        ]
        changes.append(("a value not revealed", { $0.contributions[0].value = nil }))
        for (what, change) in changes {
            var record = original
            change(&record)
            #expect(throws: BidCoreError.self, "\(what)") { try record.verify() }
        }
    }

    @Test func indicesAreUniform() {
        // 70,000 draws over 7 values: each count within 5 standard deviations of 10,000 (σ ≈ 93).
        var stream = DrawStream(seed: Array("uniformity".utf8), label: "test")
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[stream.index(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 465 }, "\(counts)")
    }

    @Test func rejectionSamplingSkipsTheBiasedTail() {
        // For n = 2^63 + 2^62, 2^64 mod n = 2^62: words ≥ 2^64 − 2^62 must be skipped, so about a
        // quarter of the words are rejected — wordsUsed shows it.
        var stream = DrawStream(seed: [7], label: "tail")
        let n = Int(clamping: (UInt64(1) << 62) | (UInt64(1) << 61))  // fits in Int: 3 · 2^61, excess 2^61 → 1/4 rejected
        for _ in 0..<4000 { _ = stream.index(below: n) }
        #expect(stream.wordsUsed > 4800 && stream.wordsUsed < 5900, "\(stream.wordsUsed)")
    }

    @Test func poolExhaustionIsAnError() throws {
        let committee = CommitteeSpec(size: 5, seats: [.init(specialty: "桥梁", count: 5)])
        let pool = (1...4).map { PoolExpert(id: "E\($0)", specialties: ["桥梁"], region: "350100") }
        var drawer = CommitteeDrawer(committee: committee, pool: pool, excluded: [], seed: [1])
        #expect(throws: BidCoreError.self) { try drawer.drawAll() }
    }

    @Test func drawCommitmentsBind() {
        let value = [UInt8](repeating: 5, count: 32)
        let commitment = DrawCommitment.commitment(value: value, party: "agency-01", context: "T/1")
        #expect(commitment != DrawCommitment.commitment(value: value, party: "agency-02", context: "T/1"))
        #expect(commitment != DrawCommitment.commitment(value: value, party: "agency-01", context: "T/2"))
    }

    @Test func scoreCommitmentsOpenOnlyWithTheirSheetAndSalt() {
        let sheet = Array(#"{"B-1":{"T1":"20"}}"#.utf8)
        let salt = ScoreCommitment.freshSalt()
        let context = ScoreCommitment.context(tender: "T", section: "1", member: "E001", round: "technical")
        for hash in HashAlgorithm.allCases {
            let commitment = ScoreCommitment.commitment(sheet: sheet, salt: salt, context: context, hash: hash)
            #expect(ScoreCommitment.opens(commitment, sheet: sheet, salt: salt, context: context, hash: hash))
            #expect(!ScoreCommitment.opens(commitment, sheet: Array(#"{"B-1":{"T1":"21"}}"#.utf8), salt: salt, context: context, hash: hash))
            #expect(!ScoreCommitment.opens(commitment, sheet: sheet, salt: ScoreCommitment.freshSalt(), context: context, hash: hash))
            #expect(!ScoreCommitment.opens(commitment, sheet: sheet, salt: salt, context: context + "x", hash: hash))
            #expect(!ScoreCommitment.opens(commitment, sheet: sheet, salt: Array(salt.prefix(16)), context: context, hash: hash))
        }
        #expect(ScoreCommitment.freshSalt() != ScoreCommitment.freshSalt())
    }
}
