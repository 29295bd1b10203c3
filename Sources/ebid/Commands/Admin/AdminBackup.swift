import ArgumentParser
import BidCore
import BidDesks
import BidDomain
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
}
