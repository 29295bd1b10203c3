import BidCore
import BidDomain
import Foundation

/// The trust store while the service runs: CRLs are loaded without a restart — by an
/// administrator (`ebid admin crl load`), or when a configured `--crl` file changes
/// (`CRLService`) — and revocation bites at once: every session opened with a certificate the new
/// CRL revokes ends (its tokens are revoked), and every request checks its session's certificate
/// against the CRLs in force (IdentityDesk). The newest CRL of each issuer is kept in the data
/// directory, so a restart does not bring an older one back.
public struct TrustDesk: Sendable {
    package let environment: ServiceEnvironment

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
        let metaKey = Self.metaKey(crl)
        let ended = try await environment.store.write { tx -> Int in
            // Judged again against what is kept, in the transaction: of two loads at once, the
            // older cannot overwrite the newer.
            if let kept = try tx.meta(prefix: metaKey).first.flatMap({ try? CertificateRevocationList(pem: $0.value) }), kept.thisUpdate >= crl.thisUpdate {
                throw ServiceError.unprocessable(BidCoreError.Code.crlNotNewer.rawValue, "a CRL of \(crl.issuer) as new or newer is already in force")
            }
            var ended = 0
            for certificate in try tx.sessionCertificates(at: now) where crl.covers(issuerOf: certificate) {
                if let revokedAt = crl.revocationDate(of: certificate), revokedAt <= now {
                    ended += try tx.endSessions(certificateFingerprint: certificate.fingerprint, at: now)
                }
            }
            try tx.setMeta(metaKey, crl.pem)
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

    /// What fetching one distribution point came to.
    public struct Fetched: Sendable, Equatable {
        public enum Outcome: Sendable, Equatable {
            /// A newer CRL, now in force.
            case loaded(revoked: Int, sessionsEnded: Int)
            /// The CRL there is not newer than the one in force.
            case unchanged
            /// Not fetched, not a CRL, or refused (unknown issuer, bad signature): the reason.
            case failed(String)
        }
        public var uri: String
        public var outcome: Outcome
    }

    /// The distinct http(s) CRL distribution points named by registered certificates that a trust
    /// anchor issued (RFC 5280 4.2.1.13), in registration order.
    public func distributionPoints() async throws -> [String] {
        let certificates = try await environment.store.read { try $0.registeredCertificates() }
        let trust = environment.trust
        var seen = Set<String>()
        return certificates.filter { trust.isAnchored($0) }.flatMap(\.crlDistributionPoints).filter { CRLFetcher.url($0) != nil && seen.insert($0).inserted }
    }

    /// Fetches the CRL at every distribution point registered certificates name (at most four at
    /// a time) and puts each newer one in force (`load`, as the platform): a CA's revocation bites
    /// within one round even when nobody loads its CRL by hand. A fetched CRL is trusted no more
    /// than an uploaded one.
    public func refreshDistributionPoints(using fetcher: CRLFetcher) async throws -> [Fetched] {
        let uris = try await distributionPoints()
        var downloads: [String: Result<[UInt8], Error>] = [:]
        try await withThrowingTaskGroup(of: (String, Result<[UInt8], Error>).self) { group in
            var next = uris.makeIterator()
            func addNext() {
                guard let uri = next.next(), let url = CRLFetcher.url(uri) else { return }
                group.addTask { do { return (uri, .success(try await fetcher.fetch(url))) } catch { return (uri, .failure(error)) } }
            }
            for _ in 0..<4 { addNext() }
            while let (uri, result) = try await group.next() {
                downloads[uri] = result
                addNext()
            }
        }
        var results: [Fetched] = []
        for uri in uris {
            guard let download = downloads[uri] else { continue }
            let outcome: Fetched.Outcome
            do {
                let crl = try CertificateRevocationList(encoded: try download.get())
                let loaded = try await load(crl, by: environment.platformActor)
                outcome = .loaded(revoked: loaded.crl.revoked, sessionsEnded: loaded.sessionsEnded)
            } catch let error as ServiceError where error.code == BidCoreError.Code.crlNotNewer.rawValue {
                outcome = .unchanged
            } catch let error as ServiceError {
                outcome = .failed("\(error.code): \(error.detail)")
            } catch let error as BidCoreError {
                outcome = .failed("\(error.code.rawValue): \(error.reason)")
            } catch {
                outcome = .failed("\(error)")
            }
            results.append(Fetched(uri: uri, outcome: outcome))
        }
        return results
    }

    /// The CRLs in force.
    public func crls() -> [CRLInfo] { environment.trust.crls.map(Self.info) }

    /// The newest CRLs kept in the data directory, over those configured (at start-up).
    package static func restore(_ trust: TrustStore, kept: [String]) -> TrustStore {
        var trust = trust
        for pem in kept {
            guard let crl = try? CertificateRevocationList(pem: pem), let newer = try? trust.updating(with: crl) else { continue }
            trust = newer
        }
        return trust
    }

    package static let metaPrefix = "crl:"

    package static func metaKey(_ crl: CertificateRevocationList) -> String {
        metaPrefix + Hex.encode(StreamingDigest.hash(Array(crl.issuer.description.utf8), using: .sha256))
    }

    package static func info(_ crl: CertificateRevocationList) -> CRLInfo {
        CRLInfo(issuer: crl.issuer.description, thisUpdate: crl.thisUpdate, nextUpdate: crl.nextUpdate, revoked: crl.revoked.count, pem: crl.pem)
    }

    private struct Payload: Encodable {
        package var issuer: String
        package var thisUpdate: Date
        package var nextUpdate: Date?
        package var revoked: Int
        package var sessionsEnded: Int
    }
}
