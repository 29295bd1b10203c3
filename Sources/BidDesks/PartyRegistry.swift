import BidCore
import BidDomain
import Foundation

/// The party registry (docs/http-api.md, "The party record"): administrators register tenderers,
/// agencies, officials, supervisors, experts and bidders with their certificates, suspend and
/// restore them, add and retire certificates, and load a centre's registry in one batch; a
/// company may register itself as a bidder with a certificate that chains to the trust store,
/// and an administrator approves it.
///
/// Every change appends a `party.*` ledger event whose payload is the party's whole state after
/// it (`RegistryState`), in the same transaction: the audit compares each party's rows with the
/// state its last event recorded, so a role given or a suspension lifted from a database shell
/// is found (LedgerAudit.checkRegistry).
public struct PartyRegistry: Sendable {
    package let environment: ServiceEnvironment

    public init(_ environment: ServiceEnvironment) { self.environment = environment }

    /// One entry of a party import (`ebid party import`), and the body of `PUT /v1/parties/:id`.
    public struct Registration: Codable, Sendable {
        public var party: PartyRecord
        /// PEM certificates.
        public var certificates: [String]

        public init(party: PartyRecord, certificates: [String]) {
            self.party = party
            self.certificates = certificates
        }
    }

    /// `ebid party import FILE`: the initial load of a centre's registry.
    public struct ImportFile: Codable, Sendable {
        public var format = "ebid-party-import"
        public var version = 1
        public var parties: [Registration]

        public init(parties: [Registration]) { self.parties = parties }
    }

    public struct ImportResult: Codable, Sendable, Equatable {
        public var created: Int
        public var updated: Int
        public var unchanged: Int
    }

    /// A company's own registration as a bidder (`POST /v1/registrations`), signed with the key of
    /// the certificate it registers.
    public struct SelfRegistration: Codable, Sendable {
        public var id: String
        public var name: String
        public var creditCode: String
        public var legalRepresentative: String?
        /// PEM; its subject's serialNumber must be `creditCode`, as Chinese CAs issue organisations' certificates.
        public var certificate: String
        /// Base64 signature over `message(…)` with the certificate's key (its suite's default scheme).
        public var signature: String

        public init(id: String, name: String, creditCode: String, legalRepresentative: String?, certificate: String, signature: String) {
            self.id = id
            self.name = name
            self.creditCode = creditCode
            self.legalRepresentative = legalRepresentative
            self.certificate = certificate
            self.signature = signature
        }

        /// The exact UTF-8 text the registrant signs.
        public static func message(id: String, name: String, creditCode: String, legalRepresentative: String?, certificateFingerprint: String) -> String {
            "ebid-registration-v1\nparty: \(id)\nname: \(name)\ncredit-code: \(creditCode)\nlegal-representative: \(legalRepresentative ?? "")\ncertificate: \(certificateFingerprint)\n"
        }
    }

    public static let maxImport = 10_000

    /// Whether a certificate would log in now (valid, trusted, not revoked): what keeps an administrator able to.
    package func usableNow(_ now: Date) -> @Sendable (Certificate) -> Bool {
        let environment = self.environment
        return { certificate in (try? environment.trust.verify(certificate, at: now, for: .signing)) != nil }
    }

    // MARK: Reading

    public func entry(_ reference: String) async throws -> RegistryState {
        let state = try await environment.store.read { tx -> RegistryState? in
            guard let party = try tx.party(reference: reference) else { return nil }
            return try tx.registryState(id: party.id)
        }
        guard let state else { throw ServiceError.notFound("party.not-found", "no party \(reference)") }
        return state
    }

    public func list(role: PartyRole?, status: PartyStatus?) async throws -> [RegistryState] {
        try await environment.store.read { tx in try tx.parties(role: role, status: status).compactMap { try tx.registryState(id: $0.id) } }
    }

    // MARK: Changes

    /// Registers a party, or updates it (`create` false). Its certificates are added; none may
    /// belong to another party. An update keeps the party's status and certificates.
    public func register(_ registration: Registration, actor: Actor, create: Bool = false) async throws -> RegistryState {
        let (record, certificates) = try Self.checked(registration)
        let now = environment.clock.now()
        let usable = usableNow(now)
        return try await environment.store.write { tx in
            if create, try tx.party(id: record.id) != nil {
                throw ServiceError.conflict("party.exists", "party \(record.id) is already registered: update it with PUT /v1/parties/\(record.id) (ebid party update)")
            }
            return try Self.register(record, certificates: certificates, tx: tx, actor: actor, at: now, usable: usable) ?? tx.registryState(id: record.id)!
        }
    }

    /// All or nothing: every entry is checked before any is written, and the batch is one transaction.
    public func importBatch(_ file: ImportFile, actor: Actor) async throws -> ImportResult {
        guard file.format == "ebid-party-import", file.version == 1 else {
            throw ServiceError.unprocessable("party.import-format", "a party import has format \"ebid-party-import\", version 1")
        }
        guard !file.parties.isEmpty, file.parties.count <= Self.maxImport else {
            throw ServiceError.unprocessable("party.import-size", "a batch holds 1 … \(Self.maxImport) parties")
        }
        var checked: [(PartyRecord, [Certificate])] = []
        var ids = Set<String>(), codes = Set<String>(), fingerprints = Set<String>()
        for (index, registration) in file.parties.enumerated() {
            do {
                let (record, certificates) = try Self.checked(registration)
                guard ids.insert(record.id).inserted else { throw ServiceError.unprocessable("party.duplicate", "party \(record.id) appears twice in the batch") }
                guard codes.insert(record.subjectSerialNumber ?? record.id).inserted else {
                    throw ServiceError.unprocessable("party.duplicate", "\(record.subjectSerialNumber ?? record.id) names two parties of the batch")
                }
                for certificate in certificates where !fingerprints.insert(certificate.fingerprint).inserted {
                    throw ServiceError.unprocessable("party.duplicate", "certificate \(certificate.fingerprint) is given to two parties of the batch")
                }
                checked.append((record, certificates))
            } catch var error as ServiceError {
                error.detail = "party \(index + 1) (\(registration.party.id)): \(error.detail)"
                throw error
            }
        }
        let now = environment.clock.now()
        let usable = usableNow(now)
        let batch = checked
        return try await environment.store.write { tx in
            var result = ImportResult(created: 0, updated: 0, unchanged: 0)
            for (index, (record, certificates)) in batch.enumerated() {
                let existed = try tx.party(id: record.id) != nil
                do {
                    if try Self.register(record, certificates: certificates, tx: tx, actor: actor, at: now, usable: usable) == nil {
                        result.unchanged += 1
                    } else if existed { result.updated += 1 } else { result.created += 1 }
                } catch var error as ServiceError {
                    error.detail = "party \(index + 1) (\(record.id)): \(error.detail)"
                    throw error
                }
            }
            return result
        }
    }

    /// A company registers itself as a bidder; it waits for an administrator's approval.
    public func selfRegister(_ request: SelfRegistration, address: String) async throws -> RegistryState {
        let certificate: Certificate
        do { certificate = try Certificate(pem: request.certificate) } catch {
            throw ServiceError.badRequest("party.certificate-malformed", "the certificate is not a PEM X.509 certificate")
        }
        let record = PartyRecord(id: request.id, kind: .organization, roles: [.bidder], name: request.name, creditCode: request.creditCode,
                                 legalRepresentative: request.legalRepresentative?.isEmpty == false ? request.legalRepresentative : nil)
        do { try record.validate() } catch let error as BidCoreError { throw ServiceError.unprocessable("party.invalid", error.reason) }
        let now = environment.clock.now()
        do { try environment.trust.verify(certificate, at: now, for: .signing) } catch let error as BidCoreError {
            throw ServiceError(status: 422, code: error.code.rawValue, title: "Certificate refused", detail: error.reason)
        }
        guard certificate.subject.serialNumber == request.creditCode else {
            throw ServiceError.unprocessable("registration.certificate-mismatch",
                                             "the certificate's subject serialNumber (\(certificate.subject.serialNumber ?? "none")) is not the credit code \(request.creditCode)")
        }
        guard let signature = Data(base64Encoded: request.signature) else {
            throw ServiceError.badRequest("registration.signature-malformed", "signature must be base64")
        }
        let message = SelfRegistration.message(id: record.id, name: record.name, creditCode: request.creditCode,
                                               legalRepresentative: record.legalRepresentative, certificateFingerprint: certificate.fingerprint)
        let key = try certificate.publicKey
        guard try key.isValidSignature([UInt8](signature), for: Array(message.utf8), scheme: .preferred(for: key.type)) else {
            throw ServiceError.unprocessable("registration.signature-invalid", "the signature does not verify with the certificate's key")
        }
        let actor = Actor(certificateFingerprint: certificate.fingerprint, party: record.id, role: "registrant", address: address)
        return try await environment.store.write { tx in
            if try tx.party(id: record.id) != nil || tx.party(subjectCode: request.creditCode) != nil || tx.party(subjectCode: record.id) != nil {
                throw ServiceError.conflict("party.exists", "a party with the id \(record.id) or the credit code \(request.creditCode) is already registered")
            }
            if try tx.certificateOwner(fingerprint: certificate.fingerprint) != nil {
                throw ServiceError.conflict("party.certificate-taken", "this certificate is already registered")
            }
            try tx.upsertParty(record, certificates: [certificate], at: now, status: .pending)
            return try Self.recordChange(record.id, "party.self-register", tx: tx, actor: actor, at: now)
        }
    }

    /// An administrator approves a pending self-registration.
    public func approve(_ reference: String, reason: String?, actor: Actor) async throws -> RegistryState {
        let now = environment.clock.now()
        return try await environment.store.write { tx in
            let party = try Self.existing(reference, tx: tx)
            try Self.checkUnaltered(party.id, tx: tx)
            guard party.status == .pending else {
                throw ServiceError.conflict("party.not-pending", "\(party.id) is \(party.status.rawValue), not waiting for approval")
            }
            try tx.setPartyStatus(party.id, .active, reason: reason)
            return try Self.recordChange(party.id, "party.approve", tx: tx, actor: actor, at: now)
        }
    }

    /// Suspends a party (its logins are refused and its sessions end at once), or restores it.
    /// A pending registration suspended is a refused one. The last active administrator cannot be suspended.
    public func setStatus(_ reference: String, suspended: Bool, reason: String, actor: Actor) async throws -> RegistryState {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else { throw ServiceError.badRequest("party.reason", "give the reason (at most 2,000 characters)") }
        let now = environment.clock.now()
        let usable = usableNow(now)
        return try await environment.store.write { tx in
            let party = try Self.existing(reference, tx: tx)
            try Self.checkUnaltered(party.id, tx: tx)
            if suspended {
                guard party.status != .suspended else { throw ServiceError.conflict("party.already-suspended", "\(party.id) is already suspended") }
                try Self.keepAnAdministrator(tx, losing: party.id, usable: usable)
                try tx.setPartyStatus(party.id, .suspended, reason: reason)
                _ = try tx.endSessions(party: party.id, at: now)
                return try Self.recordChange(party.id, "party.suspend", tx: tx, actor: actor, at: now)
            }
            guard party.status == .suspended else { throw ServiceError.conflict("party.not-suspended", "\(party.id) is \(party.status.rawValue), not suspended") }
            try tx.setPartyStatus(party.id, .active, reason: reason)
            return try Self.recordChange(party.id, "party.restore", tx: tx, actor: actor, at: now)
        }
    }

    /// Adds a certificate (a renewal, a second suite's). It must chain to the trust store now.
    public func addCertificate(_ reference: String, pem: String, actor: Actor) async throws -> RegistryState {
        let certificate: Certificate
        do { certificate = try Certificate(pem: pem) } catch {
            throw ServiceError.badRequest("party.certificate-malformed", "the certificate is not a PEM X.509 certificate")
        }
        let now = environment.clock.now()
        do { try environment.trust.verify(certificate, at: now, for: .signing) } catch let error as BidCoreError {
            throw ServiceError(status: 422, code: error.code.rawValue, title: "Certificate refused", detail: error.reason)
        }
        return try await environment.store.write { tx in
            let party = try Self.existing(reference, tx: tx)
            try Self.checkUnaltered(party.id, tx: tx)
            guard let state = try tx.registryState(id: party.id) else { throw ServiceError.notFound("party.not-found", "no party \(reference)") }
            try Self.bound(certificate, to: state.record)
            if let owner = try tx.certificateOwner(fingerprint: certificate.fingerprint) {
                throw ServiceError.conflict("party.certificate-taken", owner == party.id ? "\(party.id) already has this certificate" : "this certificate is registered to \(owner)")
            }
            try tx.addCertificate(certificate, party: party.id, at: now)
            return try Self.recordChange(party.id, "party.certificate-add", tx: tx, actor: actor, at: now)
        }
    }

    /// Retires a certificate (lost, replaced, the holder left): it no longer logs in, and the
    /// sessions opened with it end. It stays on record: receipts and signatures made with it still verify.
    public func retireCertificate(_ reference: String, fingerprint: String, reason: String, actor: Actor) async throws -> RegistryState {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty, reason.count <= 2000 else { throw ServiceError.badRequest("party.reason", "give the reason (at most 2,000 characters)") }
        let fingerprint = fingerprint.lowercased()
        let now = environment.clock.now()
        let usable = usableNow(now)
        return try await environment.store.write { tx in
            let party = try Self.existing(reference, tx: tx)
            try Self.checkUnaltered(party.id, tx: tx)
            let entries = try tx.certificateEntries(party: party.id)
            guard let entry = entries.first(where: { $0.fingerprint == fingerprint }) else {
                throw ServiceError.notFound("party.certificate-not-found", "\(party.id) has no certificate \(fingerprint)")
            }
            guard entry.retiredAt == nil else { throw ServiceError.conflict("party.certificate-retired", "that certificate was retired on \(iso(entry.retiredAt!))") }
            if party.status == .active, party.roles.contains(.admin), !entries.contains(where: { $0.fingerprint != fingerprint && $0.retiredAt == nil }) {
                try Self.keepAnAdministrator(tx, losing: party.id, usable: usable)
            }
            try tx.retireCertificate(fingerprint: fingerprint, reason: reason, at: now)
            _ = try tx.endSessions(certificateFingerprint: fingerprint, at: now)
            return try Self.recordChange(party.id, "party.certificate-retire", tx: tx, actor: actor, at: now)
        }
    }

    // MARK: In a transaction

    /// Appends the `action` event with the party's state after the change; returns that state.
    @discardableResult
    package static func recordChange(_ id: String, _ action: String, tx: any RegistryDeskTransaction, actor: Actor, at now: Date) throws -> RegistryState {
        guard let state = try tx.registryState(id: id) else { throw ServiceError.notFound("party.not-found", "no party \(id)") }
        try tx.appendLedger(try LedgerEntry(actor: actor, action: action, object: "party/\(id)", json: state), at: now)
        return state
    }

    /// Writes the record and adds its certificates; nil when nothing changed (no event then).
    package static func register(_ record: PartyRecord, certificates: [Certificate], tx: any RegistryDeskTransaction, actor: Actor, at now: Date,
                         usable: (Certificate) -> Bool) throws -> RegistryState? {
        let before = try tx.registryState(id: record.id)
        if let before {
            try checkUnaltered(record.id, tx: tx)
            guard before.record.kind == record.kind, before.record.creditCode == record.creditCode, before.record.personId == record.personId else {
                throw ServiceError.unprocessable("party.identity-fixed",
                                                 "\(record.id)'s kind, credit code and person id stay as registered (credit decisions and certificates name them): register the other identity as a party of its own")
            }
        } else if let holder = try tx.party(subjectCode: record.id) {
            throw ServiceError.conflict("party.id-taken", "\(record.id) is the code of \(holder.id): choose another id")
        }
        for certificate in certificates {
            if let owner = try tx.certificateOwner(fingerprint: certificate.fingerprint), owner != record.id {
                throw ServiceError.conflict("party.certificate-taken", "certificate \(certificate.fingerprint) is registered to \(owner)")
            }
        }
        if let code = record.subjectSerialNumber, let holder = try tx.party(subjectCode: code), holder.id != record.id {
            throw ServiceError.conflict("party.code-taken", "\(code) is registered as \(holder.id)")
        }
        if let before, before.record.roles.contains(.admin), !record.roles.contains(.admin), before.status == .active {
            try keepAnAdministrator(tx, losing: record.id, usable: usable)
        }
        var stored = record
        stored.certificate = nil
        try tx.upsertParty(stored, certificates: certificates, at: now, status: .active)
        let after = try tx.registryState(id: record.id)
        if let before, before == after { return nil }
        return try recordChange(record.id, "party.register", tx: tx, actor: actor, at: now)
    }

    package static func existing(_ reference: String, tx: any RegistryDeskTransaction) throws -> Party {
        guard let party = try tx.party(reference: reference) else { throw ServiceError.notFound("party.not-found", "no party \(reference)") }
        return party
    }

    /// Refuses a change that would leave no active administrator with a certificate to log in with.
    package static func keepAnAdministrator(_ tx: any RegistryDeskTransaction, losing id: String, usable: (Certificate) -> Bool) throws {
        let others = try tx.parties(role: .admin, status: .active).filter { $0.id != id }
        for admin in others where try tx.certificates(party: admin.id).contains(where: { usable($0) }) { return }
        throw ServiceError.conflict("party.last-admin", "\(id) is the last active administrator: register another first (ebid party add)")
    }

    package static func checked(_ registration: Registration) throws -> (PartyRecord, [Certificate]) {
        do { try registration.party.validate() } catch let error as BidCoreError {
            throw ServiceError.unprocessable("party.invalid", error.reason)
        }
        guard registration.certificates.count <= 16 else { throw ServiceError.unprocessable("party.invalid", "at most 16 certificates per party") }
        let certificates = try registration.certificates.map { pem -> Certificate in
            do { return try Certificate(pem: pem) } catch { throw ServiceError.badRequest("party.certificate-malformed", "a certificate is not PEM") }
        }
        for certificate in certificates { try bound(certificate, to: registration.party) }
        return (registration.party, certificates)
    }

    /// A certificate serves the party its CA issued it to: its subject's serialNumber is the
    /// party's credit code or person id. So an administrator cannot give one party's identity a
    /// key it holds itself — no more than the CA's own certificates could log in as that party.
    package static func bound(_ certificate: Certificate, to record: PartyRecord) throws {
        guard let serial = certificate.subject.serialNumber, serial == record.subjectSerialNumber else {
            throw ServiceError.unprocessable("party.certificate-mismatch",
                                             "the certificate \(certificate.subject) carries serialNumber \(certificate.subject.serialNumber ?? "none"), not \(record.id)'s \(record.kind == .organization ? "credit code" : "person id") \(record.subjectSerialNumber ?? "")")
        }
    }

    /// Refuses to build on registry rows that differ from what the party's last ledger event
    /// recorded (changed from a database shell): a new event would otherwise record the altered
    /// rows as if they were legitimate, and the audit would no longer see the change.
    package static func checkUnaltered(_ id: String, tx: any RegistryDeskTransaction) throws {
        guard let state = try tx.registryState(id: id) else { return }
        guard let digest = try tx.lastRegistryDigest(id: id), digest == Ledger.payloadDigest([UInt8](try JSONEncoder.ebid.encode(state))) else {
            throw ServiceError(status: 409, code: "party.registry-altered", title: "Conflict",
                               detail: "party \(id)'s registry rows are not what the ledger last recorded: nothing is changed until the audit (ebid audit verify) has been looked into")
        }
    }
}

// MARK: - The first administrator

extension PartyRegistry {
    /// `ebid admin init` (or `serve --admin-cert` on a first start): registers the directory's first
    /// administrator. The certificate must chain to the trust store now and, outside the demo
    /// profile, not come from the demo PKI. Run again with the same certificate it changes nothing;
    /// with another once an administrator exists it is refused (add more with `ebid party add`).
    public func initialize(administrator certificate: Certificate, id: String = "admin", name: String? = nil) async throws -> (state: RegistryState, created: Bool) {
        if environment.profile != .demo, DemoPKI.isDemo(certificate) {
            throw ServiceError.unprocessable("init.demo-pki", "\(certificate.subject) belongs to the demo PKI, whose private keys are public: the administrator needs a certificate of the centre's own CA")
        }
        let now = environment.clock.now()
        do { try environment.trust.verify(certificate, at: now, for: .signing) } catch let error as BidCoreError {
            throw ServiceError(status: 422, code: error.code.rawValue, title: "Certificate refused", detail: "the administrator's certificate: \(error.reason)")
        }
        let fingerprint = certificate.fingerprint
        let existing: (owner: String?, admins: [String]) = try await environment.store.read { tx in
            (try tx.certificateOwner(fingerprint: fingerprint), try tx.parties(role: .admin, status: nil).map(\.id))
        }
        if let owner = existing.owner, existing.admins.contains(owner) { return (try await entry(owner), false) }
        if !existing.admins.isEmpty {
            throw ServiceError.conflict("init.already-initialised",
                                        "this data directory already has administrators (\(existing.admins.joined(separator: ", "))): they add others with ebid party add")
        }
        if let owner = existing.owner { throw ServiceError.conflict("party.certificate-taken", "this certificate is registered to \(owner)") }
        let commonName = certificate.subject.attributes.last { $0.type == "CN" }?.value
        let record = PartyRecord(id: id, kind: .person, roles: [.admin], name: name ?? commonName ?? id,
                                 personId: certificate.subject.serialNumber ?? "admin-\(fingerprint.prefix(16))")
        let state = try await register(.init(party: record, certificates: [certificate.pem]), actor: environment.platformActor, create: true)
        return (state, true)
    }
}
