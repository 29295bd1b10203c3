import BidCore
import BidDomain
import Foundation

extension SQLTransaction: RegistryTransaction {
    public func parties(role: PartyRole?, status: PartyStatus?) throws -> [Party] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let role {
            conditions.append("id IN (SELECT party_id FROM party_roles WHERE role = ?)")
            values.append(.text(role.rawValue))
        }
        if let status {
            conditions.append("status = ?")
            values.append(.text(status.rawValue))
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        return try connection.query("SELECT \(Self.partyColumns) FROM parties \(filter) ORDER BY id", values) { try party($0) }
    }

    public func setPartyStatus(_ id: String, _ status: PartyStatus, reason: String?) throws {
        try connection.run("UPDATE parties SET status = ?, status_reason = ? WHERE id = ?", [.text(status.rawValue), .string(reason), .text(id)])
    }

    public func certificateEntries(party: String) throws -> [RegistryState.CertificateEntry] {
        try connection.query("""
            SELECT fingerprint, subject, key_type, not_before, not_after, retired_at, retired_reason FROM certificates
            WHERE party_id = ? ORDER BY added_at, fingerprint
            """, [.text(party)]) {
            RegistryState.CertificateEntry(fingerprint: $0.text(0), subject: $0.text(1), keyType: $0.text(2), notBefore: $0.time(3), notAfter: $0.time(4),
                                           retiredAt: $0.optionalTime(5), retiredReason: $0.optionalText(6))
        }
    }

    public func certificateOwner(fingerprint: String) throws -> String? {
        try connection.queryOne("SELECT party_id FROM certificates WHERE fingerprint = ?", [.text(fingerprint)]) { $0.text(0) }
    }

    public func isCertificateRetired(fingerprint: String) throws -> Bool {
        try connection.queryOne("SELECT retired_at IS NOT NULL FROM certificates WHERE fingerprint = ?", [.text(fingerprint)]) { $0.int64(0) != 0 } ?? false
    }

    public func retireCertificate(fingerprint: String, reason: String, at time: Date) throws {
        try connection.run("UPDATE certificates SET retired_at = ?, retired_reason = ? WHERE fingerprint = ? AND retired_at IS NULL",
                           [.time(time), .text(reason), .text(fingerprint)])
    }

    public func endSessions(party: String, at time: Date) throws -> Int {
        try connection.run("UPDATE tokens SET revoked_at = ? WHERE party_id = ? AND revoked_at IS NULL", [.time(time), .text(party)])
    }

    public func registryState(id: String) throws -> RegistryState? {
        guard let row = try connection.queryOne("SELECT status, status_reason FROM parties WHERE id = ?", [.text(id)], {
            ($0.text(0), $0.optionalText(1))
        }), let party = try party(id: id) else { return nil }
        var record = PartyRecord(id: party.id, kind: party.kind, roles: party.roles.sorted { $0.rawValue < $1.rawValue }, name: party.name,
                                 creditCode: party.creditCode, legalRepresentative: party.legalRepresentative, personId: party.personId,
                                 organization: party.organization, employerCreditCode: party.employerCreditCode)
        record.specialties = party.specialties.isEmpty ? nil : party.specialties
        return RegistryState(record: record, status: PartyStatus(rawValue: row.0) ?? .suspended, statusReason: row.1,
                             certificates: try certificateEntries(party: id))
    }

    public func lastRegistryDigest(id: String) throws -> String? {
        let actions = RegistryState.actions.sorted()
        return try connection.queryOne("""
            SELECT payload_digest FROM ledger_events WHERE object = ? AND action IN (\(actions.map { _ in "?" }.joined(separator: ", "))) ORDER BY seq DESC LIMIT 1
            """, [.text("party/\(id)")] + actions.map { .text($0) }) { $0.text(0) }
    }

    public func partyCounts() throws -> [String: Int] {
        Dictionary(try connection.query("SELECT status, count(*) FROM parties GROUP BY status") { ($0.text(0), $0.int(1)) }, uniquingKeysWith: +)
    }

    public func openingCounts() throws -> [String: Int] {
        Dictionary(try connection.query("SELECT status, count(*) FROM openings GROUP BY status") { ($0.text(0), $0.int(1)) }, uniquingKeysWith: +)
    }

    /// Migration 9: the state of every party registered before the ledger recorded it.
    package func recordRegistrySnapshot(at time: Date) throws {
        let ids = try connection.query("SELECT id FROM parties ORDER BY id") { $0.text(0) }
        let actor = Actor(certificateFingerprint: "", party: "platform", role: "migration", address: "local")
        for id in ids {
            guard let state = try registryState(id: id) else { continue }
            try appendLedger(try LedgerEntry(actor: actor, action: "party.snapshot", object: "party/\(id)", json: state), at: time)
        }
    }
}
