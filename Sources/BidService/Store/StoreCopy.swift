import BidCore
import BidDesks
import BidDomain
import BidStorePostgres
import BidStoreSQL
import BidStoreSQLite
import Foundation

/// Moves an embedded centre to PostgreSQL (`ebid admin migrate`): every row of every table, copied
/// in one PostgreSQL transaction into an empty database, and then proved — both stores audited
/// (LedgerAudit), and their ledger heads, checkpoints and row counts compared. The blobs stay in
/// the data directory, which becomes the volume the PostgreSQL instances share (`--data`).
public enum StoreCopy {
    /// The tables in the order their foreign keys allow (PostgresSchema's order).
    static let tables = [
        "meta", "parties", "party_roles", "certificates", "challenges", "tokens", "tenders", "opening_keys", "documents", "amendments",
        "receipts", "bids", "credit_records", "ledger_events", "ledger_checkpoints", "openings", "opening_bids", "opened_parts",
        "opening_objections", "opening_confirmations", "collusion_signals", "credit_chains", "credit_leads", "credit_subject_pages",
        "opening_partials", "key_ceremonies", "ceremony_dealings", "ceremony_confirmations", "opening_key_uses", "experts", "evaluations",
        "evaluation_entries", "supervision_cards", "supervision_statements", "document_objections", "web_links",
    ]

    public struct Report: Sendable {
        /// Where the copy went, password left out.
        public var target: String
        public var rows: [(table: String, rows: Int)] = []
        public var source: LedgerAudit.Report
        public var copy: LedgerAudit.Report
        public var mismatches: [String] = []
        public var isProved: Bool { mismatches.isEmpty }
    }

    /// Copies an embedded store (`source`, opened on a data directory) into a PostgreSQL store
    /// (`target`, opened on the URL with blobs in that directory); the stores are the ones
    /// `ServiceConfiguration.openStore` gives.
    public static func copy(from source: any ServiceStore, to target: any ServiceStore, platformCertificates: [Certificate]) throws -> Report {
        guard let source = source as? SQLiteStore, let target = target as? PostgresStore else {
            throw ServiceError.badRequest("migrate.stores", "migrate copies an embedded data directory into PostgreSQL")
        }
        let version = try source.database.readNow { tx in try tx.connection.queryOne("SELECT MAX(version) FROM schema_migrations") { $0.int(0) } }
        guard version == Migrations.latestVersion else {
            throw ServiceError.conflict("migrate.source-version", "the data directory's schema is not at version \(Migrations.latestVersion): start it once with this ebid first")
        }
        // Read once, as one snapshot; written in one transaction: all or nothing.
        let rows: [(table: String, columns: [String], rows: [[SQLValue]])] = try source.database.readNow { tx in
            try tables.map { table in
                let columns = try tx.connection.query("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table)]) { $0.text(0) }
                guard !columns.isEmpty else { throw StoreError("the data directory has no table \(table)") }
                // Insertion order (opening_bids is read in it: PostgreSQL numbers the rows as they come).
                let values = try tx.connection.query("SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY rowid") { row in
                    (0..<row.columnCount).map { row.value($0) }
                }
                return (table, columns, values)
            }
        }
        try target.writeNow { tx in
            guard let sql = tx as? SQLTransaction else { throw StoreError("not an SQL store") }
            let occupied = try tables.filter { try count($0, tx) > 0 }
            guard occupied.isEmpty else {
                throw ServiceError.conflict("migrate.target-not-empty", "the PostgreSQL database already holds records (\(occupied.prefix(3).joined(separator: ", "))…): migrate into an empty database")
            }
            for (table, columns, values) in rows {
                let insert = "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
                for row in values { try sql.connection.run(insert, row) }
            }
        }
        // Statistics for the planner now, not at autovacuum's next pass: a freshly filled table
        // without them is planned as if empty, and the first queries of the migrated centre scan.
        try target.writeNow { tx in
            guard let sql = tx as? SQLTransaction else { throw StoreError("not an SQL store") }
            try sql.connection.run("ANALYZE")
        }
        var report = Report(target: target.location.description, source: try LedgerAudit.run(source, platformCertificates: platformCertificates),
                            copy: try LedgerAudit.run(target, platformCertificates: platformCertificates))
        // The proof: the same rows, the same chain, the same checkpoints.
        let sourceCounts = try source.readNow { tx in try tables.map { try count($0, tx) } }
        let copyCounts = try target.readNow { tx in try tables.map { try count($0, tx) } }
        for (index, table) in tables.enumerated() {
            report.rows.append((table, copyCounts[index]))
            if sourceCounts[index] != copyCounts[index] { report.mismatches.append("\(table): \(sourceCounts[index]) rows, \(copyCounts[index]) copied") }
        }
        if report.source.head?.hash != report.copy.head?.hash || report.source.events != report.copy.events {
            report.mismatches.append("ledger head: \(report.source.head.map { "#\($0.seq) \($0.hash)" } ?? "none") ≠ \(report.copy.head.map { "#\($0.seq) \($0.hash)" } ?? "none")")
        }
        let sourceCheckpoint = try source.readNow { try $0.lastCheckpoint() }
        let copyCheckpoint = try target.readNow { try $0.lastCheckpoint() }
        if report.source.checkpoints != report.copy.checkpoints || sourceCheckpoint != copyCheckpoint {
            report.mismatches.append("checkpoints: \(report.source.checkpoints) ≠ \(report.copy.checkpoints)")
        }
        if report.source.problems.map(\.kind) != report.copy.problems.map(\.kind) {
            report.mismatches.append("the audits differ: \(report.source.problems.count) problems in the data directory, \(report.copy.problems.count) in the copy")
        }
        return report
    }

    private static func count(_ table: String, _ tx: any StoreTransaction) throws -> Int {
        guard let sql = tx as? SQLTransaction else { throw StoreError("not an SQL store") }
        return try sql.connection.queryOne("SELECT COUNT(*) FROM \(table)") { $0.int(0) } ?? 0
    }
}
