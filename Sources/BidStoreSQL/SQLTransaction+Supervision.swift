import BidCore
import BidDomain
import Foundation

extension SQLTransaction: SupervisionTransaction {
    static func card(_ row: any SQLRow) throws -> SupervisionCard {
        try JSONDecoder.ebid.decode(SupervisionCard.self, from: Data(row.text(0).utf8))
    }

    public func supervisionCard(id: String) throws -> SupervisionCard? {
        try connection.queryOne("SELECT body FROM supervision_cards WHERE id = ?", [.text(id)], Self.card)
    }

    public func supervisionCards(open: Bool?, tender: String?, limit: Int) throws -> [SupervisionCard] {
        var clauses: [String] = []
        var values: [SQLValue] = []
        if let open { clauses.append(open ? "closed_at IS NULL" : "closed_at IS NOT NULL") }
        if let tender {
            clauses.append("tender_id = ?")
            values.append(.text(tender))
        }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try connection.query("SELECT body FROM supervision_cards \(filter) ORDER BY raised_at DESC, id LIMIT ?", values + [.int(limit)], Self.card)
    }

    public func supervisionCardRows() throws -> [(body: String, raisedSeq: Int64, closedSeq: Int64?, closedAt: Date?)] {
        try connection.query("SELECT body, raised_seq, closed_seq, closed_at FROM supervision_cards ORDER BY raised_seq") {
            ($0.text(0), $0.int64(1), $0.isNull(2) ? nil : $0.int64(2), $0.optionalTime(3))
        }
    }

    public func insertSupervisionCard(_ card: SupervisionCard, raisedSeq: Int64) throws {
        try connection.run("""
            INSERT INTO supervision_cards (id, level, subject, tender_id, responsible_party, raised_at, body, raised_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(card.id), .text(card.level.rawValue), .text(card.subject), .string(card.tenderId), .string(card.responsible), .time(card.raisedAt),
                  .text(String(decoding: try JSONEncoder.ebid.encode(card), as: UTF8.self)), .integer(raisedSeq)])
    }

    public func closeSupervisionCard(id: String, at time: Date, because: String, closedSeq: Int64) throws {
        guard var card = try supervisionCard(id: id) else { return }
        card.closedAt = time
        card.closedBecause = because
        try connection.run("UPDATE supervision_cards SET closed_at = ?, closed_seq = ?, body = ? WHERE id = ? AND closed_at IS NULL",
                           [.time(time), .integer(closedSeq), .text(String(decoding: try JSONEncoder.ebid.encode(card), as: UTF8.self)), .text(id)])
    }

    static func statement(_ row: any SQLRow) throws -> StepStatement {
        try JSONDecoder.ebid.decode(StepStatement.self, from: Data(row.text(0).utf8))
    }

    public func supervisionStatements(tender id: String) throws -> [StepStatement] {
        try connection.query("SELECT body FROM supervision_statements WHERE tender_id = ? ORDER BY recorded_at", [.text(id)], Self.statement)
    }

    public func allSupervisionStatements() throws -> [StepStatement] {
        try connection.query("SELECT body FROM supervision_statements ORDER BY recorded_at", [], Self.statement)
    }

    public func insertSupervisionStatement(_ statement: StepStatement, ledgerSeq: Int64) throws {
        try connection.run("INSERT INTO supervision_statements (tender_id, step, party, body, recorded_at, ledger_seq) VALUES (?, ?, ?, ?, ?, ?)",
                           [.text(statement.tenderId), .text(statement.step.rawValue), .text(statement.party),
                            .text(String(decoding: try JSONEncoder.ebid.encode(statement), as: UTF8.self)), .time(statement.recordedAt), .integer(ledgerSeq)])
    }

    public func documentObjections(tender id: String) throws -> [(party: String, objection: Objection)] {
        try connection.query("SELECT party, body FROM document_objections WHERE tender_id = ? ORDER BY number", [.text(id)]) {
            ($0.text(0), try JSONDecoder.ebid.decode(Objection.self, from: Data($0.text(1).utf8)))
        }
    }

    public func saveDocumentObjection(tender id: String, party: String, _ objection: Objection) throws {
        try connection.run("""
            INSERT INTO document_objections (tender_id, number, party, body) VALUES (?, ?, ?, ?)
            ON CONFLICT (tender_id, number) DO UPDATE SET party = excluded.party, body = excluded.body
            """,
                           [.text(id), .int(objection.number), .text(party), .text(String(decoding: try JSONEncoder.ebid.encode(objection), as: UTF8.self))])
    }

    public func insertWebLink(codeHash: String, party: String, certificateFingerprint: String, expiresAt: Date) throws {
        try connection.run("INSERT INTO web_links (code_hash, party, certificate_fingerprint, expires_at) VALUES (?, ?, ?, ?)",
                           [.text(codeHash), .text(party), .text(certificateFingerprint), .time(expiresAt)])
    }

    public func consumeWebLink(codeHash: String, at time: Date) throws -> (party: String, certificateFingerprint: String)? {
        guard let row = try connection.queryOne("SELECT party, certificate_fingerprint FROM web_links WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?",
                                                [.text(codeHash), .time(time)], { ($0.text(0), $0.text(1)) }) else { return nil }
        guard try connection.run("UPDATE web_links SET used_at = ? WHERE code_hash = ? AND used_at IS NULL", [.time(time), .text(codeHash)]) == 1 else { return nil }
        return row
    }
}

extension SQLTransaction {
    public func supervisedTenders() throws -> [SupervisedTender] {
        try connection.query("""
            SELECT id, status, owner_party, agency_party, profile, deadline FROM tenders WHERE status <> 'draft' ORDER BY id
            """) {
            SupervisedTender(id: $0.text(0), status: TenderStatus(rawValue: $0.text(1)) ?? .published, owner: $0.text(2), agency: $0.optionalText(3),
                             profile: PolicyProfile(rawValue: $0.text(4)) ?? .statutory, deadline: $0.time(5))
        }
    }

    /// When each opening started and completed.
    public func openingTimes() throws -> [String: (startedAt: Date, completedAt: Date?)] {
        var times: [String: (startedAt: Date, completedAt: Date?)] = [:]
        for row in try connection.query("SELECT tender_id, started_at, completed_at FROM openings", [], { ($0.text(0), $0.time(1), $0.optionalTime(2)) }) {
            times[row.0] = (row.1, row.2)
        }
        return times
    }

    /// Tenders that have published amendments, objections to the documents, or statements.
    public func tendersWithSupervisedItems() throws -> (amendments: Set<String>, objections: Set<String>, statements: Set<String>) {
        (Set(try connection.query("SELECT DISTINCT tender_id FROM amendments WHERE status = 'published'") { $0.text(0) }),
         Set(try connection.query("SELECT DISTINCT tender_id FROM document_objections") { $0.text(0) }),
         Set(try connection.query("SELECT DISTINCT tender_id FROM supervision_statements") { $0.text(0) }))
    }
}
