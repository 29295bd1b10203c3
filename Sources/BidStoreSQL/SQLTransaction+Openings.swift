import BidCore
import BidDomain
import Foundation

// MARK: - The opening

extension SQLTransaction {
    static let openingColumns = "tender_id, status, started_at, started_by, window_ends_at, completed_at, confirmation_ends_at"

    static func opening(_ row: any SQLRow) -> Opening {
        Opening(tenderId: row.text(0), status: OpeningStatus(rawValue: row.text(1)) ?? .decrypting, startedAt: row.time(2), startedBy: row.text(3),
                windowEndsAt: row.time(4), completedAt: row.optionalTime(5), confirmationEndsAt: row.optionalTime(6))
    }

    public func opening(tender id: String) throws -> Opening? {
        try connection.queryOne("SELECT \(Self.openingColumns) FROM openings WHERE tender_id = ?", [.text(id)], Self.opening)
    }

    public func openings(status: OpeningStatus) throws -> [Opening] {
        try connection.query("SELECT \(Self.openingColumns) FROM openings WHERE status = ?", [.text(status.rawValue)], Self.opening)
    }

    public func saveOpening(_ opening: Opening) throws {
        try connection.run("""
            INSERT INTO openings (\(Self.openingColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(tender_id) DO UPDATE SET status = excluded.status, window_ends_at = excluded.window_ends_at,
              completed_at = excluded.completed_at, confirmation_ends_at = excluded.confirmation_ends_at
            """, [.text(opening.tenderId), .text(opening.status.rawValue), .time(opening.startedAt), .text(opening.startedBy),
                  .time(opening.windowEndsAt), .time(opening.completedAt), .time(opening.confirmationEndsAt)])
    }

    public func setOpeningRecord(tender id: String, _ signed: SignedDocument) throws {
        try connection.run("UPDATE openings SET record_document = ?, record_signature = ?, record_scheme = ?, record_certificate = ? WHERE tender_id = ?",
                           [.blob(signed.document), .blob(signed.signature), .text(signed.scheme.rawValue), .text(signed.certificateFingerprint), .text(id)])
    }

    public func openingRecord(tender id: String) throws -> SignedDocument? {
        try connection.queryOne("SELECT record_document, record_signature, record_scheme, record_certificate FROM openings WHERE tender_id = ? AND record_document IS NOT NULL",
                                [.text(id)]) { Self.signedDocument($0, from: 0) }
    }

    static let openingBidColumns = "bid_id, bidder_party, state, opened_by, cause_code, cause_fault, cause_detail, items, decrypted_at, decryption_address, refused_attempts"

    static func openingBid(_ row: any SQLRow) -> OpeningBid {
        var failure: DecryptionFailure?
        if let code = row.optionalText(4) {
            failure = DecryptionFailure(fault: DecryptionFailure.Fault(rawValue: row.text(5)) ?? .bidder, code: code, detail: row.text(6))
        }
        let items = row.optionalText(7).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) } ?? [:]
        return OpeningBid(bidId: row.text(0), bidderParty: row.text(1), state: OpeningBidState(rawValue: row.text(2)) ?? .pending,
                          openedBy: row.optionalText(3).flatMap(OpenedBy.init(rawValue:)), failure: failure, items: items,
                          decryptedAt: row.optionalTime(8), decryptionAddress: row.optionalText(9), refusedAttempts: row.int(10))
    }

    public func saveOpeningBid(_ bid: OpeningBid, tender id: String, manifest: (bytes: [UInt8], signature: [UInt8])? = nil) throws {
        let items = String(decoding: try JSONEncoder.ebid.encode(bid.items), as: UTF8.self)
        try connection.run("""
            INSERT INTO opening_bids (\(Self.openingBidColumns), tender_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(bid_id) DO UPDATE SET state = excluded.state, opened_by = excluded.opened_by, cause_code = excluded.cause_code,
              cause_fault = excluded.cause_fault, cause_detail = excluded.cause_detail, items = excluded.items, decrypted_at = excluded.decrypted_at,
              decryption_address = excluded.decryption_address, refused_attempts = excluded.refused_attempts
            """, [.text(bid.bidId), .text(bid.bidderParty), .text(bid.state.rawValue), .string(bid.openedBy?.rawValue), .string(bid.failure?.code),
                  .string(bid.failure?.fault.rawValue), .string(bid.failure?.detail), .text(items), .time(bid.decryptedAt),
                  .string(bid.decryptionAddress), .integer(Int64(bid.refusedAttempts)), .text(id)])
        if let manifest {
            try connection.run("UPDATE opening_bids SET manifest = ?, manifest_signature = ? WHERE bid_id = ?",
                               [.blob(manifest.bytes), .blob(manifest.signature), .text(bid.bidId)])
        }
    }

    public func openingBid(tender id: String, bid: String) throws -> OpeningBid? {
        try connection.queryOne("SELECT \(Self.openingBidColumns) FROM opening_bids WHERE tender_id = ? AND bid_id = ?", [.text(id), .text(bid)], Self.openingBid)
    }

    public func openingBids(tender id: String) throws -> [OpeningBid] {
        try connection.query("SELECT \(Self.openingBidColumns) FROM opening_bids WHERE tender_id = ? ORDER BY rowid", [.text(id)], Self.openingBid)
    }

    /// The verified inner manifest of an opened bid (signed bytes).
    public func openedManifest(bid id: String) throws -> [UInt8]? {
        try connection.queryOne("SELECT manifest FROM opening_bids WHERE bid_id = ? AND manifest IS NOT NULL", [.text(id)]) { $0.blob(0) }
    }

    public func insertOpenedPart(bid id: String, position: Int, kind: String, name: String, size: Int64, digest: String, blob: String) throws {
        try connection.run("""
            INSERT INTO opened_parts (bid_id, position, kind, name, size, digest, blob) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (bid_id, position) DO UPDATE SET kind = excluded.kind, name = excluded.name, size = excluded.size, digest = excluded.digest, blob = excluded.blob
            """,
                           [.text(id), .integer(Int64(position)), .text(kind), .text(name), .integer(size), .text(digest), .text(blob)])
    }

    public func openedParts(bid id: String) throws -> [OpenedPart] {
        try connection.query("SELECT position, kind, name, size, digest, blob FROM opened_parts WHERE bid_id = ? ORDER BY position", [.text(id)]) { row in
            OpenedPart(position: row.int(0), kind: row.text(1), name: row.text(2), size: row.int64(3), sha256: row.text(4), blob: row.text(5))
        }
    }

    /// Stores a checked partial decryption; false when that official's partial for the bid is in already.
    public func insertPartial(_ partial: PartialDecryption, bid: String, tender id: String, suite: Suite, party: String, certificateFingerprint: String,
                              at time: Date, address: String) throws -> Bool {
        try connection.run("""
            INSERT INTO opening_partials (bid_id, share_index, tender_id, suite, point, proof, official_party, certificate_fingerprint, received_at, address)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """, [.text(bid), .integer(Int64(partial.index)), .text(id), .text(suite.rawValue), .text(partial.point), .text(partial.proof),
                  .text(party), .text(certificateFingerprint), .time(time), .text(address)]) == 1
    }

    /// The partial decryptions handed in for a bid, by share number.
    public func partials(bid id: String) throws -> [PartialDecryption] {
        try connection.query("SELECT share_index, point, proof FROM opening_partials WHERE bid_id = ? ORDER BY share_index", [.text(id)]) {
            PartialDecryption(index: $0.int(0), point: $0.text(1), proof: $0.text(2))
        }
    }

    /// Which share numbers have handed in partials for the tender, per suite.
    public func partialIndices(tender id: String) throws -> [Suite: [Int]] {
        var out: [Suite: [Int]] = [:]
        try connection.query("SELECT DISTINCT suite, share_index FROM opening_partials WHERE tender_id = ? ORDER BY suite, share_index", [.text(id)]) {
            ($0.text(0), $0.int(1))
        }.forEach { suite, index in if let suite = Suite(rawValue: suite) { out[suite, default: []].append(index) } }
        return out
    }

    public func insertObjection(tender id: String, _ objection: Objection) throws {
        try connection.run("INSERT INTO opening_objections (tender_id, number, party, text, raised_at) VALUES (?, ?, ?, ?, ?)",
                           [.text(id), .integer(Int64(objection.number)), .text(objection.party), .text(objection.text), .time(objection.raisedAt)])
    }

    public func answerObjection(tender id: String, number: Int, answer: String, by party: String, at time: Date) throws -> Bool {
        try connection.run("UPDATE opening_objections SET answer = ?, answered_by = ?, answered_at = ? WHERE tender_id = ? AND number = ? AND answer IS NULL",
                           [.text(answer), .text(party), .time(time), .text(id), .integer(Int64(number))]) == 1
    }

    public func objections(tender id: String) throws -> [Objection] {
        try connection.query("SELECT number, party, text, raised_at, answer, answered_by, answered_at FROM opening_objections WHERE tender_id = ? ORDER BY number",
                             [.text(id)]) {
            Objection(number: $0.int(0), party: $0.text(1), text: $0.text(2), raisedAt: $0.time(3), answer: $0.optionalText(4),
                      answeredBy: $0.optionalText(5), answeredAt: $0.optionalTime(6))
        }
    }

    public func confirm(tender id: String, party: String, at time: Date) throws -> Bool {
        try connection.run("INSERT INTO opening_confirmations (tender_id, party, confirmed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                           [.text(id), .text(party), .time(time)]) == 1
    }

    public func confirmations(tender id: String) throws -> [(party: String, at: Date)] {
        try connection.query("SELECT party, confirmed_at FROM opening_confirmations WHERE tender_id = ? ORDER BY confirmed_at", [.text(id)]) { ($0.text(0), $0.time(1)) }
    }

    public func setSignals(tender id: String, _ signals: [CollusionSignal]) throws {
        try connection.run("DELETE FROM collusion_signals WHERE tender_id = ?", [.text(id)])
        for (position, signal) in signals.enumerated() {
            try connection.run("INSERT INTO collusion_signals (tender_id, position, signal) VALUES (?, ?, ?)",
                               [.text(id), .integer(Int64(position)), .text(String(decoding: try JSONEncoder.ebid.encode(signal), as: UTF8.self))])
        }
    }

    public func signals(tender id: String) throws -> [CollusionSignal] {
        try connection.query("SELECT signal FROM collusion_signals WHERE tender_id = ? ORDER BY position", [.text(id)]) {
            try JSONDecoder.ebid.decode(CollusionSignal.self, from: Data($0.text(0).utf8))
        }
    }
}

extension SQLTransaction {
    /// How many bids each opened tender (record published, not failed) had at its deadline.
    public func openedBidCounts() throws -> [(tender: String, bids: Int)] {
        try connection.query("""
            SELECT o.tender_id, COUNT(b.bid_id) FROM openings o JOIN tenders t ON t.id = o.tender_id LEFT JOIN opening_bids b ON b.tender_id = o.tender_id
            WHERE o.record_document IS NOT NULL AND t.status = 'opened' GROUP BY o.tender_id ORDER BY o.tender_id
            """) { ($0.text(0), $0.int(1)) }
    }
}
