import Foundation

extension BidCoreError.Code {
    public static let drawInvalid: Self = "draw.invalid"
    public static let drawPoolExhausted: Self = "draw.pool-exhausted"
    public static let drawMismatch: Self = "draw.mismatch"
}

/// An expert as the draw sees it: the pool snapshot holds only what selection depends on.
public struct PoolExpert: Codable, Sendable, Equatable {
    public var id: String
    public var specialties: [String]
    /// The region whose centre registered the expert (异地评标).
    public var region: String
    public init(id: String, specialties: [String], region: String) {
        self.id = id
        self.specialties = specialties
        self.region = region
    }
}

/// Why an expert is out of this draw (RULES.md, "Evaluation": recusal; the credit register).
public struct DrawExclusion: Codable, Sendable, Equatable {
    public struct Reason: Codable, Sendable, Equatable {
        /// tenderer-staff, agency-staff, bidder-staff, bidder-relation, evaluation-ban, debarment,
        /// supervisor, suspended, declared-conflict.
        public var code: String
        public var detail: String
        public init(code: String, detail: String) {
            self.code = code
            self.detail = detail
        }
    }
    public var expert: String
    public var reasons: [Reason]
    public init(expert: String, reasons: [Reason]) {
        self.expert = expert
        self.reasons = reasons
    }
}

/// One seat filled: the first draw, or a replacement for a member who declined, recused or did
/// not arrive (Reg. art. 46: replaced only for lawful reasons, drawn the same way).
public struct DrawPick: Codable, Sendable, Equatable {
    public var seat: Int
    public var expert: String
    /// For a replacement: whom it replaces and why.
    public var replaces: String?
    public var reason: String?
    public init(seat: Int, expert: String, replaces: String? = nil, reason: String? = nil) {
        self.seat = seat
        self.expert = expert
        self.replaces = replaces
        self.reason = reason
    }
}

/// Picks members seat by seat from the stream (docs/evaluation.md, "The verifiable draw"). For
/// each pick: the candidates are the eligible experts holding the seat's specialty (and, for
/// `other-regions`, registered outside the tender's region) not drawn before in this draw —
/// neither members nor anyone replaced — in the byte order of their ids; the pick is
/// `candidates[stream.index(below: candidates.count)]`. Seats are filled in the order listed, one
/// pick per place; replacements continue the same stream.
public struct CommitteeDrawer {
    public let committee: CommitteeSpec
    /// Eligible experts, in byte order of id.
    private let eligible: [PoolExpert]
    private var stream: DrawStream
    private var drawn = Set<String>()
    public private(set) var picks: [DrawPick] = []

    public static let replacementReasons: Set<String> = ["declined", "recused", "absent", "conflict-found", "unreachable"]

    public init(committee: CommitteeSpec, pool: [PoolExpert], excluded: Set<String>, seed: [UInt8], hash: HashAlgorithm = .sha256) {
        self.committee = committee
        eligible = ExpertDraw.sorted(pool).filter { !excluded.contains($0.id) }
        stream = DrawStream(seed: seed, label: "committee", hash: hash)
    }

    /// The current member of each seat place (seat index, then place).
    public var members: [DrawPick] { ExpertDraw.currentMembers(picks) }

    /// Fills every seat.
    public mutating func drawAll() throws {
        precondition(picks.isEmpty, "the committee is drawn once")
        for (index, seat) in committee.seats.enumerated() {
            for _ in 0..<seat.count { picks.append(DrawPick(seat: index, expert: try pick(for: seat, index: index))) }
        }
    }

    /// Draws a replacement for a current member, in the same seat.
    public mutating func replace(_ expert: String, reason: String) throws -> DrawPick {
        guard CommitteeDrawer.replacementReasons.contains(reason) else {
            throw BidCoreError(.drawInvalid, "a replacement needs a lawful reason: \(CommitteeDrawer.replacementReasons.sorted().joined(separator: ", "))")
        }
        guard let member = members.first(where: { $0.expert == expert }) else {
            throw BidCoreError(.drawInvalid, "\(expert) is not a member of this committee")
        }
        let seat = committee.seats[member.seat]
        let replacement = DrawPick(seat: member.seat, expert: try pick(for: seat, index: member.seat), replaces: expert, reason: reason)
        picks.append(replacement)
        return replacement
    }

    private mutating func pick(for seat: CommitteeSpec.Seat, index: Int) throws -> String {
        let candidates = eligible.filter { expert in
            !drawn.contains(expert.id) && expert.specialties.contains(seat.specialty)
                && (seat.origin == .anyRegion || expert.region != committee.region)
        }
        guard !candidates.isEmpty else {
            throw BidCoreError(.drawPoolExhausted, "no eligible expert is left for seat \(index + 1) (\(seat.specialty)\(seat.origin == .otherRegions ? ", from other regions" : ""))")
        }
        let chosen = candidates[stream.index(below: candidates.count)].id
        drawn.insert(chosen)
        return chosen
    }
}

/// The hashes that fix a draw before anyone reveals (docs/evaluation.md).
public enum ExpertDraw {
    public static let algorithm = "ebid-draw-v1"

    /// Ids are ASCII [A-Za-z0-9._-], 1…64, so byte order is plain to every language.
    public static func isExpertId(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || byte == 0x2e || byte == 0x5f || byte == 0x2d
        }
    }

    /// The members after replacements: each replacement takes the place of the one it replaces.
    public static func currentMembers(_ picks: [DrawPick]) -> [DrawPick] {
        var current: [DrawPick] = []
        for pick in picks {
            if let replaced = pick.replaces, let at = current.firstIndex(where: { $0.expert == replaced }) { current[at] = pick } else { current.append(pick) }
        }
        return current
    }

    public static func sorted(_ pool: [PoolExpert]) -> [PoolExpert] {
        pool.sorted { Array($0.id.utf8).lexicographicallyPrecedes(Array($1.id.utf8)) }
    }

    /// H("ebid/draw/pool/v1" ‖ u32(count) ‖ per expert in id byte order: frame(id) ‖ frame(region) ‖
    /// u32(#specialties) ‖ frame(specialty)… in byte order).
    public static func poolDigest(_ pool: [PoolExpert], hash: HashAlgorithm = .sha256) -> [UInt8] {
        let digest = StreamingDigest(hash)
        digest.update(DrawFraming.frame("ebid/draw/pool/v1") + DrawFraming.u32(UInt32(pool.count)))
        for expert in sorted(pool) {
            var entry = DrawFraming.frame(expert.id) + DrawFraming.frame(expert.region) + DrawFraming.u32(UInt32(expert.specialties.count))
            for specialty in expert.specialties.map({ Array($0.utf8) }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                entry += DrawFraming.frame(specialty)
            }
            digest.update(entry)
        }
        return digest.finalize()
    }

    /// H("ebid/draw/exclusions/v1" ‖ u32(count) ‖ frame(id)… in byte order).
    public static func exclusionsDigest(_ excluded: [String], hash: HashAlgorithm = .sha256) -> [UInt8] {
        let ids = excluded.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
        var input = DrawFraming.frame("ebid/draw/exclusions/v1") + DrawFraming.u32(UInt32(ids.count))
        for id in ids { input += DrawFraming.frame(id) }
        return StreamingDigest.hash(input, using: hash)
    }

    /// seed = H("ebid/draw/seed/v1" ‖ frame(tender) ‖ frame(section) ‖ frame(opening record digest) ‖
    /// frame(pool digest) ‖ frame(exclusions digest) ‖ frame(committee bytes, `committeeBytes`) ‖ u32(#reveals) ‖ per reveal
    /// in byte order of party: frame(party) ‖ frame(value)).
    public static func seed(tender: String, section: String, openingRecordDigest: [UInt8], poolDigest: [UInt8], exclusionsDigest: [UInt8],
                            committee: [UInt8], reveals: [(party: String, value: [UInt8])], hash: HashAlgorithm = .sha256) -> [UInt8] {
        var input = DrawFraming.frame("ebid/draw/seed/v1") + DrawFraming.frame(tender) + DrawFraming.frame(section)
        input += DrawFraming.frame(openingRecordDigest) + DrawFraming.frame(poolDigest) + DrawFraming.frame(exclusionsDigest) + DrawFraming.frame(committee)
        let ordered = reveals.sorted { Array($0.party.utf8).lexicographicallyPrecedes(Array($1.party.utf8)) }
        input += DrawFraming.u32(UInt32(ordered.count))
        for reveal in ordered { input += DrawFraming.frame(reveal.party) + DrawFraming.frame(reveal.value) }
        return StreamingDigest.hash(input, using: hash)
    }

    /// The committee as hashed: u32(size) ‖ u32(representatives) ‖ frame(region or "") ‖ u32(#seats) ‖
    /// per seat frame(specialty) ‖ u32(count) ‖ frame("any" | "other-regions").
    public static func committeeBytes(_ committee: CommitteeSpec) -> [UInt8] {
        var out = DrawFraming.u32(UInt32(committee.size)) + DrawFraming.u32(UInt32(committee.representatives)) + DrawFraming.frame(committee.region ?? "")
        out += DrawFraming.u32(UInt32(committee.seats.count))
        for seat in committee.seats {
            out += DrawFraming.frame(seat.specialty) + DrawFraming.u32(UInt32(seat.count)) + DrawFraming.frame(seat.origin.rawValue)
        }
        return out
    }

    /// δ from the published set: `set[DrawStream(seed, "delta").index(below: set.count)]`.
    public static func delta(from set: [ExactDecimal], seed: [UInt8], hash: HashAlgorithm = .sha256) -> ExactDecimal {
        var stream = DrawStream(seed: seed, label: "delta", hash: hash)
        return set[stream.index(below: set.count)]
    }

    /// The tie-break key of a bid: H("ebid/draw/tie-break/v1" ‖ frame(seed) ‖ frame(bid id)); the
    /// smaller key ranks first among bids still equal after the other tie-breaks.
    public static func tieBreakKey(bid: String, seed: [UInt8], hash: HashAlgorithm = .sha256) -> [UInt8] {
        StreamingDigest.hash(DrawFraming.frame("ebid/draw/tie-break/v1") + DrawFraming.frame(seed) + DrawFraming.frame(bid), using: hash)
    }
}
