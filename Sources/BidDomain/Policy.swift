import Foundation

/// The statutory periods the service enforces (RULES.md). `statutory` is the law; `demo`
/// shortens every period (a "day" lasts one second) so a whole tender runs in seconds, and every
/// response says so.
public enum PolicyProfile: String, Sendable, Codable, CaseIterable {
    case statutory
    case demo

    /// The length of a statutory day under this profile.
    public var day: TimeInterval { self == .statutory ? 86_400 : 1 }

    /// From the start of document issue to the bid deadline: at least 20 days (Law art. 24).
    public var minimumBidPeriod: TimeInterval { 20 * day }
    /// Documents are on issue for at least 5 days (Reg. art. 16).
    public var minimumDocumentIssue: TimeInterval { 5 * day }
    /// An amendment must be published at least 15 days before the deadline, else the deadline moves
    /// (Law art. 23, Reg. art. 21).
    public var amendmentNotice: TimeInterval { 15 * day }
    /// Default decryption window at the opening: 30 minutes (30 seconds in the demo profile).
    public var defaultDecryptionWindow: TimeInterval { self == .statutory ? 30 * 60 : 30 }

    /// Said in every response of a demo-profile service.
    public var notice: String? {
        self == .demo ? "demo profile: statutory periods are shortened (a day lasts one second); not for real tenders" : nil
    }
}

/// The service's clock: deadlines are judged by it, on the server. Its times are whole
/// milliseconds, the precision both stores keep: a time signed into a receipt or hashed into the
/// ledger is the time the row holds. (With sub-millisecond times, a bid received at x.9996 s was
/// stored as x+1.000 s and hashed as x s; the audit then found its row unlike its event — once in
/// about two thousand bids.)
public protocol ServiceClock: Sendable {
    func now() -> Date
}

extension Date {
    /// This time to the nearest millisecond, as the stores keep it (SQLValue.time).
    public var wholeMilliseconds: Date { Date(timeIntervalSince1970: TimeInterval(Int64((timeIntervalSince1970 * 1000).rounded())) / 1000) }
}

public struct SystemClock: ServiceClock {
    public init() {}
    public func now() -> Date { Date().wholeMilliseconds }
}

/// System time plus an offset that only moves forward: the demo profile (and tests) use it to
/// let a tender's periods pass in an instant. The statutory profile never uses it.
public final class AdjustableClock: ServiceClock, @unchecked Sendable {
    private let lock = NSLock()
    private var offset: TimeInterval = 0
    private let base: @Sendable () -> Date

    public init(base: @escaping @Sendable () -> Date = { Date() }, offset: TimeInterval = 0) {
        self.base = base
        self.offset = max(0, offset)
    }

    /// How far ahead of the base clock this clock runs.
    public var offsetSeconds: TimeInterval {
        lock.lock()
        defer { lock.unlock() }
        return offset
    }

    public func now() -> Date {
        lock.lock()
        defer { lock.unlock() }
        return base().addingTimeInterval(offset).wholeMilliseconds
    }

    /// Moves the clock forward (never back).
    public func advance(by interval: TimeInterval) {
        lock.lock()
        offset += max(0, interval)
        lock.unlock()
    }
}
