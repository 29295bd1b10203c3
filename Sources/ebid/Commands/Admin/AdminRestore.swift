import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Admin {
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
