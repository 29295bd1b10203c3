import BidCore
import BidDomain
import Foundation

/// What every desk needs: storage, trust, the platform's key, the clock and the policy profile.
public struct ServiceEnvironment: Sendable {
    public let store: any ServiceStore
    /// The trust anchors and the CRLs in force now: CRLs are replaced while the service runs
    /// (`TrustDesk.load`), so read `trust` each time it is needed.
    public let trustHolder: TrustHolder
    public var trust: TrustStore { trustHolder.current }
    public let platform: PlatformSigner
    public let clock: any ServiceClock
    public let profile: PolicyProfile
    /// Bearer tokens live this long.
    public var tokenLifetime: TimeInterval = 8 * 3600
    /// A login challenge must be answered within this time.
    public var challengeLifetime: TimeInterval = 300
    /// No tender may accept bids larger than this.
    public var maxBidBytesCeiling: Int64 = 4 << 30
    /// Serialises each tender's opening jobs.
    public let openings = OpeningCoordinator()
    /// Whether this instance does the background work (Background/Leadership.swift): always on the
    /// embedded store; on PostgreSQL, the instance holding the leadership lock.
    public var leadership = Leadership.sole()
    /// What each e-supervision card level means at this centre (`serve --reminder-days …`).
    public var supervisionPolicy = SupervisionPolicy()
    /// The platform's own failures (5xx answers), which e-supervision turns into alerts.
    public let faults = PlatformFaults()
    /// Session certificates checked against the CRLs in force (IdentityDesk.authenticate).
    package let sessionChecks = SessionChecks()
    /// Whether tenders may use opening keys made on one machine (`ebid opening keygen`), whose
    /// maker saw the whole private key: in the demo profile, or where the centre says so
    /// (`ebid serve --allow-dealer-keys`). Otherwise only key ceremonies' keys are accepted.
    public var acceptsDealerKeys: Bool
    /// Certificates the platform signed with before its current one (recorded in the data
    /// directory): the opening checks receipts against them too, so that rotating the platform key
    /// during a tender does not make its receipts look forged. (The independent check is the audit,
    /// with certificates the auditor brings.)
    public var previousPlatformCertificates: [Certificate] = []

    public init(store: any ServiceStore, trust: TrustStore, platform: PlatformSigner, clock: any ServiceClock, profile: PolicyProfile) {
        self.store = store
        trustHolder = TrustHolder(trust)
        self.platform = platform
        self.clock = clock
        self.profile = profile
        acceptsDealerKeys = profile == .demo
    }

    public var platformActor: Actor { .platform(platform.certificate.fingerprint) }

    /// The certificates this platform signs with, now and before (a rotated key's receipts stay
    /// checkable), by fingerprint.
    public var platformCertificates: [String: Certificate] {
        var all = [platform.certificate.fingerprint: platform.certificate]
        for certificate in previousPlatformCertificates { all[certificate.fingerprint] = certificate }
        return all
    }
}

/// Holds the trust store in force; a new CRL replaces it (with `generation` moving on, so that
/// whatever was checked against the old one is checked again).
public final class TrustHolder: @unchecked Sendable {
    // @unchecked: `store` and `generation` are only touched under `lock`.
    private let lock = NSLock()
    private var store: TrustStore
    private var counter = 0

    package init(_ store: TrustStore) { self.store = store }

    public var current: TrustStore { lock.withLock { store } }
    public var generation: Int { lock.withLock { counter } }

    /// Replaces the store with what `change` makes of it, atomically; returns the new one.
    @discardableResult
    package func update(_ change: (TrustStore) throws -> TrustStore) rethrows -> TrustStore {
        try lock.withLock {
            store = try change(store)
            counter += 1
            return store
        }
    }
}

/// Which session certificates passed the check against the trust store in force, until when:
/// a request checks its certificate at most once a minute, and again as soon as a CRL changes.
package final class SessionChecks: @unchecked Sendable {
    // @unchecked: `passed` is only touched under `lock`.
    private let lock = NSLock()
    private var passed: [String: (generation: Int, until: Date)] = [:]

    package func isFresh(_ fingerprint: String, generation: Int, at time: Date) -> Bool {
        lock.withLock { passed[fingerprint].map { $0.generation == generation && time < $0.until } ?? false }
    }

    package func record(_ fingerprint: String, generation: Int, until: Date) {
        lock.withLock {
            if passed.count > 100_000 { passed.removeAll() }
            passed[fingerprint] = (generation, until)
        }
    }
}

/// Counts the platform's own failures (requests answered 5xx) between e-supervision's scans.
public final class PlatformFaults: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var last: String?

    public init() {}

    public func record(_ what: String) {
        lock.withLock {
            count += 1
            last = what
        }
    }

    /// The failures since the last call, and the last one's description.
    public func take() -> (count: Int, last: String?) {
        lock.withLock {
            defer { count = 0; last = nil }
            return (count, last)
        }
    }
}
