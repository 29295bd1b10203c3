import Foundation

/// The committee a tender draws (RULES.md, "Evaluation"; Law art. 37): 5 or more members, an odd
/// number, experts at least two thirds — so at most a third are the tenderer's representatives,
/// who are named, not drawn. The drawn seats are listed by specialty and, for remote evaluation
/// across regions (异地评标), by where the expert is registered.
public struct CommitteeSpec: Codable, Sendable, Equatable {
    public enum Origin: String, Codable, Sendable {
        /// Any expert of the pool.
        case anyRegion = "any"
        /// Only experts registered by another region's centre than the tender's `region`.
        case otherRegions = "other-regions"
    }

    public struct Seat: Codable, Sendable, Equatable {
        public var specialty: String
        public var count: Int
        public var from: Origin?
        public init(specialty: String, count: Int, from: Origin? = nil) {
            self.specialty = specialty
            self.count = count
            self.from = from
        }
        public var origin: Origin { from ?? .anyRegion }
    }

    public var size: Int
    public var tendererRepresentatives: Int?
    public var seats: [Seat]
    /// The tender's region (administrative division code, e.g. 350100 福州市).
    public var region: String?

    public init(size: Int, tendererRepresentatives: Int? = nil, seats: [Seat], region: String? = nil) {
        self.size = size
        self.tendererRepresentatives = tendererRepresentatives
        self.seats = seats
        self.region = region
    }

    public var representatives: Int { tendererRepresentatives ?? 0 }
    public var drawnSeats: Int { seats.reduce(0) { $0 + $1.count } }

    public func validate() throws {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.committeeInvalid, reason) }
        guard (5...99).contains(size), size % 2 == 1 else { throw fail("the committee has an odd number of members, 5 or more (Law art. 37)") }
        guard (0...(size / 3)).contains(representatives) else {
            throw fail("at most a third of the committee (\(size / 3) of \(size)) may be the tenderer's representatives (Law art. 37: experts at least two thirds)")
        }
        guard !seats.isEmpty, seats.allSatisfy({ $0.count >= 1 }), drawnSeats + representatives == size else {
            throw fail("the seats draw \(drawnSeats) experts; with \(representatives) representatives they must make \(size)")
        }
        for seat in seats {
            guard !seat.specialty.isEmpty, seat.specialty.count <= 100 else { throw fail("a seat's specialty must be 1…100 characters") }
        }
        if seats.contains(where: { $0.origin == .otherRegions }) {
            guard let region, !region.isEmpty else { throw fail("seats from other regions need the tender's region") }
        }
    }
}
