import BidCore
import BidDomain
import Foundation

// MARK: - Credit records, chains and leads

extension SQLTransaction {
    public func insertCreditRecord(_ record: CreditRecord, signed: SignedDocument) throws {
        let input = record.input
        try connection.run("""
            INSERT INTO credit_records (id, record_kind, references_record, subject_kind, subject_code, subject_name, category, facts, legal_basis,
              decision_number, authority, decision_date, tender_id, penalty, fine_amount, restriction_start, restriction_end, recorded_at, recorded_by,
              document, signature, scheme, certificate_fingerprint, chain_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(record.id), .text(input.kind.rawValue), .string(input.references), .text(input.subject.kind.rawValue), .text(input.subject.code),
                  .text(input.subject.name), .text(input.category.rawValue), .text(input.facts), .text(input.legalBasis), .text(input.decisionNumber),
                  .text(input.authority), .time(input.decisionDate), .string(input.tenderId), .text(input.penalty.kind.rawValue), .string(input.penalty.fineAmount),
                  .time(input.penalty.start), .time(input.penalty.permanent == true ? nil : input.penalty.end), .time(record.recordedAt), .text(record.recordedBy),
                  .blob(signed.document), .blob(signed.signature), .text(signed.scheme.rawValue), .text(signed.certificateFingerprint), .text(record.chain)])
    }

    private static func creditRecord(_ row: any SQLRow) throws -> CreditRecord {
        // The signed document is the record itself.
        try JSONDecoder.ebid.decode(CreditRecord.self, from: Data(row.blob(0)))
    }

    /// Every record about a subject (credit code or person id), oldest first.
    public func creditRecords(subject code: String) throws -> [CreditRecord] {
        try connection.query("SELECT document FROM credit_records WHERE subject_code = ? ORDER BY recorded_at, id", [.text(code)], Self.creditRecord)
    }

    /// The records of one decision's chain, oldest first.
    public func creditRecords(chain id: String) throws -> [CreditRecord] {
        try connection.query("SELECT document FROM credit_records WHERE chain_id = ? ORDER BY recorded_at, id", [.text(id)], Self.creditRecord)
    }

    public func creditRecordExists(id: String) throws -> Bool {
        try connection.queryOne("SELECT 1 FROM credit_records WHERE id = ?", [.text(id)]) { _ in true } ?? false
    }

    /// A record with its signature.
    public func signedCreditRecord(id: String) throws -> SignedDocument? {
        try connection.queryOne("SELECT document, signature, scheme, certificate_fingerprint FROM credit_records WHERE id = ?", [.text(id)]) { row in
            SignedDocument(document: row.blob(0), signature: row.blob(1), scheme: SignatureScheme(rawValue: row.text(2)) ?? .sm2WithSM3,
                           certificateFingerprint: row.text(3))
        }
    }

    /// Records with their signatures, by id, after `id` (the audit pages through them).
    public func signedCreditRecords(after id: String, limit: Int) throws -> [(id: String, signed: SignedDocument)] {
        try connection.query("SELECT id, document, signature, scheme, certificate_fingerprint FROM credit_records WHERE id > ? ORDER BY id LIMIT ?",
                             [.text(id), .integer(Int64(limit))]) { row in
            (row.text(0), SignedDocument(document: row.blob(1), signature: row.blob(2), scheme: SignatureScheme(rawValue: row.text(3)) ?? .sm2WithSM3,
                                         certificateFingerprint: row.text(4)))
        }
    }

    /// Writes a decision's derived state (after every record added to its chain). Returns the
    /// subject it was about before, if another (the caller rebuilds both subjects' page sources).
    @discardableResult
    public func saveCreditChain(_ chain: CreditChain) throws -> String? {
        let state = chain.state
        let input = state.current
        let previousSubject = try connection.queryOne("SELECT subject_code FROM credit_chains WHERE id = ?", [.text(state.id)]) { $0.text(0) }
        try connection.run("""
            INSERT INTO credit_chains (id, subject_kind, subject_code, subject_name, category, facts, legal_basis, decision_number, authority,
              decision_date, tender_id, penalty, fine_amount, restriction_start, restriction_end, permanent, status, listed_until, head_id, current_json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET subject_kind = excluded.subject_kind, subject_code = excluded.subject_code, subject_name = excluded.subject_name,
              category = excluded.category, facts = excluded.facts, legal_basis = excluded.legal_basis, decision_number = excluded.decision_number,
              authority = excluded.authority, decision_date = excluded.decision_date, tender_id = excluded.tender_id, penalty = excluded.penalty,
              fine_amount = excluded.fine_amount, restriction_start = excluded.restriction_start, restriction_end = excluded.restriction_end,
              permanent = excluded.permanent, status = excluded.status, listed_until = excluded.listed_until, head_id = excluded.head_id,
              current_json = excluded.current_json
            """, [.text(state.id), .text(input.subject.kind.rawValue), .text(input.subject.code), .text(input.subject.name), .text(input.category.rawValue),
                  .text(input.facts), .text(input.legalBasis), .text(input.decisionNumber), .text(input.authority), .time(input.decisionDate),
                  .string(input.tenderId), .text(input.penalty.kind.rawValue), .string(input.penalty.fineAmount), .time(input.penalty.start),
                  .time(input.penalty.end), .integer(input.penalty.permanent == true ? 1 : 0), .text(state.status.rawValue), .time(state.listedUntil),
                  .text(state.head), .blob(input.json())])
        return previousSubject == input.subject.code ? nil : previousSubject
    }

    /// Stores (or, given nil, removes) a subject's page source.
    public func setCreditSubjectPageSource(subject code: String, _ source: [UInt8]?) throws {
        if let source {
            try connection.run("INSERT INTO credit_subject_pages (subject_code, source) VALUES (?, ?) ON CONFLICT(subject_code) DO UPDATE SET source = excluded.source",
                               [.text(code), .blob(source)])
        } else {
            try connection.run("DELETE FROM credit_subject_pages WHERE subject_code = ?", [.text(code)])
        }
    }

    /// Every subject's page source, rebuilt: migration 4 only (the frozen migration made them once;
    /// every later change goes through the credit register, which derives them).
    package func rebuildCreditSubjectPages() throws {
        try connection.run("DELETE FROM credit_subject_pages")
        for code in try connection.query("SELECT DISTINCT subject_code FROM credit_chains WHERE status = 'in-force'", [], { $0.text(0) }) {
            try setCreditSubjectPageSource(subject: code, SubjectPageSource.source(try creditPageRows(subject: code)))
        }
    }

    /// A subject's page source (nil: no published decision about it).
    public func creditSubjectPageSource(subject code: String) throws -> [UInt8]? {
        try connection.queryOne("SELECT source FROM credit_subject_pages WHERE subject_code = ?", [.text(code)]) { $0.blob(0) }
    }

    /// The subjects that have a page source (the audit).
    public func creditSubjectPageCodes() throws -> [String] {
        try connection.query("SELECT subject_code FROM credit_subject_pages ORDER BY subject_code", [], { $0.text(0) })
    }

    static let decisionColumns = """
        id, subject_kind, subject_code, subject_name, category, facts, legal_basis, decision_number, authority, decision_date, tender_id, penalty,
        fine_amount, restriction_start, restriction_end, permanent, status, listed_until, head_id
        """

    private static func creditDecision(_ row: any SQLRow) -> CreditDecisionState {
        let permanent = row.int(15) == 1
        let penalty = CreditRecordInput.Penalty(kind: PenaltyKind(rawValue: row.text(11)) ?? .none, fineAmount: row.optionalText(12),
                                                start: row.optionalTime(13), end: row.optionalTime(14), permanent: permanent ? true : nil)
        let current = CreditRecordInput(id: row.text(0), subject: .init(kind: PartyRecord.Kind(rawValue: row.text(1)) ?? .organization, code: row.text(2),
                                                                        name: row.text(3)),
                                        category: CreditCategory(rawValue: row.text(4)) ?? .other, facts: row.text(5), legalBasis: row.text(6),
                                        decisionNumber: row.text(7), authority: row.text(8), decisionDate: row.time(9), tenderId: row.optionalText(10),
                                        penalty: penalty)
        return CreditDecisionState(id: row.text(0), current: current, status: CreditChainStatus(rawValue: row.text(16)) ?? .inForce,
                                   listedFrom: row.time(9), listedUntil: row.optionalTime(17), head: row.text(18))
    }

    /// The decisions about a subject, by decision date.
    public func creditDecisions(subject code: String) throws -> [CreditDecisionState] {
        try connection.query("SELECT \(Self.decisionColumns) FROM credit_chains WHERE subject_code = ? ORDER BY decision_date, id", [.text(code)],
                             Self.creditDecision)
    }

    /// The published decisions about a subject in the form its page source is made from.
    public func creditPageRows(subject code: String) throws -> [CreditPageRow] {
        try connection.query("""
            SELECT id, head_id, status, decision_date, listed_until, penalty, restriction_start, restriction_end, permanent, decision_number, authority,
              subject_name, current_json FROM credit_chains WHERE subject_code = ? AND status = 'in-force' ORDER BY decision_date, id
            """, [.text(code)]) { row in
            CreditPageRow(id: row.text(0), head: row.text(1), status: CreditChainStatus(rawValue: row.text(2)) ?? .inForce, listedFrom: row.time(3),
                          listedUntil: row.optionalTime(4), penalty: .init(kind: PenaltyKind(rawValue: row.text(5)) ?? .none, start: row.optionalTime(6),
                                                                          end: row.optionalTime(7), permanent: row.int(8) == 1 ? true : nil),
                          decisionNumber: row.text(9), authority: row.text(10), subjectName: row.text(11), currentJSON: row.blob(12))
        }
    }

    /// Decisions by category and decision date, newest first, after a cursor (decision date, id).
    /// `listedAt`: only those in the public listings at that time.
    public func creditDecisions(_ query: CreditChainQuery) throws -> [CreditDecisionState] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let listedAt = query.listedAt {
            conditions.append("status = 'in-force' AND decision_date <= ? AND (listed_until IS NULL OR listed_until > ?)")
            values += [.time(listedAt), .time(listedAt)]
        }
        if let category = query.category {
            conditions.append("category = ?")
            values.append(.text(category.rawValue))
        }
        if let subject = query.subject {
            conditions.append("subject_code = ?")
            values.append(.text(subject))
        }
        if let from = query.from {
            conditions.append("decision_date >= ?")
            values.append(.time(from))
        }
        if let to = query.to {
            conditions.append("decision_date < ?")
            values.append(.time(to))
        }
        if let (date, id) = query.before {
            conditions.append("(decision_date < ? OR (decision_date = ? AND id < ?))")
            values += [.time(date), .time(date), .text(id)]
        }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        values.append(.integer(Int64(query.limit)))
        return try connection.query("SELECT \(Self.decisionColumns) FROM credit_chains \(clause) ORDER BY decision_date DESC, id DESC LIMIT ?", values,
                                    Self.creditDecision)
    }

    /// Decisions without their derived chain row (after migrating an older data directory).
    public func creditChainsMissing() throws -> [String] {
        try connection.query("""
            SELECT r.id FROM credit_records r LEFT JOIN credit_chains c ON c.id = r.id WHERE r.record_kind = 'decision' AND c.id IS NULL
            """) { $0.text(0) }
    }

    // Leads

    public func insertCreditLead(_ lead: CreditLead) throws {
        try connection.run("""
            INSERT INTO credit_leads (id, kind, status, subject_kind, subject_code, subject_name, party_id, tender_id, summary, evidence, ledger_seq, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(lead.id), .text(lead.kind.rawValue), .text(lead.status.rawValue), .text(lead.subject.kind.rawValue), .text(lead.subject.code),
                  .text(lead.subject.name), .string(lead.partyId), .string(lead.tenderId), .text(lead.summary), .text(lead.evidence),
                  .integer(lead.ledgerSeq), .time(lead.createdAt)])
    }

    static let leadColumns = """
        id, kind, status, subject_kind, subject_code, subject_name, party_id, tender_id, summary, evidence, ledger_seq, created_at, resolved_by,
        resolved_at, resolution, record_id
        """

    private static func creditLead(_ row: any SQLRow) -> CreditLead {
        CreditLead(id: row.text(0), kind: CreditLeadKind(rawValue: row.text(1)) ?? .collusionSignal, status: CreditLeadStatus(rawValue: row.text(2)) ?? .open,
                   subject: .init(kind: PartyRecord.Kind(rawValue: row.text(3)) ?? .organization, code: row.text(4), name: row.text(5)),
                   partyId: row.optionalText(6), tenderId: row.optionalText(7), summary: row.text(8), evidence: row.text(9), ledgerSeq: row.int64(10),
                   createdAt: row.time(11), resolvedBy: row.optionalText(12), resolvedAt: row.optionalTime(13), resolution: row.optionalText(14),
                   recordId: row.optionalText(15))
    }

    public func creditLeads(status: CreditLeadStatus?, tender: String?, limit: Int) throws -> [CreditLead] {
        var conditions: [String] = []
        var values: [SQLValue] = []
        if let status { conditions.append("status = ?"); values.append(.text(status.rawValue)) }
        if let tender { conditions.append("tender_id = ?"); values.append(.text(tender)) }
        let clause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        values.append(.integer(Int64(limit)))
        return try connection.query("SELECT \(Self.leadColumns) FROM credit_leads \(clause) ORDER BY created_at, id LIMIT ?", values, Self.creditLead)
    }

    public func creditLead(id: String) throws -> CreditLead? {
        try connection.queryOne("SELECT \(Self.leadColumns) FROM credit_leads WHERE id = ?", [.text(id)], Self.creditLead)
    }

    /// Resolves an open lead; false if it is not open.
    public func resolveCreditLead(id: String, status: CreditLeadStatus, by party: String, at time: Date, resolution: String?, record: String?) throws -> Bool {
        try connection.run("""
            UPDATE credit_leads SET status = ?, resolved_by = ?, resolved_at = ?, resolution = ?, record_id = ? WHERE id = ? AND status = 'open'
            """, [.text(status.rawValue), .text(party), .time(time), .string(resolution), .string(record), .text(id)]) > 0
    }
}
