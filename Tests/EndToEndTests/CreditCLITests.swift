import BidCore
import Foundation
import Testing
import TestSupport

/// The credit register through a real `ebid serve` and the real CLI.
@Suite("Credit register end to end: records, queries, signatures, imports, the ledger", .serialized)
struct CreditCLITests {
    typealias CLI = ServiceCLITests
    static let debarred = "91350800MATWMFMA1M"

    static func record(id: String = "CR-E2E-\(UUID().uuidString.prefix(6))", code: String = "91350100MA3W7WKK88", name: String = "福州榕城路桥集团有限公司",
                       penalty: String) -> String {
        """
        {"id": "\(id)", "kind": "decision",
         "subject": {"kind": "organization", "code": "\(code)", "name": "\(name)"},
         "category": "fraud", "facts": "以他人名义投标（测试）", "legalBasis": "《中华人民共和国招标投标法》第五十四条",
         "decisionNumber": "榕建罚〔2026〕第0099号", "authority": "福州市住房和城乡建设局", "decisionDate": "2026-11-01T00:00:00+08:00",
         "penalty": \(penalty)}
        """
    }

    @Test("a supervisor records, the public queries, the record verifies offline with ebid and openssl, the ledger shows it")
    func creditThroughTheCLI() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let supervisor = CLI.identity("supervisor-01")

        // The public: the seeded debarment, by subject and in the listing.
        let page = try ebid(["credit", "query", "--server", server.url, "--subject", Self.debarred])
        #expect(page.status == 0, "\(page.stderr)")
        #expect(page.text.contains("IN FORCE") && page.text.contains("CR-2026-FZ-0007"), "\(page.text)")
        let listing = try ebid(["credit", "query", "--server", server.url, "--category", "collusion"])
        #expect(listing.text.contains("CR-2026-FZ-0007"), "\(listing.text)")

        // A supervisor records a fraud debarment of 1 year; 4 years is out of the law's bounds (Law art. 54: 1–3).
        dir.write("ok.json", Array(Self.record(penalty: #"{"kind": "debarment", "start": "2026-11-01T00:00:00+08:00", "end": "2027-11-01T00:00:00+08:00"}"#).utf8))
        dir.write("long.json", Array(Self.record(penalty: #"{"kind": "debarment", "start": "2026-11-01T00:00:00+08:00", "end": "2030-11-01T00:00:00+08:00"}"#).utf8))
        let added = try ebid(["credit", "add", "--server", server.url] + supervisor + ["--file", dir.file("ok.json"), "--json"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(try JSONSerialization.jsonObject(with: Data(added.text.utf8)) as? [String: Any]).flatMap { ($0["record"] as? [String: Any])?["id"] as? String }
        let recordId = try #require(id)
        let long = try ebid(["credit", "add", "--server", server.url] + supervisor + ["--file", dir.file("long.json")])
        #expect(long.status == 1 && long.stderr.contains("credit.term-out-of-bounds") && long.stderr.contains("at most 3 year"), "\(long.stderr)")
        let notSupervisor = try ebid(["credit", "add", "--server", server.url] + CLI.identity("agency-01") + ["--file", dir.file("ok.json")])
        #expect(notSupervisor.status == 1 && notSupervisor.stderr.contains("auth.role-forbidden"), "\(notSupervisor.stderr)")

        // The debarred company sees it at login; its upload is refused naming the record.
        let status = try ebid(["bid", "status", "--server", server.url, "--tender", "NO-SUCH"] + CLI.identity("bidder-02"))
        #expect(status.stderr.contains(recordId), "\(status.stderr)")

        // Offline: the signed record checks with ebid and with openssl alone; a changed byte does not.
        let get = try ebid(["credit", "get", "--server", server.url, recordId, "--out", dir.file("record.json")])
        #expect(get.status == 0, "\(get.stderr)")
        #expect(try runCommand(["curl", "-sf", "\(server.url)/v1/platform/certificate", "-o", dir.file("platform.pem")]).status == 0)
        let verify = try ebid(["record", "verify", "--in", dir.file("record.json"), "--platform-cert", dir.file("platform.pem")])
        #expect(verify.status == 0 && verify.text.contains("credit record is authentic"), "\(verify.stderr)")
        try openssl(["x509", "-in", "platform.pem", "-pubkey", "-noout", "-out", "platform.pub"], in: dir)
        #expect(try openssl(["dgst", "-sm3", "-verify", "platform.pub", "-sigopt", "distid:1234567812345678", "-signature", "record.json.sig", "record.json"], in: dir)
            .text.contains("Verified OK"))
        var altered = dir.read("record.json")
        altered[altered.count / 3] ^= 1
        dir.write("altered.json", altered)
        #expect(try ebid(["record", "verify", "--in", dir.file("altered.json"), "--sig", dir.file("record.json.sig"),
                          "--platform-cert", dir.file("platform.pem")]).status == 1)

        // The supervisor's file: history and the ledger events that recorded it, each with its checkpoint.
        let file = try ebid(["credit", "query", "--server", server.url, "--subject", "91350100MA3W7WKK88"] + supervisor)
        #expect(file.status == 0, "\(file.stderr)")
        #expect(file.text.contains("credit.decision") && file.text.contains("credit/\(recordId)"), "\(file.text)")

        // Importing the seeds again changes nothing.
        let again = try ebid(["credit", "import", "--server", server.url] + supervisor + ["--file", "\(CLI.seeds)/credit-records.json"])
        #expect(again.text.contains("0 record(s) imported, 2 already present"), "\(again.text) \(again.stderr)")

        // A file in batches: the third record is out of bounds; the first batch stays, and a re-run after
        // the fix imports only what is missing.
        func batchFile(_ thirdEnd: String) -> [UInt8] {
            let records = (1...4).map { index in
                Self.record(id: "CR-BATCH-\(index)", penalty: #"{"kind": "debarment", "start": "2026-11-01T00:00:00+08:00", "end": "\#(index == 3 ? thirdEnd : "2027-11-01T00:00:00+08:00")"}"#)
            }
            return Array(#"{"format": "ebid-credit-records", "version": 1, "records": [\#(records.joined(separator: ","))]}"#.utf8)
        }
        dir.write("batch.json", batchFile("2031-11-01T00:00:00+08:00"))
        let failed = try ebid(["credit", "import", "--server", server.url] + supervisor + ["--file", dir.file("batch.json"), "--batch", "2"])
        #expect(failed.status == 1 && failed.stderr.contains("credit.term-out-of-bounds") && failed.stderr.contains("from record 3"), "\(failed.stderr)")
        #expect(failed.stderr.contains("the first 2 record(s) are imported"), "\(failed.stderr)")
        dir.write("batch.json", batchFile("2027-11-01T00:00:00+08:00"))
        let rerun = try ebid(["credit", "import", "--server", server.url] + supervisor + ["--file", dir.file("batch.json"), "--batch", "2"])
        #expect(rerun.text.contains("2 record(s) imported, 2 already present"), "\(rerun.text) \(rerun.stderr)")

        // The ledger by action, as a table and as JSON.
        let events = try ebid(["audit", "events", "--server", server.url, "--action", "credit.decision"] + supervisor)
        #expect(events.status == 0 && events.text.contains("credit/\(recordId)"), "\(events.text) \(events.stderr)")
        let json = try ebid(["audit", "events", "--server", server.url, "--action", "credit.decision", "--json"] + supervisor)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.text.utf8)) as? [String: Any])
        #expect((parsed["events"] as? [Any])?.count == 7)
        let bidderAsks = try ebid(["audit", "events", "--server", server.url] + CLI.identity("bidder-01"))
        #expect(bidderAsks.status == 1 && bidderAsks.stderr.contains("auth.role-forbidden"))
    }
}
