import BidCore
import Foundation

/// What every desk needs: storage, trust, the platform's key, the clock and the policy profile.
public struct ServiceEnvironment: Sendable {
    public let store: any ServiceStore
    public let trust: TrustStore
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
        self.trust = trust
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
