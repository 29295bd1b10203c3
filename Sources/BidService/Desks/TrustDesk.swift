import BidCore
import Foundation

/// The trust store while the service runs: CRLs are loaded without a restart — by an
/// administrator (`ebid admin crl load`), or when a configured `--crl` file changes
/// (`CRLService`) — and revocation bites at once: every session opened with a certificate the new
/// CRL revokes ends (its tokens are revoked), and every request checks its session's certificate
/// against the CRLs in force (IdentityDesk). The newest CRL of each issuer is kept in the data
/// directory, so a restart does not bring an older one back.
public struct TrustDesk: Sendable {
    let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    public struct CRLInfo: Codable, Sendable {
        public var issuer: String
        public var thisUpdate: Date
        public var nextUpdate: Date?
        public var revoked: Int
        /// PEM, for bidders to check their own certificate before they seal.
        public var pem: String
    }

    public struct Loaded: Codable, Sendable {
        public var crl: CRLInfo
        /// Sessions ended because the CRL revokes their certificate.
        public var sessionsEnded: Int
    }

    /// Puts `crl` in force (it must be its issuer's newest, signed by a trust anchor).
    public func load(_ crl: CertificateRevocationList, by actor: Actor) async throws -> Loaded {
        let now = environment.clock.now()
        do { _ = try environment.trust.updating(with: crl) } catch let error as BidCoreError {
            throw ServiceError.unprocessable(error.code.rawValue, error.reason)
        }
        let info = Self.info(crl)
        let ended = try await environment.store.write { tx -> Int in
            var ended = 0
            for certificate in try tx.sessionCertificates(at: now) where crl.covers(issuerOf: certificate) {
                if let revokedAt = crl.revocationDate(of: certificate), revokedAt <= now {
                    ended += try tx.endSessions(certificateFingerprint: certificate.fingerprint, at: now)
                }
            }
            try tx.setMeta(Self.metaKey(crl), crl.pem)
            try tx.appendLedger(try LedgerEntry(actor: actor, action: "trust.crl", object: "crl/\(Hex.encode(StreamingDigest.hash(crl.der, using: .sha256)))",
                                                json: Payload(issuer: info.issuer, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, revoked: info.revoked,
                                                              sessionsEnded: ended)), at: now)
            return ended
        }
        // In force once recorded; a CRL loaded meanwhile by someone else is not undone.
        try environment.trustHolder.update { current in
            do { return try current.updating(with: crl) } catch let error as BidCoreError where error.code == .crlNotNewer { return current }
        }
        return Loaded(crl: info, sessionsEnded: ended)
    }

    /// The CRLs in force.
    public func crls() -> [CRLInfo] { environment.trust.crls.map(Self.info) }

    /// The newest CRLs kept in the data directory, over those configured (at start-up).
    static func restore(_ trust: TrustStore, kept: [String]) -> TrustStore {
        var trust = trust
        for pem in kept {
            guard let crl = try? CertificateRevocationList(pem: pem), let newer = try? trust.updating(with: crl) else { continue }
            trust = newer
        }
        return trust
    }

    static let metaPrefix = "crl:"

    static func metaKey(_ crl: CertificateRevocationList) -> String {
        metaPrefix + Hex.encode(StreamingDigest.hash(Array(crl.issuer.description.utf8), using: .sha256))
    }

    static func info(_ crl: CertificateRevocationList) -> CRLInfo {
        CRLInfo(issuer: crl.issuer.description, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, revoked: crl.revoked.count, pem: crl.pem)
    }

    private struct Payload: Encodable {
        var issuer: String
        var thisUpdate: Date
        var nextUpdate: Date?
        var revoked: Int
        var sessionsEnded: Int
    }
}
