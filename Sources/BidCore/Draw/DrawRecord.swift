import Foundation

/// The published record of a tender's draw (docs/evaluation.md, "The verifiable draw"): everything
/// anyone needs to recompute the committee offline (`ebid draw verify --in FILE`). The service
/// signs it; this type checks what follows from the record itself.
public struct DrawRecord: Codable, Sendable, Equatable {
    public struct Contribution: Codable, Sendable, Equatable {
        /// Party id of the contributor (the host, a supervisor…).
        public var party: String
        public var role: String
        /// Hex of `DrawCommitment.commitment`, recorded before any value was revealed.
        public var commitment: String
        /// Hex of the 32-byte value, once revealed.
        public var value: String?
        public init(party: String, role: String, commitment: String, value: String? = nil) {
            self.party = party
            self.role = role
            self.commitment = commitment
            self.value = value
        }
    }

    public var format = "ebid-draw-record"
    public var version = 1
    public var algorithm = ExpertDraw.algorithm
    public var hash: HashAlgorithm
    public var tenderId: String
    public var section: String
    /// Hex digest of the signed opening record.
    public var openingRecordDigest: String
    public var committee: CommitteeSpec
    public var pool: [PoolExpert]
    public var poolDigest: String
    public var excluded: [DrawExclusion]
    public var exclusionsDigest: String
    public var contributions: [Contribution]
    public var seed: String?
    /// Every pick in order: the first draw, then replacements.
    public var picks: [DrawPick]
    /// δ drawn from the price formula's published set, when it has one.
    public var deltaSet: [ExactDecimal]?
    /// The tenderer's representatives (Law art. 37: at most a third), named by the host when the
    /// draw is set up, not drawn.
    public var representatives: [String]?
    public var delta: ExactDecimal?

    public init(hash: HashAlgorithm, tenderId: String, section: String, openingRecordDigest: String, committee: CommitteeSpec,
                pool: [PoolExpert], excluded: [DrawExclusion], contributions: [Contribution], deltaSet: [ExactDecimal]? = nil) {
        self.hash = hash
        self.tenderId = tenderId
        self.section = section
        self.openingRecordDigest = openingRecordDigest
        self.committee = committee
        self.pool = ExpertDraw.sorted(pool)
        self.poolDigest = Hex.encode(ExpertDraw.poolDigest(pool, hash: hash))
        self.excluded = excluded.sorted { Array($0.expert.utf8).lexicographicallyPrecedes(Array($1.expert.utf8)) }
        self.exclusionsDigest = Hex.encode(ExpertDraw.exclusionsDigest(excluded.map(\.expert), hash: hash))
        self.contributions = contributions
        self.picks = []
        self.deltaSet = deltaSet
    }

    public var context: String { "\(tenderId)/\(section)" }

    /// The seed from the revealed values; every commitment checked. Throws when a value is
    /// missing or does not match its commitment.
    public func computeSeed() throws -> [UInt8] {
        guard !contributions.isEmpty else { throw BidCoreError(.drawInvalid, "the draw has no committed values") }
        guard Set(contributions.map(\.party)).count == contributions.count else { throw BidCoreError(.drawInvalid, "a party contributed twice") }
        var reveals: [(party: String, value: [UInt8])] = []
        for contribution in contributions {
            guard let text = contribution.value, let value = Hex.decode(text), value.count == DrawCommitment.valueLength else {
                throw BidCoreError(.drawInvalid, "\(contribution.party) has not revealed a \(DrawCommitment.valueLength)-byte value")
            }
            let expected = Hex.encode(DrawCommitment.commitment(value: value, party: contribution.party, context: context, hash: hash))
            guard expected == contribution.commitment.lowercased() else {
                throw BidCoreError(.drawMismatch, "the value \(contribution.party) revealed does not match its commitment")
            }
            reveals.append((contribution.party, value))
        }
        guard let opening = Hex.decode(openingRecordDigest), let pool = Hex.decode(poolDigest), let exclusions = Hex.decode(exclusionsDigest) else {
            throw BidCoreError(.drawInvalid, "digests must be hex")
        }
        return ExpertDraw.seed(tender: tenderId, section: section, openingRecordDigest: opening, poolDigest: pool, exclusionsDigest: exclusions,
                               committee: ExpertDraw.committeeBytes(committee), reveals: reveals, hash: hash)
    }

    /// Recomputes everything that follows from the record: the pool and exclusion digests, the
    /// commitments, the seed, every pick and replacement, and δ. Returns the members; throws
    /// `draw.mismatch` naming the first difference.
    @discardableResult
    public func verify() throws -> [DrawPick] {
        func mismatch(_ what: String) -> BidCoreError { BidCoreError(.drawMismatch, what) }
        guard format == "ebid-draw-record", version == 1, algorithm == ExpertDraw.algorithm else {
            throw BidCoreError(.drawInvalid, "not an \(ExpertDraw.algorithm) draw record")
        }
        try committee.validate()
        guard pool.allSatisfy({ ExpertDraw.isExpertId($0.id) }), Set(pool.map(\.id)).count == pool.count else {
            throw BidCoreError(.drawInvalid, "pool ids must be unique plain identifiers")
        }
        guard Hex.encode(ExpertDraw.poolDigest(pool, hash: hash)) == poolDigest.lowercased() else { throw mismatch("the pool does not match its digest") }
        let ids = Set(pool.map(\.id))
        guard excluded.allSatisfy({ ids.contains($0.expert) && !$0.reasons.isEmpty }) else {
            throw BidCoreError(.drawInvalid, "every exclusion names an expert of the pool and a reason")
        }
        guard Hex.encode(ExpertDraw.exclusionsDigest(excluded.map(\.expert), hash: hash)) == exclusionsDigest.lowercased() else {
            throw mismatch("the exclusions do not match their digest")
        }
        let named = representatives ?? []
        guard named.count == committee.representatives, Set(named).count == named.count, named.allSatisfy(ExpertDraw.isExpertId) else {
            throw BidCoreError(.drawInvalid, "the committee has \(committee.representatives) tenderer's representative(s); the record names \(named.count)")
        }
        let computed = try computeSeed()
        if let seed, seed.lowercased() != Hex.encode(computed) { throw mismatch("the seed is not the one the revealed values give") }
        var drawer = CommitteeDrawer(committee: committee, pool: pool, excluded: Set(excluded.map(\.expert)), seed: computed, hash: hash)
        try drawer.drawAll()
        let initial = drawer.picks
        guard picks.count >= initial.count else { throw mismatch("the record lists \(picks.count) picks; the committee draws \(initial.count)") }
        for (index, pick) in initial.enumerated() where picks[index] != pick {
            throw mismatch("pick \(index + 1) (seat \(pick.seat + 1)) is \(pick.expert), the record says \(picks[index].expert)")
        }
        for recorded in picks.dropFirst(initial.count) {
            guard let replaced = recorded.replaces, let reason = recorded.reason else { throw mismatch("pick of \(recorded.expert) is neither in the first draw nor a replacement") }
            let replacement = try drawer.replace(replaced, reason: reason)
            guard replacement == recorded else { throw mismatch("the replacement of \(replaced) is \(replacement.expert), the record says \(recorded.expert)") }
        }
        if !Set(named).isDisjoint(with: drawer.picks.map(\.expert)) { throw mismatch("a representative was also drawn") }
        if let deltaSet {
            let drawnDelta = ExpertDraw.delta(from: deltaSet, seed: computed, hash: hash)
            guard delta == drawnDelta else { throw mismatch("δ is \(drawnDelta), the record says \(delta.map(\.description) ?? "nothing")") }
        } else if delta != nil {
            throw mismatch("the record gives δ without the set it is drawn from")
        }
        return drawer.members
    }

    /// Completes the record once every value is revealed: seed, first picks and δ.
    public mutating func run() throws {
        let computed = try computeSeed()
        var drawer = CommitteeDrawer(committee: committee, pool: pool, excluded: Set(excluded.map(\.expert)), seed: computed, hash: hash)
        try drawer.drawAll()
        seed = Hex.encode(computed)
        picks = drawer.picks
        if let deltaSet { delta = ExpertDraw.delta(from: deltaSet, seed: computed, hash: hash) }
    }

    /// Adds a replacement drawn the same way (replays the stream to where it stands).
    public mutating func replace(_ expert: String, reason: String) throws -> DrawPick {
        guard let seed, let bytes = Hex.decode(seed) else { throw BidCoreError(.drawInvalid, "the committee is not drawn yet") }
        var drawer = CommitteeDrawer(committee: committee, pool: pool, excluded: Set(excluded.map(\.expert)), seed: bytes, hash: hash)
        try drawer.drawAll()
        for recorded in picks.dropFirst(drawer.picks.count) { _ = try drawer.replace(recorded.replaces!, reason: recorded.reason!) }
        let pick = try drawer.replace(expert, reason: reason)
        picks.append(pick)
        return pick
    }

    /// The current members (replacements applied).
    public var members: [DrawPick] { ExpertDraw.currentMembers(picks) }
}
