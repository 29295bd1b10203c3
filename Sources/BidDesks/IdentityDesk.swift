import BidCore
import BidDomain
import Foundation

/// The party registry and login: a party proves it holds a registered certificate's key by
/// signing a server nonce; the certificate must chain to a trust anchor and not be revoked; the
/// roles come from the registry, never from the certificate. Tokens are stored hashed.
public struct IdentityDesk: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    public struct Challenge: Codable, Sendable {
        public var challengeId: String
        public var nonce: String
        /// The exact UTF-8 text to sign with the certificate's key (its suite's default scheme).
        public var message: String
        public var expiresAt: Date
    }

    public struct Session: Codable, Sendable {
        public var token: String
        public var expiresAt: Date
        public var party: PartyView
        /// Decisions restricting the party now (debarment, evaluation or agency ban): the login
        /// succeeds — the party may still read what concerns it — but those actions are refused.
        public var restrictions: [CreditEntry]
    }

    public struct PartyView: Codable, Sendable, Equatable {
        public var id: String
        public var kind: PartyRecord.Kind
        public var name: String
        public var creditCode: String?
        public var personId: String?
        public var roles: [PartyRole]

        public init(_ party: Party) {
            id = party.id
            kind = party.kind
            name = party.name
            creditCode = party.creditCode
            personId = party.personId
            roles = party.roles.sorted { $0.rawValue < $1.rawValue }
        }
    }

    /// The text a client signs to log in.
    public static func loginMessage(challengeId: String, nonce: String, certificateFingerprint: String) -> String {
        "ebid-login-v1\nchallenge: \(challengeId)\nnonce: \(nonce)\ncertificate: \(certificateFingerprint)\n"
    }

    /// Step 1: the client presents its certificate and gets a nonce to sign.
    public func challenge(certificatePEM: String) async throws -> Challenge {
        let certificate = try parseCertificate(certificatePEM)
        let now = environment.clock.now()
        try verifyTrusted(certificate, at: now)
        _ = try await registeredParty(for: certificate)
        let id = UUID().uuidString.lowercased()
        let nonce = Hex.encode(SecureRandom.bytes(32))
        let expiresAt = now.addingTimeInterval(environment.challengeLifetime)
        try await environment.store.write { try $0.insertChallenge(id: id, nonce: nonce, certificate: certificate, at: now, expiresAt: expiresAt) }
        return Challenge(challengeId: id, nonce: nonce,
                         message: Self.loginMessage(challengeId: id, nonce: nonce, certificateFingerprint: certificate.fingerprint), expiresAt: expiresAt)
    }

    /// Step 2: the client returns the signature; a token is issued and the login is recorded.
    public func login(challengeId: String, signature: [UInt8], address: String) async throws -> Session {
        let now = environment.clock.now()
        guard let (nonce, certificate) = try await environment.store.write({ try $0.consumeChallenge(id: challengeId, at: now) }) else {
            throw ServiceError.unauthorized("auth.challenge-invalid", "the challenge is unknown, expired or already used: ask for a new one")
        }
        let message = Self.loginMessage(challengeId: challengeId, nonce: nonce, certificateFingerprint: certificate.fingerprint)
        let key = try certificate.publicKey
        guard try key.isValidSignature(signature, for: Array(message.utf8), scheme: .preferred(for: key.type)) else {
            throw ServiceError.unauthorized("auth.signature-invalid", "the signature over the challenge does not verify with the certificate's key")
        }
        try verifyTrusted(certificate, at: now)
        let party = try await registeredParty(for: certificate)
        let token = Self.randomToken(prefix: "ebid_")
        let expiresAt = now.addingTimeInterval(environment.tokenLifetime)
        let actor = Actor(certificateFingerprint: certificate.fingerprint, party: party.id, role: "session", address: address)
        struct LoginPayload: Encodable { var party: String; var certificate: String; var expiresAt: Date }
        let entry = try LedgerEntry(actor: actor, action: "auth.login", object: "party/\(party.id)",
                                    json: LoginPayload(party: party.id, certificate: certificate.fingerprint, expiresAt: expiresAt))
        let tokenHash = Self.hashToken(token)
        let restrictions = try await environment.store.write { tx in
            // A renewed certificate of a registered organisation joins the registry on first login.
            // The party may have been suspended, or this certificate retired, since the challenge.
            guard let current = try tx.party(id: party.id), current.status == .active, try !tx.isCertificateRetired(fingerprint: certificate.fingerprint) else {
                throw ServiceError.forbidden("auth.party-suspended", "\(party.name) is no longer active in the registry, or this certificate was retired")
            }
            if try tx.certificateOwner(fingerprint: certificate.fingerprint) == nil {
                try PartyRegistry.checkUnaltered(party.id, tx: tx)
                try tx.addCertificate(certificate, party: party.id, at: now)
                try PartyRegistry.recordChange(party.id, "party.certificate-add", tx: tx, actor: actor, at: now)
            }
            try tx.insertToken(hash: tokenHash, party: party.id, certificateFingerprint: certificate.fingerprint,
                               issuedAt: now, expiresAt: expiresAt, address: address)
            try tx.purgeExpired(before: now.addingTimeInterval(-86_400))
            try tx.appendLedger(entry, at: now)
            return try CreditRegister.restrictions(of: party, tx: tx, at: now)
        }
        return Session(token: token, expiresAt: expiresAt, party: PartyView(party), restrictions: restrictions)
    }

    /// Opens a browser session from a one-time link (ESupervision.webLink): the link is used up, the
    /// certificate it was made with must still be good, and the session is a token like any other
    /// (kept in an HttpOnly cookie by the pages). Recorded as `auth.web-login`.
    public func openWebSession(code: String, address: String) async throws -> (token: String, identity: Identity) {
        let now = environment.clock.now()
        guard let (partyId, fingerprint) = try await environment.store.write({ try $0.consumeWebLink(codeHash: Self.hashToken(code), at: now) }) else {
            throw ServiceError.unauthorized("auth.link-invalid", "the link is unknown, expired or already used: ask `ebid supervise login` for a new one")
        }
        try await checkSessionCertificate(fingerprint, at: now)
        // A browser session's token is marked: it is taken from the cookie of GET pages only, never as a bearer token.
        let token = Self.randomToken(prefix: Self.webTokenPrefix)
        // A browser session lasts at most an hour.
        let expiresAt = now.addingTimeInterval(min(environment.tokenLifetime, 3600))
        let actor = Actor(certificateFingerprint: fingerprint, party: partyId, role: "session", address: address)
        struct LoginPayload: Encodable { var party: String; var certificate: String; var expiresAt: Date; var via: String }
        let entry = try LedgerEntry(actor: actor, action: "auth.web-login", object: "party/\(partyId)",
                                    json: LoginPayload(party: partyId, certificate: fingerprint, expiresAt: expiresAt, via: "one-time link"))
        let hash = Self.hashToken(token)
        let party = try await environment.store.write { tx -> Party? in
            try tx.insertToken(hash: hash, party: partyId, certificateFingerprint: fingerprint, issuedAt: now, expiresAt: expiresAt, address: address)
            try tx.appendLedger(entry, at: now)
            return try tx.party(id: partyId)
        }
        guard let party else { throw ServiceError.unauthorized("auth.unknown-party", "the link's party is no longer registered") }
        return (token, Identity(party: party, certificateFingerprint: fingerprint, tokenExpiresAt: expiresAt))
    }

    package static let webTokenPrefix = "ebidweb_"

    /// 32 random bytes, base64url without padding, after `prefix`: tokens, web sessions, link codes.
    package static func randomToken(prefix: String) -> String {
        prefix + Data(SecureRandom.bytes(32)).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Resolves a bearer token to the caller.
    public func authenticate(token: String) async throws -> Identity {
        let now = environment.clock.now()
        let hash = Self.hashToken(token)
        let found: (Party, String, Date)? = try await environment.store.read { tx in
            guard let row = try tx.token(hash: hash), let party = try tx.party(id: row.party),
                  try !tx.isCertificateRetired(fingerprint: row.certificateFingerprint) else { return nil }
            return (party, row.certificateFingerprint, row.expiresAt)
        }
        guard let (party, fingerprint, expiresAt) = found else {
            throw ServiceError.unauthorized("auth.token-invalid", "the bearer token is not valid: log in again")
        }
        guard expiresAt > now else {
            throw ServiceError.unauthorized("auth.token-expired", "the bearer token expired at \(iso(expiresAt)): log in again")
        }
        // Suspending a party ends its sessions; a session that outlived that (a row restored) still stops here.
        guard party.status == .active else {
            throw ServiceError.unauthorized("auth.party-suspended", "\(party.name) is \(party.status.rawValue) in the registry: the session has ended")
        }
        try await checkSessionCertificate(fingerprint, at: now)
        return Identity(party: party, certificateFingerprint: fingerprint, tokenExpiresAt: expiresAt)
    }

    /// Revocation bites at once: every request checks the certificate its session was opened with
    /// against the CRLs in force (at most once a minute per certificate, and again whenever a CRL
    /// is loaded). A certificate revoked or expired since login ends the session.
    package func checkSessionCertificate(_ fingerprint: String, at now: Date) async throws {
        let generation = environment.trustHolder.generation
        let checks = environment.sessionChecks
        if checks.isFresh(fingerprint, generation: generation, at: now) { return }
        guard let certificate = try await environment.store.read({ try $0.certificate(fingerprint: fingerprint) }) else {
            throw ServiceError.unauthorized("auth.token-invalid", "the certificate of this session is not registered: log in again")
        }
        do { try environment.trust.verify(certificate, at: now, for: .signing) } catch let error as BidCoreError {
            throw ServiceError(status: 401, code: error.code.rawValue, title: "Certificate refused",
                               detail: "the certificate this session was opened with is no longer valid (\(error.reason)): the session has ended")
        }
        checks.record(fingerprint, generation: generation, until: min(certificate.notAfter, now.addingTimeInterval(60)))
    }

    /// Registers or updates a party and its certificates (admin, or seeding): PartyRegistry.register.
    public func register(_ record: PartyRecord, certificates: [Certificate], actor: Actor) async throws {
        _ = try await PartyRegistry(environment).register(.init(party: record, certificates: certificates.map(\.pem)), actor: actor)
    }

    package static func hashToken(_ token: String) -> String { Hex.encode(StreamingDigest.hash(Array(token.utf8), using: .sha256)) }

    private func parseCertificate(_ pem: String) throws -> Certificate {
        do { return try Certificate(pem: pem) } catch {
            throw ServiceError.badRequest("auth.certificate-malformed", "the certificate is not a PEM X.509 certificate")
        }
    }

    private func verifyTrusted(_ certificate: Certificate, at time: Date) throws {
        do { try environment.trust.verify(certificate, at: time, for: .signing) } catch let error as BidCoreError {
            throw ServiceError(status: 401, code: error.code.rawValue, title: "Certificate refused", detail: error.reason)
        }
    }

    /// The party a certificate belongs to: registered by fingerprint, or the organisation/person
    /// named by the certificate's serialNumber (credit code or person id).
    private func registeredParty(for certificate: Certificate) async throws -> Party {
        let fingerprint = certificate.fingerprint
        let serial = certificate.subject.serialNumber
        let found: (Party?, Bool) = try await environment.store.read { tx in
            if try tx.isCertificateRetired(fingerprint: fingerprint) { return (try tx.party(certificateFingerprint: fingerprint), true) }
            if let party = try tx.party(certificateFingerprint: fingerprint) { return (party, false) }
            if let serial, !serial.isEmpty { return (try tx.party(subjectCode: serial), false) }
            return (nil, false)
        }
        guard let party = found.0 else {
            throw ServiceError.unauthorized("auth.unknown-party", "no registered party holds this certificate (\(certificate.subject))")
        }
        if found.1 {
            throw ServiceError.forbidden("auth.certificate-retired", "this certificate of \(party.name) was retired from the registry: log in with its current certificate")
        }
        switch party.status {
        case .active: return party
        case .pending:
            throw ServiceError.forbidden("auth.registration-pending", "\(party.name)'s registration waits for an administrator's approval")
        case .suspended:
            throw ServiceError.forbidden("auth.party-suspended", "\(party.name) is suspended from the platform: ask the centre's administrators")
        }
    }
}
