import BidCore
import BidDomain
import Foundation

// MARK: - Tenders, opening keys, documents, amendments

extension SQLTransaction {
    static let tenderColumns = "spec, status, owner_party, tenderer_party, agency_party, profile, deadline, created_at, published_at"

    static func tender(_ row: any SQLRow) throws -> Tender {
        Tender(spec: try JSONDecoder.ebid.decode(TenderSpec.self, from: Data(row.text(0).utf8)),
               status: TenderStatus(rawValue: row.text(1)) ?? .draft, owner: row.text(2), tendererParty: row.text(3),
               agencyParty: row.optionalText(4), profile: PolicyProfile(rawValue: row.text(5)) ?? .statutory,
               deadline: row.time(6), createdAt: row.time(7), publishedAt: row.optionalTime(8))
    }

    public func tender(id: String) throws -> Tender? {
        try connection.queryOne("SELECT \(Self.tenderColumns) FROM tenders WHERE id = ?", [.text(id)], Self.tender)
    }

    public func tenders(status: TenderStatus) throws -> [Tender] {
        try connection.query("SELECT \(Self.tenderColumns) FROM tenders WHERE status = ? ORDER BY published_at DESC NULLS LAST, id", [.text(status.rawValue)], Self.tender)
    }

    public func tenderProfiles() throws -> Set<String> {
        Set(try connection.query("SELECT DISTINCT profile FROM tenders", []) { $0.text(0) })
    }

    /// Every tender that is not a draft, newest first.
    public func publicTenders() throws -> [Tender] {
        try connection.query("SELECT \(Self.tenderColumns) FROM tenders WHERE status <> 'draft' ORDER BY published_at DESC NULLS LAST, id", [], Self.tender)
    }

    public func setTenderStatus(_ id: String, _ status: TenderStatus) throws {
        try connection.run("UPDATE tenders SET status = ?, version = version + 1 WHERE id = ?", [.text(status.rawValue), .text(id)])
    }

    public func insertTender(_ tender: Tender) throws {
        try connection.run("""
            INSERT INTO tenders (id, section, title, status, owner_party, tenderer_party, agency_party, profile, deadline, spec, created_at, published_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(tender.id), .text(tender.section), .text(tender.spec.title), .text(tender.status.rawValue), .text(tender.owner),
                  .text(tender.tendererParty), .string(tender.agencyParty), .text(tender.profile.rawValue), .time(tender.deadline),
                  .text(String(decoding: try JSONEncoder.ebid.encode(tender.spec), as: UTF8.self)), .time(tender.createdAt), .time(tender.publishedAt)])
    }

    /// Publishes a draft; false when it is not a draft (so a retried request cannot publish twice).
    public func publishTender(id: String, at time: Date) throws -> Bool {
        try connection.run("UPDATE tenders SET status = 'published', published_at = ?, version = version + 1 WHERE id = ? AND status = 'draft'",
                           [.time(time), .text(id)]) == 1
    }

    /// Replaces a draft's tender file; false when it is not (or no longer) a draft.
    public func updateDraft(_ spec: TenderSpec, tenderer: String, agency: String?, deadline: Date) throws -> Bool {
        try connection.run("""
            UPDATE tenders SET section = ?, title = ?, tenderer_party = ?, agency_party = ?, deadline = ?, spec = ?, version = version + 1
            WHERE id = ? AND status = 'draft'
            """, [.text(spec.section), .text(spec.title), .text(tenderer), .string(agency), .time(deadline),
                  .text(String(decoding: try JSONEncoder.ebid.encode(spec), as: UTF8.self)), .text(spec.id)]) == 1
    }

    /// Deletes a draft with its documents and opening keys; false when it is not a draft. Its key
    /// uses stay: one key, one tender, for ever — the tender made again needs keys of its own (a
    /// new ceremony), so nobody's earlier ceremony for the id is adopted by another's draft.
    public func deleteDraft(id: String) throws -> Bool {
        guard try connection.queryOne("SELECT status FROM tenders WHERE id = ?", [.text(id)], { $0.text(0) }) == TenderStatus.draft.rawValue else { return false }
        try connection.run("DELETE FROM documents WHERE tender_id = ?", [.text(id)])
        try connection.run("DELETE FROM opening_keys WHERE tender_id = ?", [.text(id)])
        try connection.run("DELETE FROM amendments WHERE tender_id = ?", [.text(id)])
        return try connection.run("DELETE FROM tenders WHERE id = ? AND status = 'draft'", [.text(id)]) == 1
    }

    public func deleteDraftAmendment(tender id: String, number: Int) throws {
        try connection.run("DELETE FROM documents WHERE tender_id = ? AND amendment = ?", [.text(id), .integer(Int64(number))])
        try connection.run("DELETE FROM amendments WHERE tender_id = ? AND number = ? AND status = 'draft'", [.text(id), .integer(Int64(number))])
    }

    public func setDeadline(tender id: String, to deadline: Date) throws {
        try connection.run("UPDATE tenders SET deadline = ?, version = version + 1 WHERE id = ?", [.time(deadline), .text(id)])
    }

    public func insertOpeningKey(tender id: String, key: TenderOpeningKey) throws {
        try connection.run("INSERT INTO opening_keys (tender_id, suite, key_id, file) VALUES (?, ?, ?, ?)",
                           [.text(id), .text(key.suite.rawValue), .text(key.keyId), .text(String(decoding: try key.file.encoded(), as: UTF8.self))])
    }

    public func openingKeys(tender id: String) throws -> [TenderOpeningKey] {
        try connection.query("SELECT suite, file FROM opening_keys WHERE tender_id = ? ORDER BY suite", [.text(id)]) { row in
            TenderOpeningKey(suite: Suite(rawValue: row.text(0)) ?? .gm, file: try OpeningKeyFile.decodeStored(Data(row.text(1).utf8)))
        }
    }

    static func document(_ row: any SQLRow) -> TenderDocument {
        TenderDocument(name: row.text(0), amendment: row.int(1), size: row.int64(2), digest: row.text(3), contentType: row.text(4),
                       addedAt: row.time(5), blob: row.text(6))
    }

    public func insertDocument(tender id: String, _ document: TenderDocument) throws {
        try connection.run("INSERT INTO documents (tender_id, name, amendment, blob, digest, size, content_type, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           [.text(id), .text(document.name), .integer(Int64(document.amendment)), .text(document.blob), .text(document.digest),
                            .integer(document.size), .text(document.contentType), .time(document.addedAt)])
    }

    public func documents(tender id: String) throws -> [TenderDocument] {
        try connection.query("SELECT name, amendment, size, digest, content_type, added_at, blob FROM documents WHERE tender_id = ? ORDER BY amendment, name",
                             [.text(id)], Self.document)
    }

    public func document(tender id: String, name: String) throws -> TenderDocument? {
        try connection.queryOne("SELECT name, amendment, size, digest, content_type, added_at, blob FROM documents WHERE tender_id = ? AND name = ?",
                                [.text(id), .text(name)], Self.document)
    }

    static func amendment(_ row: any SQLRow) -> Amendment {
        Amendment(number: row.int(0), title: row.text(1), text: row.text(2), status: AmendmentStatus(rawValue: row.text(3)) ?? .draft,
                  previousDeadline: row.time(4), newDeadline: row.optionalTime(5), createdAt: row.time(6), publishedAt: row.optionalTime(7))
    }

    public func insertAmendment(tender id: String, _ amendment: Amendment) throws {
        try connection.run("""
            INSERT INTO amendments (tender_id, number, title, text, status, previous_deadline, new_deadline, created_at, published_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(id), .integer(Int64(amendment.number)), .text(amendment.title), .text(amendment.text), .text(amendment.status.rawValue),
                  .time(amendment.previousDeadline), .time(amendment.newDeadline), .time(amendment.createdAt), .time(amendment.publishedAt)])
    }

    public func amendments(tender id: String) throws -> [Amendment] {
        try connection.query("SELECT number, title, text, status, previous_deadline, new_deadline, created_at, published_at FROM amendments WHERE tender_id = ? ORDER BY number",
                             [.text(id)], Self.amendment)
    }

    /// Publishes a draft amendment, recording the deadline it replaces; false when not a draft.
    public func publishAmendment(tender id: String, number: Int, previousDeadline: Date, newDeadline: Date?, at time: Date) throws -> Bool {
        try connection.run("UPDATE amendments SET status = 'published', published_at = ?, previous_deadline = ?, new_deadline = ? WHERE tender_id = ? AND number = ? AND status = 'draft'",
                           [.time(time), .time(previousDeadline), .time(newDeadline), .text(id), .integer(Int64(number))]) == 1
    }
}

// MARK: - Bids and receipts

extension SQLTransaction {
    static let bidColumns = "id, tender_id, bidder_party, certificate_fingerprint, suite, package_id, package_digest, size, blob, received_at, client_address, status, superseded_at, receipt_id, ledger_seq"

    static func bid(_ row: any SQLRow) -> BidRecord {
        BidRecord(id: row.text(0), tenderId: row.text(1), bidderParty: row.text(2), certificateFingerprint: row.text(3),
                  suite: Suite(rawValue: row.text(4)) ?? .gm, packageId: row.text(5), packageDigest: row.text(6), size: row.int64(7),
                  blob: row.text(8), receivedAt: row.time(9), clientAddress: row.text(10), status: BidStatus(rawValue: row.text(11)) ?? .active,
                  supersededAt: row.optionalTime(12), receiptId: row.text(13), ledgerSeq: row.int64(14))
    }

    public func activeBid(tender id: String, party: String) throws -> BidRecord? {
        try connection.queryOne("SELECT \(Self.bidColumns) FROM bids WHERE tender_id = ? AND bidder_party = ? AND status = 'active'",
                                [.text(id), .text(party)], Self.bid)
    }

    /// A bidder's bids on a tender, newest first (all statuses).
    public func bids(tender id: String, party: String) throws -> [BidRecord] {
        try connection.query("SELECT \(Self.bidColumns) FROM bids WHERE tender_id = ? AND bidder_party = ? ORDER BY received_at DESC",
                             [.text(id), .text(party)], Self.bid)
    }

    /// Every bid of a tender (for the opening, after the deadline).
    public func bids(tender id: String, status: BidStatus) throws -> [BidRecord] {
        try connection.query("SELECT \(Self.bidColumns) FROM bids WHERE tender_id = ? AND status = ? ORDER BY received_at",
                             [.text(id), .text(status.rawValue)], Self.bid)
    }

    public func bid(id: String) throws -> BidRecord? {
        try connection.queryOne("SELECT \(Self.bidColumns) FROM bids WHERE id = ?", [.text(id)], Self.bid)
    }

    public func allBids() throws -> [BidRecord] {
        try connection.query("SELECT \(Self.bidColumns) FROM bids ORDER BY received_at", [], Self.bid)
    }

    public func insertBid(_ bid: BidRecord) throws {
        try connection.run("INSERT INTO bids (\(Self.bidColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            .text(bid.id), .text(bid.tenderId), .text(bid.bidderParty), .text(bid.certificateFingerprint), .text(bid.suite.rawValue),
            .text(bid.packageId), .text(bid.packageDigest), .integer(bid.size), .text(bid.blob), .time(bid.receivedAt), .text(bid.clientAddress),
            .text(bid.status.rawValue), .time(bid.supersededAt), .text(bid.receiptId), .integer(bid.ledgerSeq),
        ])
    }

    public func supersede(bid id: String, as status: BidStatus, at time: Date) throws {
        try connection.run("UPDATE bids SET status = ?, superseded_at = ? WHERE id = ? AND status = 'active'", [.text(status.rawValue), .time(time), .text(id)])
    }

    public func insertReceipt(id: String, kind: ReceiptKind, tender: String, party: String, bid: String?, ledgerSeq: Int64, issuedAt: Date,
                              signed: SignedDocument) throws {
        try connection.run("INSERT INTO receipts (id, kind, tender_id, party_id, bid_id, ledger_seq, issued_at, document, signature, scheme, certificate_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           [.text(id), .text(kind.rawValue), .text(tender), .text(party), .string(bid), .integer(ledgerSeq), .time(issuedAt),
                            .blob(signed.document), .blob(signed.signature), .text(signed.scheme.rawValue), .text(signed.certificateFingerprint)])
    }

    /// A party's receipts for a tender, oldest first.
    static func signedDocument(_ row: any SQLRow, from column: Int) -> SignedDocument {
        SignedDocument(document: row.blob(column), signature: row.blob(column + 1),
                       scheme: SignatureScheme(rawValue: row.text(column + 2)) ?? .sm2WithSM3, certificateFingerprint: row.text(column + 3))
    }

    /// A party's receipts for a tender, oldest first.
    public func receipts(tender id: String, party: String) throws -> [SignedDocument] {
        try connection.query("SELECT document, signature, scheme, certificate_fingerprint FROM receipts WHERE tender_id = ? AND party_id = ? ORDER BY ledger_seq",
                             [.text(id), .text(party)]) { Self.signedDocument($0, from: 0) }
    }

    public func receipt(id: String) throws -> SignedDocument? {
        try connection.queryOne("SELECT document, signature, scheme, certificate_fingerprint FROM receipts WHERE id = ?", [.text(id)]) {
            Self.signedDocument($0, from: 0)
        }
    }

    /// Every receipt with its ledger position (for audits).
    public func allReceipts() throws -> [(ledgerSeq: Int64, signed: SignedDocument)] {
        try connection.query("SELECT ledger_seq, document, signature, scheme, certificate_fingerprint FROM receipts ORDER BY ledger_seq") {
            ($0.int64(0), Self.signedDocument($0, from: 1))
        }
    }
}

// MARK: - The public list (the portal)

extension SQLTransaction {
    /// The stage as SQL (PublicStage.init, to filter in the query); `?` is the clock's now.
    static let stageSQL = """
        CASE WHEN t.status = 'published' AND t.deadline > ? THEN 'bidding'
             WHEN t.status IN ('published', 'opening') THEN 'opening'
             WHEN t.status = 'failed' THEN 'failed'
             WHEN e.phase IS NULL THEN 'opened'
             WHEN e.phase = 'publicity' THEN 'publicity'
             WHEN e.phase = 'awarded' THEN 'awarded'
             ELSE 'evaluating' END
        """

    fileprivate static func publicFilter(_ query: PublicTenderQuery, now: Date, dialect: SQLDialect) -> (String, [SQLValue]) {
        var clauses = ["t.status <> 'draft'"]
        var values: [SQLValue] = []
        if let keyword = query.keyword, !keyword.isEmpty {
            let pattern = "%" + keyword.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_") + "%"
            clauses.append("(t.id \(dialect.like) ? ESCAPE '\\' OR t.title \(dialect.like) ? ESCAPE '\\' OR \(dialect.jsonText("t.spec", member: "announcement")) \(dialect.like) ? ESCAPE '\\')")
            values += [.text(pattern), .text(pattern), .text(pattern)]
        }
        if let stage = query.stage {
            clauses.append("(\(stageSQL)) = ?")
            values += [.time(now), .text(stage.rawValue)]
        }
        if let category = query.category {
            clauses.append(category == .works ? "COALESCE(\(dialect.jsonText("t.spec", member: "category")), 'works') = ?" : "\(dialect.jsonText("t.spec", member: "category")) = ?")
            values.append(.text(category.rawValue))
        }
        if let from = query.publishedFrom {
            clauses.append("t.published_at >= ?")
            values.append(.time(from))
        }
        if let before = query.publishedBefore {
            clauses.append("t.published_at < ?")
            values.append(.time(before))
        }
        return (clauses.joined(separator: " AND "), values)
    }

    /// A page of the public list, newest publication first, with the number of matches.
    public func publicTenderPage(_ query: PublicTenderQuery, now: Date) throws -> (total: Int, rows: [PublicTenderRow]) {
        let (filter, values) = Self.publicFilter(query, now: now, dialect: dialect)
        let from = "FROM tenders t LEFT JOIN evaluations e ON e.tender_id = t.id WHERE \(filter)"
        let total = try connection.queryOne("SELECT COUNT(*) \(from)", values) { $0.int(0) } ?? 0
        let rows = try connection.query("SELECT \(Self.prefixedTenderColumns), e.phase \(from) ORDER BY t.published_at DESC NULLS LAST, t.id LIMIT ? OFFSET ?",
                                        values + [.int(max(0, query.limit)), .int(max(0, query.offset))]) { row in
            PublicTenderRow(tender: try Self.tender(row), phase: row.optionalText(9).flatMap(EvaluationPhase.init(rawValue:)))
        }
        return (total, rows)
    }

    /// Tenders published per month (Beijing time, `yyyy-MM`), oldest first.
    public func publishedPerMonth() throws -> [(month: String, count: Int)] {
        try connection.query("""
            SELECT \(dialect.beijingMonth("published_at")) AS month, COUNT(*) FROM tenders
            WHERE status <> 'draft' AND published_at IS NOT NULL GROUP BY month ORDER BY month
            """) { ($0.text(0), $0.int(1)) }
    }
}

extension SQLTransaction {
    static var prefixedTenderColumns: String {
        tenderColumns.split(separator: ",").map { "t." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
    }

    /// Published tenders still taking bids, the nearest deadline first.
    public func tendersTakingBids(now: Date, limit: Int) throws -> [Tender] {
        try connection.query("SELECT \(Self.prefixedTenderColumns) FROM tenders t WHERE t.status = 'published' AND t.deadline > ? ORDER BY t.deadline, t.id LIMIT ?",
                             [.time(now), .int(limit)], Self.tender)
    }

    /// Tenders whose opening record is published, the latest opening first.
    public func recentlyOpened(limit: Int) throws -> [Tender] {
        try connection.query("""
            SELECT \(Self.prefixedTenderColumns) FROM tenders t JOIN openings o ON o.tender_id = t.id
            WHERE o.record_document IS NOT NULL ORDER BY o.completed_at DESC NULLS LAST, t.id LIMIT ?
            """, [.int(limit)], Self.tender)
    }

    /// Tenders whose candidates or award are published, the latest change first.
    public func recentResults(limit: Int) throws -> [PublicTenderRow] {
        try connection.query("""
            SELECT \(Self.prefixedTenderColumns), e.phase FROM tenders t JOIN evaluations e ON e.tender_id = t.id
            WHERE e.phase IN ('publicity', 'awarded') ORDER BY e.updated_at DESC, t.id LIMIT ?
            """, [.int(limit)]) { row in
            PublicTenderRow(tender: try Self.tender(row), phase: row.optionalText(9).flatMap(EvaluationPhase.init(rawValue:)))
        }
    }
}
