import BidCore
import BidDomain
import Foundation

// MARK: - Parties and certificates

extension SQLTransaction {
    static let partyColumns = "id, kind, name, credit_code, person_id, legal_representative, organization, employer_credit_code, specialties, status"

    func party(_ row: any SQLRow) throws -> Party {
        let id = row.text(0)
        let roles = try connection.query("SELECT role FROM party_roles WHERE party_id = ? ORDER BY role", [.text(id)]) { PartyRole(rawValue: $0.text(0)) }
        let specialties = row.optionalText(8).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }
        var record = PartyRecord(id: id, kind: PartyRecord.Kind(rawValue: row.text(1)) ?? .organization, roles: roles.compactMap { $0 }, name: row.text(2))
        record.creditCode = row.optionalText(3)
        record.personId = row.optionalText(4)
        record.legalRepresentative = row.optionalText(5)
        record.organization = row.optionalText(6)
        record.employerCreditCode = row.optionalText(7)
        record.specialties = specialties
        var party = Party(record: record)
        party.status = PartyStatus(rawValue: row.text(9)) ?? .suspended
        return party
    }

    public func party(id: String) throws -> Party? {
        try connection.queryOne("SELECT \(Self.partyColumns) FROM parties WHERE id = ?", [.text(id)]) { try party($0) }
    }

    /// By party id, credit code or person id.
    public func party(reference: String) throws -> Party? {
        try connection.queryOne("SELECT \(Self.partyColumns) FROM parties WHERE id = ? OR credit_code = ? OR person_id = ? ORDER BY id = ? DESC LIMIT 1",
                                [.text(reference), .text(reference), .text(reference), .text(reference)]) { try party($0) }
    }

    /// By credit code or person id only (what a certificate's serialNumber carries).
    public func party(subjectCode: String) throws -> Party? {
        try connection.queryOne("SELECT \(Self.partyColumns) FROM parties WHERE credit_code = ? OR person_id = ?",
                                [.text(subjectCode), .text(subjectCode)]) { try party($0) }
    }

    public func parties(role: PartyRole) throws -> [Party] {
        try connection.query("SELECT \(Self.partyColumns) FROM parties WHERE id IN (SELECT party_id FROM party_roles WHERE role = ?) ORDER BY id",
                             [.text(role.rawValue)]) { try party($0) }
    }

    public func party(certificateFingerprint: String) throws -> Party? {
        try connection.queryOne("SELECT \(Self.partyColumns) FROM parties WHERE id = (SELECT party_id FROM certificates WHERE fingerprint = ?)",
                                [.text(certificateFingerprint)]) { try party($0) }
    }

    public func certificate(fingerprint: String) throws -> Certificate? {
        try connection.queryOne("SELECT der FROM certificates WHERE fingerprint = ?", [.text(fingerprint)]) { try Certificate(der: $0.blob(0)) }
    }

    public func registeredCertificates() throws -> [Certificate] {
        try connection.query("SELECT der FROM certificates ORDER BY added_at") { try Certificate(der: $0.blob(0)) }
    }

    /// The certificates that open sessions still running at `time` (not expired, not ended).
    public func sessionCertificates(at time: Date) throws -> [Certificate] {
        try connection.query("""
            SELECT der FROM certificates WHERE fingerprint IN (SELECT DISTINCT certificate_fingerprint FROM tokens WHERE expires_at > ? AND revoked_at IS NULL)
            """, [.time(time)]) { try Certificate(der: $0.blob(0)) }
    }

    /// Ends every session opened with the certificate; returns how many.
    public func endSessions(certificateFingerprint: String, at time: Date) throws -> Int {
        try connection.run("UPDATE tokens SET revoked_at = ? WHERE certificate_fingerprint = ? AND revoked_at IS NULL",
                           [.time(time), .text(certificateFingerprint)])
    }

    public func certificates(party: String) throws -> [Certificate] {
        // Retired certificates stay on record (registryState lists them) but serve nothing.
        try connection.query("SELECT der FROM certificates WHERE party_id = ? AND retired_at IS NULL ORDER BY added_at", [.text(party)]) { try Certificate(der: $0.blob(0)) }
    }

    /// Registers (or updates) a party with its roles and certificates.
    /// A new party gets `status`; an existing one keeps its own.
    public func upsertParty(_ record: PartyRecord, certificates: [Certificate], at time: Date, status: PartyStatus = .active) throws {
        let specialties = try record.specialties.map { String(decoding: try JSONEncoder.ebid.encode($0), as: UTF8.self) }
        try connection.run("""
            INSERT INTO parties (\(Self.partyColumns), created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, credit_code = excluded.credit_code,
              person_id = excluded.person_id, legal_representative = excluded.legal_representative, organization = excluded.organization,
              employer_credit_code = excluded.employer_credit_code, specialties = excluded.specialties
            """, [.text(record.id), .text(record.kind.rawValue), .text(record.name), .string(record.creditCode), .string(record.personId),
                  .string(record.legalRepresentative), .string(record.organization), .string(record.employerCreditCode), .string(specialties), .text(status.rawValue), .time(time)])
        try connection.run("DELETE FROM party_roles WHERE party_id = ?", [.text(record.id)])
        for role in Set(record.roles) {
            try connection.run("INSERT INTO party_roles (party_id, role) VALUES (?, ?)", [.text(record.id), .text(role.rawValue)])
        }
        for certificate in certificates { try addCertificate(certificate, party: record.id, at: time) }
    }

    public func addCertificate(_ certificate: Certificate, party: String, at time: Date) throws {
        let key = try certificate.publicKey
        try connection.run("""
            INSERT INTO certificates (fingerprint, party_id, der, subject, subject_serial, key_type, not_before, not_after, added_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(fingerprint) DO NOTHING
            """, [.text(certificate.fingerprint), .text(party), .blob(certificate.der), .text(certificate.subject.description),
                  .string(certificate.subject.serialNumber), .text(key.type.rawValue), .time(certificate.notBefore), .time(certificate.notAfter), .time(time)])
    }
}

// MARK: - Login challenges and tokens

extension SQLTransaction {
    public func insertChallenge(id: String, nonce: String, certificate: Certificate, at time: Date, expiresAt: Date) throws {
        try connection.run("INSERT INTO challenges (id, nonce, certificate, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(id), .text(nonce), .blob(certificate.der), .time(time), .time(expiresAt)])
    }

    /// Marks a challenge used and returns it; nil when unknown, used or expired.
    public func consumeChallenge(id: String, at time: Date) throws -> (nonce: String, certificate: Certificate)? {
        guard let row = try connection.queryOne("SELECT nonce, certificate, expires_at, used_at FROM challenges WHERE id = ?", [.text(id)], {
            ($0.text(0), $0.blob(1), $0.time(2), $0.optionalTime(3))
        }) else { return nil }
        guard row.3 == nil, row.2 > time else { return nil }
        try connection.run("UPDATE challenges SET used_at = ? WHERE id = ?", [.time(time), .text(id)])
        return (row.0, try Certificate(der: row.1))
    }

    public func insertToken(hash: String, party: String, certificateFingerprint: String, issuedAt: Date, expiresAt: Date, address: String) throws {
        try connection.run("INSERT INTO tokens (hash, party_id, certificate_fingerprint, issued_at, expires_at, address) VALUES (?, ?, ?, ?, ?, ?)",
                           [.text(hash), .text(party), .text(certificateFingerprint), .time(issuedAt), .time(expiresAt), .text(address)])
    }

    /// The token's party, certificate and expiry (nil when unknown or revoked).
    public func token(hash: String) throws -> (party: String, certificateFingerprint: String, expiresAt: Date)? {
        try connection.queryOne("SELECT party_id, certificate_fingerprint, expires_at FROM tokens WHERE hash = ? AND revoked_at IS NULL", [.text(hash)]) {
            ($0.text(0), $0.text(1), $0.time(2))
        }
    }

    /// Drops challenges and tokens that expired before `time`.
    public func purgeExpired(before time: Date) throws {
        try connection.run("DELETE FROM challenges WHERE expires_at < ?", [.time(time)])
        try connection.run("DELETE FROM tokens WHERE expires_at < ?", [.time(time)])
    }
}

// MARK: - Meta

extension SQLTransaction {
    public func setMeta(_ key: String, _ value: String) throws {
        try connection.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [.text(key), .text(value)])
    }

    public func meta(prefix: String) throws -> [(key: String, value: String)] {
        try connection.query("SELECT key, value FROM meta WHERE key LIKE ? ORDER BY key", [.text(prefix + "%")]) { ($0.text(0), $0.text(1)) }
    }
}

extension SQLTransaction: StoreTransaction {}
