import BidCore
import BidDomain
import Foundation

/// What the public portal shows (信息全公开): only what the law makes public at each stage.
///
/// Every page is built from the same public facts the JSON API gives anyone: the published
/// tender (TenderView), the opening record once signed, the candidates once published, the award
/// and the committee once awarded. Nothing here reads a bid, a bid count or a member before the law
/// makes it public (Law art. 22; art. 37: the committee stays secret until the result).
public struct PortalDesk: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    /// A signed document as published, decoded.
    public struct Published<T: Sendable>: Sendable {
        public var value: T
        public var signed: SignedDocument
    }

    /// One tender and everything about it that is public now.
    public struct TenderFile: Sendable {
        public var tender: TenderView
        public var stage: PublicStage
        /// When the opening started and ended (public: the opening is at the deadline, Law art. 34).
        public var openingStartedAt: Date?
        public var openingCompletedAt: Date?
        public var record: Published<OpeningRecord>?
        /// The evaluation's phase, once it started (its members stay hidden until the award).
        public var phase: EvaluationPhase?
        public var publicity: Published<EvaluationRoom.Publicity>?
        /// Objections to the result, without who raised them.
        public var objections: [Objection]
        public var award: Published<EvaluationRoom.Award>?
        public var drawRecordDigest: String?
        public var now: Date
    }

    public func tenderFile(_ id: String) async throws -> TenderFile {
        let tender = try await TenderDesk(environment).view(id, for: nil)
        let now = environment.clock.now()
        return try await environment.store.read { tx in
            let stored = try tx.tender(id: id)
            let opening = try tx.opening(tender: id)
            let state = try tx.evaluation(tender: id)
            let record = try tx.openingRecord(tender: id).map { Published(value: try $0.decode(OpeningRecord.self), signed: $0) }
            func entry<T: Decodable & Sendable>(_ kind: EvaluationEntryKind, _ type: T.Type) throws -> Published<T>? {
                guard let body = try tx.evaluationEntry(tender: id, kind: kind, member: "", round: ""),
                      let signed = try JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data(body)).signed else { return nil }
                return Published(value: try signed.decode(T.self), signed: signed)
            }
            let resultPublic = state.map { [.publicity, .awarded].contains($0.phase) } ?? false
            let awarded = state?.phase == .awarded
            let objections = resultPublic ? (state?.resultObjections ?? []).map(\.published) : []
            return TenderFile(tender: tender, stage: PublicStage(status: stored?.status ?? tender.status, deadline: tender.deadline, phase: state?.phase, now: now),
                              openingStartedAt: opening?.startedAt, openingCompletedAt: record == nil ? nil : opening?.completedAt, record: record,
                              phase: state?.phase, publicity: resultPublic ? try entry(.publicity, EvaluationRoom.Publicity.self) : nil, objections: objections,
                              award: awarded ? try entry(.award, EvaluationRoom.Award.self) : nil,
                              drawRecordDigest: awarded ? state?.drawDigest : nil, now: now)
        }
    }

    /// The signed documents a tender page offers for download, by their file name.
    public enum DocumentName: String, Sendable, CaseIterable {
        case openingRecord = "opening-record"
        case publicity
        case award
    }

    /// A signed document of a tender, once public (else `document.not-public`).
    public func signedDocument(tender id: String, _ name: DocumentName) async throws -> SignedDocument {
        let file = try await tenderFile(id)
        let signed: SignedDocument?
        switch name {
        case .openingRecord: signed = file.record?.signed
        case .publicity: signed = file.publicity?.signed
        case .award: signed = file.award?.signed
        }
        guard let signed else {
            throw ServiceError.notFound("document.not-public", "tender \(id) has no published \(name.rawValue) yet")
        }
        return signed
    }

    public struct ListRow: Sendable {
        public var summary: TenderSummaryView
        public var stage: PublicStage
        public var category: ProcurementCategory
    }

    public struct ListPage: Sendable {
        public var query: PublicTenderQuery
        public var total: Int
        public var rows: [ListRow]
        public var now: Date
    }

    public func list(_ query: PublicTenderQuery) async throws -> ListPage {
        let now = environment.clock.now()
        let (total, rows, parties) = try await environment.store.read { tx in
            let (total, rows) = try tx.publicTenderPage(query, now: now)
            return (total, rows, try Self.parties(of: rows.map(\.tender), tx))
        }
        return ListPage(query: query, total: total, rows: rows.map { Self.row($0.tender, phase: $0.phase, parties: parties, now: now) }, now: now)
    }

    public struct Home: Sendable {
        public var takingBids: [ListRow]
        public var opened: [ListRow]
        public var results: [ListRow]
        public var now: Date
    }

    public func home(limit: Int = 8) async throws -> Home {
        let now = environment.clock.now()
        return try await environment.store.read { tx in
            let taking = try tx.tendersTakingBids(now: now, limit: limit)
            let opened = try tx.recentlyOpened(limit: limit)
            let results = try tx.recentResults(limit: limit)
            let parties = try Self.parties(of: taking + opened + results.map(\.tender), tx)
            func phase(_ tender: Tender) throws -> EvaluationPhase? { try tx.evaluation(tender: tender.id)?.phase }
            return Home(takingBids: taking.map { Self.row($0, phase: nil, parties: parties, now: now) },
                        opened: try opened.map { Self.row($0, phase: try phase($0), parties: parties, now: now) },
                        results: results.map { Self.row($0.tender, phase: $0.phase, parties: parties, now: now) }, now: now)
        }
    }

    /// The figures the reform's reports quote, from public facts only.
    public struct Statistics: Sendable {
        public var publishedPerMonth: [(month: String, count: Int)]
        /// Tenders opened (record published), and how many had n bids.
        public var opened: Int
        public var bidsHistogram: [(bids: Int, tenders: Int)]
        public var averageBids: ExactDecimal?
        /// Awards with a maximum price, and the mean of (maximum − winning) / maximum, in percent.
        public var awardsWithMaximum: Int
        public var averageDiscountPercent: ExactDecimal?
        /// Per month of the award: the mean discount in percent.
        public var discountPerMonth: [(month: String, percent: ExactDecimal)]
        public var failed: Int
        public var now: Date
    }

    public func statistics() async throws -> Statistics {
        let now = environment.clock.now()
        return try await environment.store.read { tx in
            let counts = try tx.openedBidCounts()
            var histogram: [Int: Int] = [:]
            for (_, bids) in counts { histogram[bids, default: 0] += 1 }
            let totalBids = counts.reduce(0) { $0 + $1.bids }
            var discounts: [(month: String, percent: ExactDecimal)] = []
            for state in try tx.evaluations(phase: .awarded) {
                guard let tender = try tx.tender(id: state.tenderId), let maximum = ExactDecimal.price(tender.spec.maximumPrice), maximum > .zero,
                      let body = try tx.evaluationEntry(tender: state.tenderId, kind: .award, member: "", round: ""),
                      let signed = try JSONDecoder.ebid.decode(SignedDocument.Wire.self, from: Data(body)).signed else { continue }
                let award = try signed.decode(EvaluationRoom.Award.self)
                guard let share = (maximum - award.winner.price).divided(by: maximum, places: 8) else { continue }
                discounts.append((PortalDesk.month(award.awardedAt), share * .hundred))
            }
            let byMonth = Dictionary(grouping: discounts, by: \.month).map { month, values in
                (month, ExactDecimal.sum(values.map(\.percent)).divided(by: ExactDecimal(values.count), places: 2) ?? .zero)
            }.sorted { $0.0 < $1.0 }
            return Statistics(publishedPerMonth: try tx.publishedPerMonth(), opened: counts.count,
                              bidsHistogram: histogram.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
                              averageBids: counts.isEmpty ? nil : ExactDecimal(totalBids).divided(by: ExactDecimal(counts.count), places: 2),
                              awardsWithMaximum: discounts.count,
                              averageDiscountPercent: discounts.isEmpty ? nil : ExactDecimal.sum(discounts.map(\.percent)).divided(by: ExactDecimal(discounts.count), places: 2),
                              discountPerMonth: byMonth, failed: try tx.tenders(status: .failed).count, now: now)
        }
    }

    // MARK: Helpers

    package static func parties(of tenders: [Tender], _ tx: any PartyTransaction) throws -> [String: Party] {
        var parties: [String: Party] = [:]
        for id in Set(tenders.flatMap { [$0.tendererParty] + ($0.agencyParty.map { [$0] } ?? []) }) { parties[id] = try tx.party(id: id) }
        return parties
    }

    package static func row(_ tender: Tender, phase: EvaluationPhase?, parties: [String: Party], now: Date) -> ListRow {
        ListRow(summary: TenderSummaryView(tender, tenderer: parties[tender.tendererParty], agency: tender.agencyParty.flatMap { parties[$0] }),
                stage: PublicStage(status: tender.status, deadline: tender.deadline, phase: phase, now: now), category: tender.spec.category ?? .works)
    }

    /// `yyyy-MM` in Beijing time.
    package static func month(_ date: Date) -> String {
        let components = BeijingTime.calendar.dateComponents([.year, .month], from: date)
        return String(format: "%04d-%02d", components.year ?? 0, components.month ?? 0)
    }
}

/// Times as the portal shows them: Asia/Shanghai (DESIGN.md, "Time").
public enum BeijingTime {
    public static let zone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!
    public static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }()

    /// `2026-12-01 16:54`.
    public static func minute(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0)
    }

    /// `2026-12-01 16:54:07`.
    public static func second(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    /// `2026-12-01`.
    public static func day(_ date: Date) -> String { String(minute(date).prefix(10)) }

    /// The instant a Beijing day (`yyyy-MM-dd`) starts; nil when it is not a date.
    public static func startOfDay(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, text.count == 10, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }

    /// `3天4小时`, `25分钟`, `12秒`: what is left until `date`.
    public static func remaining(until date: Date, now: Date) -> String {
        let seconds = Int(date.timeIntervalSince(now).rounded(.down))
        guard seconds > 0 else { return "已截止" }
        let days = seconds / 86_400, hours = seconds % 86_400 / 3_600, minutes = seconds % 3_600 / 60
        if days > 0 { return "\(days)天\(hours)小时" }
        if hours > 0 { return "\(hours)小时\(minutes)分钟" }
        if minutes > 0 { return "\(minutes)分钟" }
        return "\(seconds)秒"
    }
}
