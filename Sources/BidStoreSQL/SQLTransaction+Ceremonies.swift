import BidCore
import BidDomain
import Foundation

extension SQLTransaction: CeremonyTransaction {
    static let ceremonyColumns = "parameters, status, started_by, started_at, completed_at, failure, key_id"

    func ceremony(_ row: any SQLRow) throws -> Ceremony {
        Ceremony(parameters: try JSONDecoder.ebid.decode(KeyCeremony.Parameters.self, from: Data(row.text(0).utf8)),
                 status: CeremonyStatus(rawValue: row.text(1)) ?? .failed, startedBy: row.text(2), startedAt: row.time(3),
                 completedAt: row.optionalTime(4), failure: try row.optionalText(5).map { try JSONDecoder.ebid.decode(CeremonyFailure.self, from: Data($0.utf8)) },
                 keyId: row.optionalText(6))
    }

    public func ceremony(tender id: String, suite: Suite) throws -> Ceremony? {
        try connection.queryOne("SELECT \(Self.ceremonyColumns) FROM key_ceremonies WHERE tender_id = ? AND suite = ? ORDER BY attempt DESC LIMIT 1",
                                [.text(id), .text(suite.rawValue)]) { try ceremony($0) }
    }

    public func saveCeremony(_ ceremony: Ceremony) throws {
        let parameters = String(decoding: try JSONEncoder.ebid.encode(ceremony.parameters), as: UTF8.self)
        let failure = try ceremony.failure.map { String(decoding: try JSONEncoder.ebid.encode($0), as: UTF8.self) }
        try connection.run("""
            INSERT INTO key_ceremonies (tender_id, suite, attempt, \(Self.ceremonyColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(tender_id, suite, attempt) DO UPDATE SET status = excluded.status, completed_at = excluded.completed_at,
              failure = excluded.failure, key_id = excluded.key_id
            """, [.text(ceremony.tenderId), .text(ceremony.suite.rawValue), .integer(Int64(ceremony.attempt)), .text(parameters),
                  .text(ceremony.status.rawValue), .text(ceremony.startedBy), .time(ceremony.startedAt), .time(ceremony.completedAt),
                  .string(failure), .string(ceremony.keyId)])
    }

    private func ceremonyKey(_ ceremony: Ceremony) -> [SQLValue] {
        [.text(ceremony.tenderId), .text(ceremony.suite.rawValue), .integer(Int64(ceremony.attempt))]
    }

    public func insertDealing(_ dealing: KeyCeremony.Dealing, ceremony: Ceremony, at time: Date) throws {
        try connection.run("INSERT INTO ceremony_dealings (tender_id, suite, attempt, dealer, dealing, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                           ceremonyKey(ceremony) + [.integer(Int64(dealing.dealer)), .text(String(decoding: try JSONEncoder.ebid.encode(dealing), as: UTF8.self)), .time(time)])
    }

    public func dealings(_ ceremony: Ceremony) throws -> [KeyCeremony.Dealing] {
        try connection.query("SELECT dealing FROM ceremony_dealings WHERE tender_id = ? AND suite = ? AND attempt = ? ORDER BY dealer", ceremonyKey(ceremony)) {
            try JSONDecoder.ebid.decode(KeyCeremony.Dealing.self, from: Data($0.text(0).utf8))
        }
    }

    public func insertConfirmation(_ confirmation: OpeningKeyFile.Confirmation, ceremony: Ceremony, at time: Date) throws {
        try connection.run("INSERT INTO ceremony_confirmations (tender_id, suite, attempt, official, signature, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                           ceremonyKey(ceremony) + [.integer(Int64(confirmation.index)), .text(confirmation.signature), .time(time)])
    }

    public func confirmations(_ ceremony: Ceremony) throws -> [OpeningKeyFile.Confirmation] {
        try connection.query("SELECT official, signature FROM ceremony_confirmations WHERE tender_id = ? AND suite = ? AND attempt = ? ORDER BY official",
                             ceremonyKey(ceremony)) { OpeningKeyFile.Confirmation(index: $0.int(0), signature: $0.text(1)) }
    }

    public func setTranscript(_ transcript: OpeningKeyFile, ceremony: Ceremony) throws {
        try connection.run("UPDATE key_ceremonies SET transcript = ? WHERE tender_id = ? AND suite = ? AND attempt = ?",
                           [.text(String(decoding: try transcript.encoded(), as: UTF8.self))] + ceremonyKey(ceremony))
    }

    public func completedTranscript(tender id: String, suite: Suite) throws -> OpeningKeyFile? {
        try connection.queryOne("""
            SELECT transcript FROM key_ceremonies WHERE tender_id = ? AND suite = ? AND status = 'complete' AND transcript IS NOT NULL
            ORDER BY attempt DESC LIMIT 1
            """, [.text(id), .text(suite.rawValue)]) { try OpeningKeyFile.decodeStored(Data($0.text(0).utf8)) }
    }

    public func insertKeyUse(keyId: String, tender id: String, suite: Suite, at time: Date) throws {
        try connection.run("INSERT INTO opening_key_uses (key_id, tender_id, suite, used_at) VALUES (?, ?, ?, ?)",
                           [.text(keyId), .text(id), .text(suite.rawValue), .time(time)])
    }

    public func keyUse(keyId: String) throws -> String? {
        try connection.queryOne("SELECT tender_id FROM opening_key_uses WHERE key_id = ?", [.text(keyId)]) { $0.text(0) }
    }
}
