import BidCore
import Foundation
import Testing
import TestSupport

/// `ebid admin backup` and `ebid admin restore` on a real `ebid serve`: backups taken while the
/// demo uploads bids are complete and pass the audit; damage to a backup is caught; a restored
/// directory starts and audits; a clean stop leaves the database file complete on its own.
@Suite("Backups and restores through the CLI", .serialized)
struct BackupCLITests {
    static let platformCert = "\(ProjectPaths.root)/keys/gm/platform.crt.pem"

    /// The ledger's event count as `ebid audit verify` reports it (and that it passes).
    static func audit(_ data: String) throws -> String {
        let result = try ebid(["audit", "verify", "--data", data, "--hash-blobs", "--platform-cert", platformCert])
        #expect(result.status == 0, "audit of \(data): \(result.text) \(result.stderr)")
        return result.text.split(separator: "\n").first { $0.contains("events") }.map { String($0.split(separator: " ").last ?? "") } ?? ""
    }

    @Test("backups taken while bids are uploaded are complete, intact and pass the audit; a restored copy serves and audits")
    func backupDuringUploads() throws {
        let dir = TemporaryDirectory()
        let data = dir.file("data")
        let server = try ServerProcess(dataDirectory: data)
        defer { server.stop() }
        // The demo publishes a tender and uploads bids (replacements, refusals) through the HTTP API.
        let demo = Process()
        demo.executableURL = URL(fileURLWithPath: ProjectPaths.ebid)
        demo.arguments = ["demo", "--server", server.url, "--data", data, "--suite", "GM", "--work", dir.file("demo-work")]
        demo.currentDirectoryURL = URL(fileURLWithPath: ProjectPaths.root)
        let demoLog = dir.file("demo.log")
        _ = FileManager.default.createFile(atPath: demoLog, contents: nil)
        demo.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: demoLog))
        demo.standardError = demo.standardOutput
        try demo.run()
        var backups: [String] = []
        var heads = Set<String>()
        repeat {
            let out = dir.file("backup-\(backups.count)")
            let made = try ebid(["admin", "backup", "--data", data, "--out", out, "--json"])
            #expect(made.status == 0, "backup while the demo runs: \(made.stderr)")
            if made.status == 0 {
                backups.append(out)
                if let head = made.text.split(separator: "\n").first(where: { $0.contains("headHash") }) { heads.insert(String(head)) }
            }
            usleep(300_000)
        } while demo.isRunning && backups.count < 40
        demo.waitUntilExit()
        #expect(demo.terminationStatus == 0, "the demo failed: \(String(decoding: FileManager.default.contents(atPath: demoLog) ?? Data(), as: UTF8.self).suffix(2000))")
        #expect(backups.count >= 2 && heads.count >= 2, "the backups did not overlap the uploads: \(backups.count) backups, \(heads.count) ledger heads")
        for backup in backups {
            let check = try ebid(["admin", "restore", "--from", backup, "--check"])
            #expect(check.status == 0 && check.text.contains("complete and consistent with its manifest"), "\(backup): \(check.text) \(check.stderr)")
            _ = try Self.audit(backup)
        }
        // The newest backup restored into a new directory: it audits, starts, and holds the bids.
        let last = try #require(backups.last)
        let restored = dir.file("restored")
        let restore = try ebid(["admin", "restore", "--from", last, "--data", restored])
        #expect(restore.status == 0, "\(restore.stderr)")
        let restoredEvents = try Self.audit(restored)
        let backedUpEvents = try Self.audit(last)
        #expect(restoredEvents == backedUpEvents)
        let again = try ServerProcess(dataDirectory: restored, seed: false)
        defer { again.stop() }
        let health = try runCommand(["curl", "-sf", "\(again.url)/v1/health"])
        #expect(health.status == 0, "the restored directory does not serve: \(again.log.suffix(1000))")
        // Nothing is overwritten.
        let over = try ebid(["admin", "restore", "--from", last, "--data", restored])
        #expect(over.status != 0 && over.stderr.contains("not empty"), "\(over.stderr)")
        let overBackup = try ebid(["admin", "backup", "--data", data, "--out", last])
        #expect(overBackup.status != 0 && overBackup.stderr.contains("not empty"), "\(overBackup.stderr)")
    }

    @Test("a damaged backup is refused: a changed blob, a missing blob, a changed database, a missing manifest")
    func damagedBackups() throws {
        let dir = TemporaryDirectory()
        let data = dir.file("data")
        let server = try ServerProcess(dataDirectory: data)
        try ServiceCLITests.publishDemoTender(server, in: dir)
        let good = dir.file("good")
        #expect(try ebid(["admin", "backup", "--data", data, "--out", good]).status == 0)
        server.stop()
        func copy(_ name: String) throws -> String {
            let target = dir.file(name)
            #expect(try runCommand(["cp", "-a", good, target]).status == 0)
            return target
        }
        func blobs(_ backup: String) throws -> [String] {
            let found = try runCommand(["find", "\(backup)/blobs", "-type", "f"])
            return found.text.split(separator: "\n").map(String.init).sorted()
        }
        func refused(_ backup: String, _ expected: String) throws {
            let check = try ebid(["admin", "restore", "--from", backup, "--check"])
            #expect(check.status != 0 && check.stderr.contains(expected), "\(backup): expected “\(expected)”, got \(check.stderr)")
            let restore = try ebid(["admin", "restore", "--from", backup, "--data", backup + "-restored"])
            #expect(restore.status != 0 && !FileManager.default.fileExists(atPath: backup + "-restored/ebid.sqlite"), "a damaged backup was restored")
        }
        #expect(try !blobs(good).isEmpty, "the tender's documents should be in the backup")
        let changed = try copy("changed-blob")
        let blob = try #require(try blobs(changed).first)
        var bytes = try #require(FileManager.default.contents(atPath: blob))
        bytes[0] ^= 0x01
        try bytes.write(to: URL(fileURLWithPath: blob))
        try refused(changed, "does not hash to its name")
        let missing = try copy("missing-blob")
        unlink(try #require(try blobs(missing).first))
        try refused(missing, "lacks blob")
        let database = try copy("changed-database")
        #expect(try runCommand(["sh", "-c", "printf 'x' | dd of=\(database)/ebid.sqlite bs=1 seek=5000 conv=notrunc 2>/dev/null"]).status == 0)
        try refused(database, "is not the database this backup was made with")
        let withLog = try copy("with-log")
        _ = FileManager.default.createFile(atPath: "\(withLog)/ebid.sqlite-wal", contents: Data(repeating: 7, count: 4096))
        try refused(withLog, "write-ahead log")
        let noManifest = try copy("no-manifest")
        unlink("\(noManifest)/backup.json")
        try refused(noManifest, "not an ebid backup")
        #expect(try ebid(["admin", "restore", "--from", good, "--check"]).status == 0)
    }

    @Test("after a clean stop the database file alone holds every event (the write-ahead log is folded in)")
    func cleanStopFoldsTheLog() throws {
        let dir = TemporaryDirectory()
        let data = dir.file("data")
        let server = try ServerProcess(dataDirectory: data)
        try ServiceCLITests.publishDemoTender(server, in: dir)
        #expect(server.stop() == 0)
        // Right after the stop, before anything else opens the database: the log is empty or gone.
        let log = (try? FileManager.default.attributesOfItem(atPath: "\(data)/ebid.sqlite-wal")[.size] as? UInt64) ?? 0
        #expect(log == 0, "the write-ahead log still holds \(log) bytes after a clean stop")
        let alone = dir.file("alone")
        try FileManager.default.createDirectory(atPath: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: "\(data)/ebid.sqlite", toPath: "\(alone)/ebid.sqlite")
        try FileManager.default.copyItem(atPath: "\(data)/blobs", toPath: "\(alone)/blobs")
        let events = try Self.audit(data)
        let aloneEvents = try Self.audit(alone)
        #expect(!events.isEmpty && aloneEvents == events, "the database file alone lacks events that were in the log")
        #expect(server.log.contains("write-ahead log is folded"))
    }
}
