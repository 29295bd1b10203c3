import BidCore
import Foundation
import Testing
import TestSupport

/// Several instances on one PostgreSQL (docs/operations.md, "Scaling out on PostgreSQL"): real
/// `ebid serve --store postgres://…` processes sharing one blob volume, behind a real nginx.
@Suite("Scale-out: instances on one PostgreSQL behind nginx", .serialized)
struct ScaleOutTests {
    static let bidders = 200
    static let tender = "SCALE-2026-0001"

    /// nginx in front of `upstreams`, round-robin, on a free port; returns its URL and a stop.
    static func nginx(_ upstreams: [String], in dir: TemporaryDirectory) throws -> (url: String, stop: () -> Void) {
        let root = dir.file("nginx")
        for sub in ["", "/tmp", "/logs"] { try FileManager.default.createDirectory(atPath: root + sub, withIntermediateDirectories: true) }
        // Its workers run as nobody when root starts it: they write request bodies into tmp.
        chmod(root + "/tmp", 0o777)
        chmod(root, 0o755)
        chmod(dir.path, 0o755)
        let port = try PostgresCluster.freePort()
        let servers = upstreams.map { "server \($0.replacingOccurrences(of: "http://", with: "")) max_fails=2 fail_timeout=3s;" }.joined(separator: " ")
        try """
            worker_processes 1;
            pid \(root)/nginx.pid;
            error_log \(root)/logs/error.log;
            events { worker_connections 1024; }
            http {
              access_log off;
              client_max_body_size 0;
              client_body_temp_path \(root)/tmp;
              proxy_temp_path \(root)/tmp;
              proxy_read_timeout 300s;
              proxy_next_upstream error timeout http_502;
              upstream ebid { \(servers) }
              server {
                listen 127.0.0.1:\(port);
                location / { proxy_pass http://ebid; proxy_set_header Host $http_host; proxy_set_header X-Forwarded-For $remote_addr; }
              }
            }
            """.write(toFile: root + "/nginx.conf", atomically: true, encoding: .utf8)
        // nginx goes to the background: it must not hold this process's pipes.
        let status = PostgresCluster.spawnAndWait(["nginx", "-p", root, "-c", root + "/nginx.conf"])
        guard status == 0 else {
            throw CommandError(message: "nginx did not start (\(status)): \((try? String(contentsOfFile: root + "/logs/error.log", encoding: .utf8)) ?? "")")
        }
        return ("http://127.0.0.1:\(port)", { _ = PostgresCluster.spawnAndWait(["nginx", "-p", root, "-c", root + "/nginx.conf", "-s", "stop"]) })
    }

    /// Polls `condition` every `every` seconds (a CLI call is a process: not too often).
    static func waitFor(_ what: String, seconds: Double = 30, every: Double = 0.2, _ condition: () throws -> Bool) throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            usleep(UInt32(every * 1_000_000))
        }
        return try condition()
    }

    static let leads = "this instance leads the background work"

    @Test("two instances behind nginx: one is SIGKILLed during 200 concurrent uploads; every receipted bid is stored and opens, the other keeps receiving and takes over the opening; audit verify --store passes")
    func failover() throws {
        guard try PostgresCluster.available() else { return }
        guard ExternalTools.require(["/usr/sbin/nginx"], for: "the failover test (apt-get install -y nginx)") else { return }
        let dir = TemporaryDirectory()
        let database = try PostgresCluster.shared.freshDatabase()

        // 200 bidders of their own (the bench's parties), with a demo PKI made for them.
        let seeds = dir.file("seeds")
        try FileManager.default.createDirectory(atPath: seeds, withIntermediateDirectories: true)
        let parties = try runCommand(["python3", "scripts/lib/bench-parties.py", "\(Self.bidders)"], directory: ProjectPaths.root)
        #expect(parties.status == 0, "\(parties.stderr)")
        try parties.stdout.write(to: URL(fileURLWithPath: "\(seeds)/parties.json"))
        let keys = dir.file("keys")
        #expect(try ebid(["keys", "demo-pki", "--out", keys, "--parties", "\(seeds)/parties.json"]).status == 0)
        @Sendable func identity(_ party: String) -> [String] { ["--cert", "\(keys)/gm/\(party).crt.pem", "--key", "\(keys)/gm/\(party).key.pem"] }

        // Instance A seeds the registry and takes the lead; B joins it on the same store and volume.
        let shared = dir.file("shared")
        let store = ["--store", database, "--checkpoint-interval", "2"]
        let a = try ServerProcess(dataDirectory: shared, seed: true, extra: store, logPath: dir.file("a.log"), keys: keys, seeds: seeds)
        defer { a.kill() }
        #expect(try Self.waitFor("A leads") { a.log.contains(Self.leads) }, "\(a.log.suffix(1500))")
        let b = try ServerProcess(dataDirectory: shared, seed: false, extra: store, logPath: dir.file("b.log"), keys: keys, seeds: seeds)
        defer { b.stop() }
        let balancer = try Self.nginx([a.url, b.url], in: dir)
        defer { balancer.stop() }
        let url = balancer.url
        usleep(1_500_000)
        #expect(!b.log.contains(Self.leads), "only one instance leads: \(b.log.suffix(800))")

        // The tender, through the balancer.
        let keygen = try ebid(["opening", "keygen", "--suite", "GM", "--threshold", "2", "--out", dir.file("opening.json"),
                               "--officials", (1...3).map { "\(keys)/gm/official-0\($0).crt.pem" }.joined(separator: ",")])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        var spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(ProjectPaths.root)/seeds/tenders/demo-tender.json"))) as! [String: Any]
        spec["id"] = Self.tender
        spec["acceptedSuites"] = ["GM"]
        try JSONSerialization.data(withJSONObject: spec).write(to: URL(fileURLWithPath: dir.file("tender.json")))
        dir.write("doc.txt", Array("招标文件（扩展测试）".utf8))
        let publish = try ebid(["tender", "publish", "--server", url] + identity("agency-01")
                               + ["--file", dir.file("tender.json"), "--document", dir.file("doc.txt"), "--deadline", "+600s", "--opening-key", dir.file("opening.json")])
        try #require(publish.status == 0, "\(publish.stderr)")

        // Every bidder seals a bid on "its machine".
        let names = (1...Self.bidders).map { String(format: "bench-bidder-%03d", $0) }
        try Data(#"{"price":"12345678.90","durationDays":365,"quality":"合格","projectManager":"张工","bidSecurityAccount":"6222000011112222"}"#.utf8).write(to: URL(fileURLWithPath: dir.file("summary.json")))
        let sealFailures = NSLockedCounter()
        DispatchQueue.concurrentPerform(iterations: names.count) { index in
            let bidder = names[index]
            dir.write("\(bidder).txt", testBytes(20_000, seed: UInt64(index + 1)))
            let seal = try? ebid(["bid", "seal", "--tender", Self.tender, "--suite", "GM"] + identity(bidder)
                                 + ["--opening-key", dir.file("opening.json"), "--summary", dir.file("summary.json"),
                                    "--part", "technical=\(dir.file("\(bidder).txt"))", "--out", dir.file("\(bidder).ebid")])
            if seal?.status != 0 { sealFailures.add(bidder + ": " + (seal?.stderr ?? "")) }
        }
        try #require(sealFailures.values.isEmpty, "\(sealFailures.values.prefix(2))")

        // The burst: 200 uploads at once (16 clients at a time: each is a process of the real CLI,
        // on the same 2 cores as both instances), each through login and PUT. When
        // a third are receipted, instance A — the leader — is killed without warning.
        let receipts = dir.file("receipts")
        try FileManager.default.createDirectory(atPath: receipts, withIntermediateDirectories: true)
        @Sendable func submit(_ bidder: String) -> CommandResult? {
            try? ebid(["bid", "submit", "--server", url] + identity(bidder) + ["--in", dir.file("\(bidder).ebid"), "--receipt-out", "\(receipts)/\(bidder).json"])
        }
        let receipted = NSLockedCounter(), failed = NSLockedCounter()
        let killed = NSLockedCounter()
        let gate = DispatchSemaphore(value: 16)
        let group = DispatchGroup()
        for bidder in names {
            gate.wait()
            group.enter()
            DispatchQueue.global().async {
                defer { gate.signal(); group.leave() }
                if submit(bidder)?.status == 0 { receipted.add(bidder) } else { failed.add(bidder) }
                if receipted.values.count >= Self.bidders / 3, killed.values.isEmpty {
                    killed.add("a")
                    a.kill()
                }
            }
        }
        group.wait()
        #expect(!killed.values.isEmpty, "instance A was killed mid-burst")
        // Those whose upload was cut off try again, as a bidder would: the other instance receives.
        try #require(b.isRunning, "instance B died: \(b.log.suffix(3000))")
        sleep(4)  // nginx tries A again after fail_timeout, finds it gone, and sends everything to B
        for bidder in failed.values {
            let retry = submit(bidder)
            if retry?.status == 0 { receipted.add(bidder) } else {
                let nginxLog = (try? String(contentsOfFile: dir.file("nginx/logs/error.log"), encoding: .utf8)) ?? ""
                Issue.record("\(bidder) could not upload after the failover: \(retry?.stderr.prefix(300) ?? ""); B running: \(b.isRunning); B: \(b.log.suffix(1500)); nginx: \(nginxLog.suffix(1500))")
                break
            }
        }
        #expect(Set(receipted.values).count == Self.bidders, "\(receipted.values.count) receipted, first-pass failures \(failed.values.count)")
        #expect(try Self.waitFor("B leads") { b.log.contains(Self.leads) }, "B takes over the background work: \(b.log.suffix(1500))")

        // Every receipt is in the ledger and every stored package hashes to its record.
        let audit = try ebid(["audit", "verify", "--store", database, "--data", shared, "--platform-cert", "\(keys)/gm/platform.crt.pem",
                              "--receipts", receipts, "--hash-blobs"])
        #expect(audit.status == 0, "\(audit.text.suffix(1500)) \(audit.stderr.suffix(800))")

        // The deadline passes (the demo clock of the one instance left); the opening, started by
        // the agency and run by the officials, opens every bid, moved on by B's background work.
        #expect(try ebid(["admin", "clock", "--server", url, "--advance", "700"] + identity("admin-01")).status == 0)
        let start = try ebid(["opening", "start", "--server", url, "--tender", Self.tender] + identity("agency-01"))
        #expect(start.status == 0, "\(start.stderr)")
        for official in ["official-01", "official-02"] {
            let share = try ebid(["opening", "share", "--server", url, "--tender", Self.tender] + identity(official))
            #expect(share.status == 0, "\(official): \(share.stderr)")
        }
        #expect(try ebid(["admin", "clock", "--server", url, "--advance", "60"] + identity("admin-01")).status == 0)
        #expect(try Self.waitFor("the opening completes", seconds: 180, every: 2) {
            try ebid(["opening", "status", "--server", url, Self.tender]).text.contains("completed")
        })
        let record = try ebid(["opening", "record", "--server", url, Self.tender, "--out", dir.file("record.json")])
        #expect(record.status == 0, "\(record.stderr)")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("record.json")))) as? [String: Any]
        let entries = document?["bids"] as? [[String: Any]] ?? []
        let opened = entries.filter { $0["state"] as? String == "opened" }.count
        #expect(opened == Self.bidders, "\(opened) of \(Self.bidders) bids opened")
    }
}

extension ScaleOutTests {
    @Test("admin migrate moves an embedded centre to PostgreSQL and proves it (same head, checkpoints, rows); a second run is refused; the copy serves and its audit catches an edit")
    func migrate() throws {
        guard try PostgresCluster.available() else { return }
        typealias CLI = ServiceCLITests
        let dir = TemporaryDirectory()
        let data = dir.file("data")
        let embedded = try ServerProcess(dataDirectory: data)
        try CLI.publishDemoTender(embedded, in: dir)
        for bidder in ["bidder-01", "bidder-02"] {
            #expect(try CLI.seal(bidder, server: embedded, out: dir.file("\(bidder).ebid")).status == 0)
            let submit = try ebid(["bid", "submit", "--server", embedded.url] + CLI.identity(bidder) + ["--in", dir.file("\(bidder).ebid")])
            #expect(submit.status == 0, "\(submit.stderr)")
        }
        #expect(embedded.stop() == 0)
        let database = try PostgresCluster.shared.freshDatabase()
        let platform = ["--platform-cert", "\(CLI.keys)/gm/platform.crt.pem"]
        let moved = try ebid(["admin", "migrate", "--from", data, "--to", database] + platform)
        #expect(moved.status == 0, "\(moved.text) \(moved.stderr)")
        #expect(moved.text.contains("proved: the same rows, the same chain, the same checkpoints"), "\(moved.text)")
        let head = try #require(moved.text.split(separator: "\n").first { $0.hasPrefix("ledger head") })
        #expect(!head.contains("empty"))
        let again = try ebid(["admin", "migrate", "--from", data, "--to", database] + platform)
        #expect(again.status == 1 && again.stderr.contains("migrate.target-not-empty"), "\(again.stderr)")

        // The copy serves: the tender is there, with its two bids' receipts in its ledger.
        let server = try ServerProcess(dataDirectory: data, seed: false, extra: ["--store", database], logPath: dir.file("pg.log"))
        let show = try ebid(["tender", "show", "--server", server.url, "FZGC-2026-0001"])
        #expect(show.status == 0 && show.text.contains("FZGC-2026-0001"), "\(show.stderr)")
        #expect(server.stop() == 0)
        let audit = try ebid(["audit", "verify", "--store", database, "--data", data, "--hash-blobs"] + platform)
        #expect(audit.status == 0, "\(audit.text.suffix(800))")
        // An insider's edit in PostgreSQL is caught as it is in SQLite.
        try PostgresCluster.shared.psql(database, "UPDATE ledger_events SET object = 'tender/forged' WHERE seq = 5")
        let tampered = try ebid(["audit", "verify", "--store", database, "--data", data] + platform)
        #expect(tampered.status == 1 && (tampered.text + tampered.stderr).contains("event 5: its content does not match its hash"), "\(tampered.text.suffix(800)) \(tampered.stderr.suffix(400))")
    }
}

/// Strings collected from several threads.
final class NSLockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) { lock.withLock { items.append(item) } }
    var values: [String] { lock.withLock { items } }
}
