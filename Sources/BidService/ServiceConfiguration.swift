import BidCore
import BidDesks
import BidDomain
import BidStorePostgres
import BidStoreSQLite
import Foundation

/// Everything `ebid serve` is configured with.
public struct ServiceConfiguration: Sendable {
    /// The embedded store's data directory (SQLite and blobs); with `storeURL`, the blob volume
    /// that every instance mounts.
    public var dataDirectory = "./data"
    /// A PostgreSQL store (`postgres://…`) instead of the embedded one; nil: SQLite in `dataDirectory`.
    public var storeURL: String?
    public var host = "127.0.0.1"
    public var port = 8080
    public var profile: PolicyProfile = .statutory
    /// Trust anchors (CA certificates) and CRLs for bidders' and officials' certificates.
    public var trustFiles: [String] = []
    public var crlFiles: [String] = []
    /// Seconds between fetches of the CRL distribution points registered certificates name (0: never).
    public var crlFetchInterval: TimeInterval = 3600
    /// Require a current CRL for every certificate below an anchor.
    public var requireCRL = false
    /// The platform's signing certificate and key (receipts, checkpoints, records).
    public var platformCertificate = "keys/gm/platform.crt.pem"
    public var platformKey = "keys/gm/platform.key.pem"
    /// Registers the demo parties (and credit records) from this directory at start-up.
    public var seedDirectory: String?
    /// Where seeding finds party certificates: `<keys>/<suite>/<party-id>.crt.pem`.
    public var keysDirectory = "keys"
    public var checkpointInterval: TimeInterval = 300
    /// The first administrator's certificate, registered on a first start (as `ebid admin init`).
    public var administratorCertificate: String?
    public var administratorId = "admin"
    public var administratorName: String?
    /// What each e-supervision card level means at this centre.
    public var supervisionPolicy = SupervisionPolicy()
    /// How long the portal keeps a rendered page (seconds; 0: render every request).
    public var pageCacheSeconds: TimeInterval = 1
    public var tokenLifetime: TimeInterval = 8 * 3600
    public var maxBidBytes: Int64 = 4 << 30
    /// Idle and read timeouts, the slowest request body accepted, the largest request head.
    public var connectionLimits = ConnectionLimits()
    /// Accept opening keys made on one machine (`ebid opening keygen`) outside the demo profile.
    public var allowDealerKeys = false
    /// The metrics listener (`GET /metrics`, Prometheus text format); nil: none. Keep it on loopback
    /// or a monitoring network: the figures are aggregate, but not for the public.
    public var metricsHost = "127.0.0.1"
    public var metricsPort: Int?
    public var onMetricsListening: @Sendable (String, Int) -> Void = { _, _ in }
    /// Called with the bound port once the server listens (port 0 picks a free one).
    public var onListening: @Sendable (String, Int) -> Void = { _, _ in }

    public init() {}

    /// Defaults for a checkout: the demo PKI's CAs and CRLs when none are given.
    public mutating func applyDemoDefaults() {
        if trustFiles.isEmpty { trustFiles = ["\(keysDirectory)/gm/ca.crt.pem", "\(keysDirectory)/nist/ca.crt.pem"] }
        if crlFiles.isEmpty { crlFiles = ["\(keysDirectory)/gm/crl.pem", "\(keysDirectory)/nist/crl.pem"].filter { FileManager.default.fileExists(atPath: $0) } }
    }
}

extension ServiceConfiguration {
    /// Opens the store the configuration names: PostgreSQL when `storeURL` is given (blobs in
    /// `dataDirectory`, a shared volume), else the embedded SQLite store in `dataDirectory`.
    public func openStore() throws -> any ServiceStore {
        try Self.openStore(url: storeURL, dataDirectory: dataDirectory)
    }

    public static func openStore(url: String?, dataDirectory: String) throws -> any ServiceStore {
        guard let url else { return try SQLiteStore(dataDirectory: dataDirectory) }
        return try PostgresStore(location: try PostgresLocation(url: url), blobDirectory: dataDirectory)
    }
}
