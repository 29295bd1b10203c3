import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import Testing
import TestSupport

/// A real `ebid serve` on 127.0.0.1 driven by the real CLI, checked with openssl where it can judge.
@Suite("Service end to end: publish, seal, submit, receipts, restart, audit", .serialized)
struct ServiceCLITests {
    static let keys = "\(ProjectPaths.root)/keys"
    static let seeds = "\(ProjectPaths.root)/seeds"

    static func identity(_ party: String, suite: String = "gm") -> [String] {
        ["--cert", "\(keys)/\(suite)/\(party).crt.pem", "--key", "\(keys)/\(suite)/\(party).key.pem"]
    }

    static func parts(_ bidder: String) -> [String] {
        ["commercial", "technical", "qualification"].flatMap { ["--part", "\($0)=\(seeds)/bids/parts/\(bidder)/\($0).txt"] }
    }

    /// Opening keys made on one machine (`ebid opening keygen`, accepted in the demo profile) for
    /// both suites: opening-gm[-TENDER].json and opening-nist[-TENDER].json.
    static func keygen(in dir: TemporaryDirectory, tender: String? = nil) throws {
        for (suite, folder) in [("GM", "gm"), ("NIST", "nist")] {
            let keygen = try ebid(["opening", "keygen", "--suite", suite, "--threshold", "2", "--out", dir.file("opening-\(folder)\(tender.map { "-\($0)" } ?? "").json"),
                                   "--officials", (1...3).map { "\(keys)/\(folder)/official-0\($0).crt.pem" }.joined(separator: ",")]
                                  + (tender.map { ["--tender", $0] } ?? []))
            #expect(keygen.status == 0, "\(keygen.stderr)")
            #expect(keygen.stderr.contains("saw the whole private key"), "keygen says plainly what it is: \(keygen.stderr)")
        }
    }

    /// The demo tender published with keygen's opening keys for both suites (or, with `ceremony`,
    /// with the keys of key ceremonies run by the three officials through the CLI).
    static func publishDemoTender(_ server: ServerProcess, in dir: TemporaryDirectory, deadline: String = "+300s", ceremony: Bool = false) throws {
        dir.write("招标文件.txt", Array("福州市鼓楼区东街口片区道路提升改造工程施工招标文件（演示）".utf8))
        var keys: [String] = []
        if ceremony {
            for (suite, folder) in [("GM", "gm"), ("NIST", "nist")] {
                try runCeremony(server, tender: "FZGC-2026-0001", suite: suite, folder: folder, out: dir.file("transcript-\(folder).json"))
                keys += ["--opening-key", dir.file("transcript-\(folder).json")]
            }
        } else {
            try keygen(in: dir)
            keys = ["--opening-key", dir.file("opening-gm.json"), "--opening-key", dir.file("opening-nist.json")]
        }
        let publish = try ebid(["tender", "publish", "--server", server.url] + identity("agency-01")
                               + ["--file", "\(seeds)/tenders/demo-tender.json", "--document", dir.file("招标文件.txt"), "--deadline", deadline] + keys)
        #expect(publish.status == 0, "\(publish.stderr)")
    }

    /// The key ceremony through the real CLI: the agency starts it, each official deals and checks
    /// on "its machine", the transcript is written to `out`.
    static func runCeremony(_ server: ServerProcess, tender: String, suite: String, folder: String, out: String) throws {
        let start = try ebid(["opening", "ceremony", "start", "--server", server.url, "--tender", tender, "--suite", suite, "--threshold", "2",
                              "--officials", "official-01,official-02,official-03"] + identity("agency-01"))
        #expect(start.status == 0, "\(start.stderr)")
        let trust = ["--trust", "\(keys)/\(folder)/ca.crt.pem"]
        for step in ["deal", "check"] {
            for official in ["official-01", "official-02", "official-03"] {
                let run = try ebid(["opening", "ceremony", step, "--server", server.url, "--tender", tender] + identity(official, suite: folder) + trust)
                #expect(run.status == 0, "\(step) by \(official): \(run.stderr)")
            }
        }
        let status = try ebid(["opening", "ceremony", "status", "--server", server.url, "--tender", tender, "--suite", suite, "--out", out] + identity("agency-01"))
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.text.contains("complete"), "\(status.text)")
    }

    static func seal(_ bidder: String, server: ServerProcess, out: String, suite: String = "gm") throws -> CommandResult {
        try ebid(["bid", "seal", "--server", server.url, "--tender", "FZGC-2026-0001", "--suite", suite.uppercased()] + identity(bidder, suite: suite)
                 + ["--summary", "\(seeds)/bids/\(bidder).summary.json", "--out", out] + parts(bidder))
    }

    @Test("a tender's life up to the deadline through the CLI; graceful restart; tampering caught by audit verify")
    func lifecycle() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        try Self.publishDemoTender(server, in: dir)

        // Anyone reads the tender and downloads its documents without logging in.
        let show = try ebid(["tender", "show", "--server", server.url, "FZGC-2026-0001"])
        #expect(show.text.contains("福州市鼓楼区东街口片区道路提升改造工程施工"))
        #expect(show.text.contains("demo profile"))
        let download = try ebid(["tender", "download", "--server", server.url, "FZGC-2026-0001", "招标文件.txt", "--out", dir.file("downloaded.txt")])
        #expect(download.status == 0, "\(download.stderr)")
        #expect(dir.read("downloaded.txt") == dir.read("招标文件.txt"))

        // A bidder seals with the tender's opening key fetched from the service, submits, gets a receipt.
        #expect(try Self.seal("bidder-02", server: server, out: dir.file("b2.ebid")).status == 0)
        let submit = try ebid(["bid", "submit", "--server", server.url] + Self.identity("bidder-02") + ["--in", dir.file("b2.ebid"), "--receipt-out", dir.file("r2.json")])
        #expect(submit.status == 0, "\(submit.stderr)")
        #expect(submit.text.contains("bid received"))
        // The receipt checks offline, with ebid and with openssl alone.
        let platform = try runCommand(["curl", "-sf", "\(server.url)/v1/platform/certificate", "-o", dir.file("platform.pem")])
        #expect(platform.status == 0)
        let verify = try ebid(["receipt", "verify", "--in", dir.file("r2.json"), "--platform-cert", dir.file("platform.pem")])
        #expect(verify.status == 0, "\(verify.stderr)")
        try openssl(["x509", "-in", "platform.pem", "-pubkey", "-noout", "-out", "platform.pub"], in: dir)
        let opensslCheck = try openssl(["dgst", "-sm3", "-verify", "platform.pub", "-sigopt", "distid:1234567812345678", "-signature", "r2.json.sig", "r2.json"], in: dir)
        #expect(opensslCheck.text.contains("Verified OK"))
        var altered = dir.read("r2.json")
        altered[20] ^= 1
        dir.write("r2-altered.json", altered)
        #expect(try ebid(["receipt", "verify", "--in", dir.file("r2-altered.json"), "--sig", dir.file("r2.json.sig"), "--platform-cert", dir.file("platform.pem")]).status == 1)

        // A NIST bid, a replacement, a withdrawal.
        #expect(try Self.seal("bidder-03", server: server, out: dir.file("b3.ebid"), suite: "nist").status == 0)
        #expect(try ebid(["bid", "submit", "--server", server.url] + Self.identity("bidder-03", suite: "nist") + ["--in", dir.file("b3.ebid")]).status == 0)
        let replace = try ebid(["bid", "submit", "--server", server.url] + Self.identity("bidder-02") + ["--in", dir.file("b2.ebid")])
        #expect(replace.text.contains("replaces your previous bid"))
        #expect(try ebid(["bid", "withdraw", "--server", server.url, "--tender", "FZGC-2026-0001"] + Self.identity("bidder-03", suite: "nist")).status == 0)

        // Refusals, named.
        #expect(try Self.seal("bidder-07", server: server, out: dir.file("b7.ebid")).status == 0)
        let debarred = try ebid(["bid", "submit", "--server", server.url] + Self.identity("bidder-07") + ["--in", dir.file("b7.ebid")])
        #expect(debarred.status == 1)
        #expect(debarred.stderr.contains("bid.debarred") && debarred.stderr.contains("CR-2026-FZ-0007"), "\(debarred.stderr)")
        let impostor = try ebid(["bid", "submit", "--server", server.url] + Self.identity("bidder-04") + ["--in", dir.file("b2.ebid")])
        #expect(impostor.stderr.contains("bid.signer-not-bidder"), "\(impostor.stderr)")
        let revoked = try ebid(["bid", "status", "--server", server.url, "--tender", "FZGC-2026-0001"] + Self.identity("bidder-09"))
        #expect(revoked.stderr.contains("cert.revoked"), "\(revoked.stderr)")

        let status = try ebid(["bid", "status", "--server", server.url, "--tender", "FZGC-2026-0001"] + Self.identity("bidder-02"))
        #expect(status.text.contains("active") && status.text.contains("replaced"))

        // The deadline passes (demo clock): a bid sealed in time but sent too late is refused.
        #expect(try Self.seal("bidder-05", server: server, out: dir.file("b5.ebid")).status == 0)
        #expect(try ebid(["admin", "clock", "--server", server.url, "--advance", "400"] + Self.identity("admin-01")).status == 0)
        let late = try ebid(["bid", "submit", "--server", server.url] + Self.identity("bidder-05") + ["--in", dir.file("b5.ebid")])
        #expect(late.status == 1)
        #expect(late.stderr.contains("bid.deadline-passed"), "\(late.stderr)")
        let lateWithdraw = try ebid(["bid", "withdraw", "--server", server.url, "--tender", "FZGC-2026-0001"] + Self.identity("bidder-02"))
        #expect(lateWithdraw.stderr.contains("bid.deadline-passed"), "\(lateWithdraw.stderr)")

        #expect(try ebid(["audit", "verify", "--data", dir.file("data"), "--platform-cert", "\(Self.keys)/gm/platform.crt.pem"]).status == 0)
        // The monitoring office archives the checkpoints on its own machine; bidders keep their receipts.
        let archive = try ebid(["audit", "checkpoints", "--server", server.url, "--out", dir.file("archive.json"),
                                "--platform-cert", "\(Self.keys)/gm/platform.crt.pem"])
        #expect(archive.status == 0 && archive.text.contains("archived"), "\(archive.stderr)")
        try FileManager.default.createDirectory(atPath: dir.file("kept"), withIntermediateDirectories: true)
        for name in ["r2.json", "r2.json.sig"] { dir.write("kept/\(name)", dir.read(name)) }

        // SIGTERM: a graceful stop; a restart on the same directory continues where it stopped.
        #expect(server.stop() == 0)
        try server.start()
        let after = try ebid(["bid", "status", "--server", server.url, "--tender", "FZGC-2026-0001"] + Self.identity("bidder-02"))
        #expect(after.text.contains("active"), "\(after.stderr)")
        let stillLate = try ebid(["bid", "withdraw", "--server", server.url, "--tender", "FZGC-2026-0001"] + Self.identity("bidder-02"))
        #expect(stillLate.stderr.contains("bid.deadline-passed"), "the demo clock must survive the restart: \(stillLate.stderr)")
        let audit = try ebid(["audit", "verify", "--data", dir.file("data")])
        #expect(audit.status == 0, "\(audit.stderr)")
        #expect(audit.stderr.contains("WARNING: no --platform-cert given"), "an audit on the data directory's own certificates says so: \(audit.stderr)")
        server.stop()
        // The kept receipt and the archived checkpoints are still in the ledger.
        let external = try ebid(["audit", "verify", "--data", dir.file("data"), "--platform-cert", "\(Self.keys)/gm/platform.crt.pem",
                                 "--receipts", dir.file("kept"), "--checkpoints", dir.file("archive.json"), "--hash-blobs"])
        #expect(external.status == 0, "\(external.stderr)")
        #expect(external.text.contains("1 checked against the ledger"), "\(external.text)")

        // Someone edits the database behind the service's back: the audit names the event.
        let database = try SQLiteDatabase(path: dir.file("data/ebid.sqlite"))
        try database.executeNow("UPDATE ledger_events SET actor_party = 'someone-else' WHERE seq = 40")
        let tampered = try ebid(["audit", "verify", "--data", dir.file("data")])
        #expect(tampered.status == 1)
        #expect(tampered.stderr.contains("event 40"), "\(tampered.stderr)")
    }
}
