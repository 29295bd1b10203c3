import BidCore
import BidDomain
import Foundation

extension SQLTransaction: EvaluationTransaction {
    public func expert(id: String) throws -> Expert? {
        try connection.queryOne("SELECT profile, status, status_reason, updated_at FROM experts WHERE id = ?", [.text(id)]) { try expert($0) }
    }

    public func experts() throws -> [Expert] {
        try connection.query("SELECT profile, status, status_reason, updated_at FROM experts ORDER BY id") { try expert($0) }
    }

    private func expert(_ row: any SQLRow) throws -> Expert {
        Expert(profile: try JSONDecoder.ebid.decode(ExpertProfile.self, from: Data(row.text(0).utf8)), status: ExpertStatus(rawValue: row.text(1)) ?? .suspended,
               statusReason: row.optionalText(2), updatedAt: row.time(3))
    }

    public func saveExpert(_ expert: Expert) throws {
        let profile = String(decoding: try JSONEncoder.ebid.encode(expert.profile), as: UTF8.self)
        try connection.run("""
            INSERT INTO experts (id, profile, status, status_reason, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET profile = excluded.profile, status = excluded.status, status_reason = excluded.status_reason, updated_at = excluded.updated_at
            """, [.text(expert.id), .text(profile), .text(expert.status.rawValue), .string(expert.statusReason), .time(expert.updatedAt)])
    }

    public func evaluation(tender id: String) throws -> EvaluationState? {
        try connection.queryOne("SELECT state FROM evaluations WHERE tender_id = ?", [.text(id)]) {
            try JSONDecoder.ebid.decode(EvaluationState.self, from: Data($0.text(0).utf8))
        }
    }

    public func evaluations(phase: EvaluationPhase?) throws -> [EvaluationState] {
        let filter = phase.map { [SQLValue.text($0.rawValue)] } ?? []
        return try connection.query("SELECT state FROM evaluations\(phase == nil ? "" : " WHERE phase = ?") ORDER BY tender_id", filter) {
            try JSONDecoder.ebid.decode(EvaluationState.self, from: Data($0.text(0).utf8))
        }
    }

    public func saveEvaluation(_ state: EvaluationState, at time: Date) throws {
        let body = String(decoding: try JSONEncoder.ebid.encode(state), as: UTF8.self)
        try connection.run("""
            INSERT INTO evaluations (tender_id, phase, state, updated_at) VALUES (?, ?, ?, ?)
            ON CONFLICT(tender_id) DO UPDATE SET phase = excluded.phase, state = excluded.state, updated_at = excluded.updated_at
            """, [.text(state.tenderId), .text(state.phase.rawValue), .text(body), .time(time)])
    }

    public func insertEvaluationEntry(tender id: String, kind: EvaluationEntryKind, member: String, round: String, body: [UInt8], at time: Date) throws -> Bool {
        try connection.run("INSERT INTO evaluation_entries (tender_id, kind, member, round, body, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                           [.text(id), .text(kind.rawValue), .text(member), .text(round), .blob(body), .time(time)]) == 1
    }

    public func replaceEvaluationEntry(tender id: String, kind: EvaluationEntryKind, member: String, round: String, body: [UInt8], at time: Date) throws {
        try connection.run("""
            INSERT INTO evaluation_entries (tender_id, kind, member, round, body, at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (tender_id, kind, member, round) DO UPDATE SET body = excluded.body, at = excluded.at
            """,
                           [.text(id), .text(kind.rawValue), .text(member), .text(round), .blob(body), .time(time)])
    }

    public func evaluationEntry(tender id: String, kind: EvaluationEntryKind, member: String, round: String) throws -> [UInt8]? {
        try connection.queryOne("SELECT body FROM evaluation_entries WHERE tender_id = ? AND kind = ? AND member = ? AND round = ?",
                                [.text(id), .text(kind.rawValue), .text(member), .text(round)]) { $0.blob(0) }
    }

    public func evaluationEntries(tender id: String, kind: EvaluationEntryKind, round: String?) throws -> [(member: String, body: [UInt8])] {
        var values: [SQLValue] = [.text(id), .text(kind.rawValue)]
        if let round { values.append(.text(round)) }
        return try connection.query("SELECT member, body FROM evaluation_entries WHERE tender_id = ? AND kind = ?\(round == nil ? "" : " AND round = ?") ORDER BY member",
                                    values) { ($0.text(0), $0.blob(1)) }
    }
}
