import ArgumentParser
import BidCore
import BidService
import Foundation

extension Admin {
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Back a data directory up while the service runs on it (a consistent snapshot and its blobs).",
            discussion: """
            Writes OUT/ebid.sqlite (SQLite's VACUUM INTO: one consistent snapshot, taken while the
            service keeps receiving bids), every blob it names under OUT/blobs (each checked against
            its digest), and OUT/backup.json (when, the database's SHA-256, the ledger's head, the
            blobs). OUT must be new or empty. Check a backup with `ebid admin restore --check` or
            `ebid audit verify --data OUT --hash-blobs`; restore it with `ebid admin restore`.
            A backup holds what the data directory holds, opened bids' parts included: keep it as
            private as the directory itself.
            """
        )

        @Option(help: "The service's data directory.")
        var data: String

        @Option(help: "The backup directory to write (new or empty).")
        var out: String

        @Flag(help: "Print the manifest as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let manifest = try DataBackup.backup(dataDirectory: data, to: out)
                try printManifest(manifest, json: json, heading: "backed up \(data) into \(out)")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a backup and restore it into a new data directory.",
            discussion: """
            Checks the backup first: the database is the one its manifest describes and passes SQLite's
            integrity check, the ledger's head is the manifest's, every blob the database names is there
            and hashes to its name. Then copies it into --data, which must be new or empty (nothing is
            overwritten). Start the service on it as on any data directory (`ebid serve --data DIR`, the
            profile it was created with), and run `ebid audit verify --data DIR` on it.
            With --check, only checks the backup.
            """
        )

        @Option(help: "The backup directory (as `ebid admin backup --out` wrote it).")
        var from: String

        @Option(help: "The data directory to restore into (new or empty).")
        var data: String?

        @Flag(help: "Only check the backup; restore nothing.")
        var check = false

        @Flag(help: "Print the manifest as JSON.")
        var json = false

        func validate() throws {
            if check, data != nil { throw ValidationError("--check restores nothing: give --data without --check, or --check without --data") }
            if !check, data == nil { throw ValidationError("give --data DIR to restore into (or --check to only check the backup)") }
        }

        func run() async throws {
            try await reportingErrors {
                if check {
                    let manifest = try DataBackup.verify(backup: from)
                    try printManifest(manifest, json: json, heading: "the backup \(from) is complete and consistent with its manifest (for proof against tampering: ebid audit verify --data \(from) --platform-cert … --checkpoints …)")
                } else if let data {
                    let manifest = try DataBackup.restore(backup: from, to: data)
                    try printManifest(manifest, json: json, heading: "restored \(from) into \(data); next: ebid audit verify --data \(data) --platform-cert …")
                }
            }
        }
    }
}

private func printManifest(_ manifest: DataBackup.Manifest, json: Bool, heading: String) throws {
    if json {
        print(String(decoding: try JSONEncoder.ebidPretty.encode(manifest), as: UTF8.self))
        return
    }
    print(heading)
    printTable([
        ("taken at", displayTime(manifest.createdAt)),
        ("database", "\(formatBytes(manifest.database.bytes)), SHA-256 \(manifest.database.sha256)"),
        ("ledger", "\(manifest.ledger.events) events, head \(manifest.ledger.headSeq.map { "#\($0) \(manifest.ledger.headHash ?? "")" } ?? "empty")"),
        ("blobs", "\(manifest.blobs.count), \(formatBytes(manifest.blobs.bytes))"),
    ], indent: "  ")
}
