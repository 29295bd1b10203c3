import BidCore
import Foundation
import Testing
import TestSupport

/// The edges of the HTTP server, through a real `ebid serve` and raw TCP connections: every
/// refusal is problem+json with a stable code, slow and idle connections are closed (and their
/// uploads' temporary files removed), HTTP/1.0 closes, a wrong method is a 405 with Allow.
@Suite("HTTP edges: parser errors, methods, versions, timeouts", .serialized)
struct HTTPEdgeTests {
    typealias CLI = ServiceCLITests

    static func send(_ server: ServerProcess, _ request: String, timeout: TimeInterval = 10) throws -> RawResponse {
        let connection = try RawConnection(server.url)
        connection.send(request)
        return connection.response(timeout: timeout)
    }

    @Test("malformed requests get a problem+json 400 with a stable code, then the connection closes — never a 500 or an empty body")
    func parserErrors() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let cases: [(String, String)] = [
            // A malformed chunk size inside a body being read.
            ("POST /v1/auth/challenge HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nZZ\r\n", "http.malformed-chunk"),
            // Content-Length and Transfer-Encoding together (request smuggling).
            ("POST /v1/auth/challenge HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", "http.malformed-request"),
            // Bare LF line ends.
            ("GET /v1/health HTTP/1.1\nHost: a\n\n", "http.invalid-version"),
            // A head over the limit.
            ("GET /v1/health HTTP/1.1\r\nHost: a\r\nX-Long: " + String(repeating: "a", count: 100_000) + "\r\n\r\n", "http.headers-too-large"),
            ("G@T /v1/health HTTP/1.1\r\nHost: a\r\n\r\n", "http.invalid-method"),
            ("GET /v1/health HTTP/1.1\r\nHost: a\r\nBad Header: x\r\n\r\n", "http.malformed-request"),
        ]
        for (request, code) in cases {
            let response = try Self.send(server, request)
            #expect(response.status == 400, "\(code): \(response.text.prefix(300))")
            #expect(response.header("content-type") == "application/problem+json", "\(code): \(response.text.prefix(300))")
            #expect(response.problemCode == code, "\(code): \(response.text.prefix(400))")
            #expect(response.closed, "\(code): the connection stays open")
        }
        // The server is fine afterwards.
        #expect(try Self.send(server, "GET /v1/health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").status == 200)
        #expect(!server.log.contains("internal"), "a parser error was logged as an internal failure")
    }

    @Test("a wrong method is 405 with Allow; an unknown path 404; HTTP/1.0 closes after its response, keep-alive stays open")
    func methodsAndVersions() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        let wrong = try Self.send(server, "DELETE /v1/tenders/T-1/opening-keys HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(wrong.status == 405 && wrong.header("allow") == "GET" && wrong.problemCode == "route.method-not-allowed", "\(wrong.text.prefix(400))")
        let bid = try Self.send(server, "POST /v1/tenders/T-1/bid HTTP/1.1\r\nHost: a\r\nConnection: close\r\nContent-Length: 0\r\n\r\n")
        #expect(bid.status == 405 && bid.header("allow") == "DELETE, GET, PUT", "\(bid.text.prefix(400))")
        let unknown = try Self.send(server, "GET /v1/nothing/here HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(unknown.status == 404 && unknown.problemCode == "route.not-found")

        let old = try Self.send(server, "GET /v1/health HTTP/1.0\r\n\r\n", timeout: 5)
        #expect(old.status == 200 && old.closed && old.header("connection")?.lowercased() == "close", "HTTP/1.0: \(old.text.prefix(300)) closed=\(old.closed)")
        let kept = try Self.send(server, "GET /v1/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", timeout: 1)
        #expect(kept.status == 200 && !kept.closed, "HTTP/1.0 with keep-alive")
        let modern = try Self.send(server, "GET /v1/health HTTP/1.1\r\nHost: a\r\n\r\n", timeout: 1)
        #expect(modern.status == 200 && !modern.closed, "HTTP/1.1 keeps the connection")

        // Refused before its body came: answered, and closed rather than read to the end of a 1 GB body.
        let early = try Self.send(server, "PUT /v1/tenders/T-1/bid HTTP/1.1\r\nHost: a\r\nContent-Type: application/vnd.ebid.sealed-bid\r\n"
                                  + "Content-Length: 1000000000\r\n\r\nEBIDSB01", timeout: 5)
        #expect(early.status == 401 && early.closed && early.header("connection")?.lowercased() == "close", "\(early.text.prefix(300)) closed=\(early.closed)")
        // Expect: 100-continue gets its interim 100 (HTTP/1.1 only), then the final answer.
        let expecting = try RawConnection(server.url)
        expecting.send("POST /v1/auth/challenge HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        let interim = expecting.read(timeout: 1)
        #expect(String(decoding: interim.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 100 Continue\r\n"), "\(String(decoding: interim.bytes, as: UTF8.self))")
        expecting.send("{}")
        let final = expecting.read(timeout: 1)
        #expect(String(decoding: final.bytes, as: UTF8.self).hasPrefix("HTTP/1.1 400"), "\(String(decoding: final.bytes, as: UTF8.self).prefix(200))")
        let old10 = try RawConnection(server.url)
        old10.send("POST /v1/auth/challenge HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        #expect(old10.read(timeout: 0.5).bytes.isEmpty, "an HTTP/1.0 client got a 100 Continue")
    }

    @Test("idle and slow connections are closed; a stalled or trickling upload is discarded with its temporary file")
    func timeouts() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"), extra: ["--idle-timeout", "1", "--read-timeout", "1", "--min-body-rate", "4096"])
        defer { server.stop() }
        // Idle, and a head that never completes: closed after about a second.
        for request in ["", "GET /v1/health HTTP/1.1\r\nHost: a\r\n"] {
            let started = Date()
            let connection = try RawConnection(server.url)
            connection.send(request)
            let response = connection.response(timeout: 10)
            #expect(response.closed && Date().timeIntervalSince(started) < 5, "not closed: \(request.debugDescription)")
        }
        // A bidder's upload that starts and stalls, and one that trickles: the temporary file goes with the connection.
        try CLI.publishDemoTender(server, in: dir)
        let token = try ebid(["auth", "token", "--server", server.url] + CLI.identity("bidder-01")).text.trimmingCharacters(in: .whitespacesAndNewlines)
        let head = "PUT /v1/tenders/FZGC-2026-0001/bid HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer \(token)\r\n"
            + "Content-Type: application/vnd.ebid.sealed-bid\r\nContent-Length: 10000000\r\n\r\n"
        let sealed = try CLI.seal("bidder-01", server: server, out: dir.file("bid.ebid"))
        #expect(sealed.status == 0, "\(sealed.stderr)")
        let package = dir.read("bid.ebid")
        let start = package.count / 3
        #expect(package.count > 3 * 40)
        func temporaries() -> [String] { (try? FileManager.default.contentsOfDirectory(atPath: dir.file("data/tmp"))) ?? [] }

        let stalled = try RawConnection(server.url)
        stalled.send(Array(head.utf8) + package.prefix(start))
        var seen = false
        for _ in 0..<20 where !seen { seen = !temporaries().isEmpty; usleep(50_000) }
        #expect(seen, "the upload never reached a temporary file")
        let stalledResponse = stalled.response(timeout: 10)
        #expect(stalledResponse.closed, "a stalled upload kept its connection")

        let trickle = try RawConnection(server.url)
        trickle.send(Array(head.utf8) + package.prefix(start))
        var closedEarly = false
        for index in 0..<40 {
            if !trickle.send([package[start + index]]) { closedEarly = true; break }
            usleep(100_000)
        }
        let trickleResponse = trickle.response(timeout: 10)
        #expect(closedEarly || trickleResponse.closed, "a trickling upload kept its connection")
        #expect(trickleResponse.status == 408 && trickleResponse.problemCode == "http.too-slow", "\(trickleResponse.text.prefix(300))")
        var left = temporaries()
        for _ in 0..<40 where !left.isEmpty { usleep(50_000); left = temporaries() }
        #expect(left.isEmpty, "temporary files of dropped uploads remain: \(left)")
        // A client that reads nothing of a large response is disconnected after the idle timeout.
        try CLI.keygen(in: dir, tender: "FZGC-BIG")
        var spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(CLI.seeds)/tenders/demo-tender.json"))) as! [String: Any]
        spec["id"] = "FZGC-BIG"
        dir.write("big.json", Array(try JSONSerialization.data(withJSONObject: spec)))
        _ = FileManager.default.createFile(atPath: dir.file("big.bin"), contents: Data(count: 48 << 20))
        let published = try ebid(["tender", "publish", "--server", server.url] + CLI.identity("agency-01")
                                 + ["--file", dir.file("big.json"), "--document", dir.file("big.bin"), "--deadline", "+300s",
                                    "--opening-key", dir.file("opening-gm-FZGC-BIG.json"), "--opening-key", dir.file("opening-nist-FZGC-BIG.json")])
        #expect(published.status == 0, "\(published.stderr)")
        let reader = try RawConnection(server.url)
        reader.send("GET /v1/tenders/FZGC-BIG/documents/big.bin HTTP/1.1\r\nHost: a\r\n\r\n")
        sleep(4)  // reads nothing while the service waits to write
        let drained = reader.read(timeout: 20)
        #expect(drained.closed && drained.bytes.count < 48 << 20, "a client that did not read kept its connection (\(drained.bytes.count) bytes, closed \(drained.closed))")

        // Nothing was received: the bidder has no bid.
        let status = try ebid(["bid", "status", "--server", server.url, "--tender", "FZGC-2026-0001"] + CLI.identity("bidder-01"))
        #expect(!status.text.contains("active"), "\(status.text)")
    }
}

/// Path parameters are percent-decoded everywhere: a tender whose id is not ASCII (and has a
/// space) is published, found, bid on and opened through the real CLI.
@Suite("A tender id that is not ASCII: published, bid on and opened end to end", .serialized)
struct NonASCIITenderTests {
    typealias CLI = ServiceCLITests
    static let tender = "闽榕 2026-01"

    @Test("portal pages: a Host that is not a host is refused and never cached; an encoded & is another page, not a way to poison this one")
    func pageCacheKeys() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"), extra: ["--page-cache-seconds", "30"])
        defer { server.stop() }
        func get(_ target: String, host: String = "127.0.0.1") throws -> RawResponse {
            try HTTPEdgeTests.send(server, "GET \(target) HTTP/1.1\r\nHost: \(host)\r\nConnection: close\r\n\r\n")
        }
        let poisoned = try get("/tenders?q=x", host: "x|127.0.0.1")
        #expect(poisoned.status == 400 && poisoned.text.contains("request.invalid-host"), "\(poisoned.text.prefix(300))")
        #expect(try get("/tenders?q=x|x").status == 200)
        let encoded = try get("/tenders?page=1%26stage%3Dbidding")
        #expect(encoded.status == 400, "\(encoded.text.prefix(300))")
        for target in ["/tenders?page=1&stage=bidding", "/tenders?stage=bidding&page=1", "/tenders?page=1&stage=bidding"] {
            let page = try get(target)
            #expect(page.status == 200, "\(target) answered with the poisoned page: \(page.text.prefix(300))")
        }
        // The last value of a repeated parameter is the one a page reads, and the one it is kept under.
        #expect(try get("/tenders?page=1&page=x").status == 400)
        #expect(try get("/tenders?page=x&page=1").status == 200)
    }

    @Test("publish, find, bid on and open the tender 闽榕 2026-01")
    func nonASCIITender() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        defer { server.stop() }
        var spec = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(CLI.seeds)/tenders/demo-tender.json"))) as! [String: Any]
        spec["id"] = Self.tender
        spec["acceptedSuites"] = ["GM"]
        dir.write("spec.json", Array(try JSONSerialization.data(withJSONObject: spec)))
        dir.write("招标文件.txt", Array("招标文件（演示）".utf8))
        try CLI.runCeremony(server, tender: Self.tender, suite: "GM", folder: "gm", out: dir.file("transcript.json"))
        let publish = try ebid(["tender", "publish", "--server", server.url] + CLI.identity("agency-01")
                               + ["--file", dir.file("spec.json"), "--document", dir.file("招标文件.txt"), "--deadline", "+300s", "--opening-key", dir.file("transcript.json")])
        #expect(publish.status == 0, "\(publish.stderr)")
        let show = try ebid(["tender", "show", "--server", server.url, Self.tender])
        #expect(show.status == 0 && show.text.contains(Self.tender), "\(show.stderr)")
        // Raw, percent-encoded: found; a broken escape is a 400, not a 500.
        let raw = try HTTPEdgeTests.send(server, "GET /v1/tenders/%E9%97%BD%E6%A6%95%202026-01 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(raw.status == 200 && raw.body.contains("闽榕"), "\(raw.text.prefix(300))")
        let broken = try HTTPEdgeTests.send(server, "GET /v1/tenders/%E9%97 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
        #expect(broken.status == 400 && broken.problemCode == "request.invalid-path", "\(broken.text.prefix(300))")

        for bidder in ["bidder-01", "bidder-02", "bidder-04"] {
            let seal = try ebid(["bid", "seal", "--server", server.url, "--tender", Self.tender, "--suite", "GM"] + CLI.identity(bidder)
                                + ["--summary", "\(CLI.seeds)/bids/\(bidder).summary.json", "--out", dir.file("\(bidder).ebid")] + CLI.parts(bidder))
            #expect(seal.status == 0, "\(seal.stderr)")
            let submit = try ebid(["bid", "submit", "--server", server.url] + CLI.identity(bidder) + ["--in", dir.file("\(bidder).ebid")])
            #expect(submit.status == 0, "\(submit.stderr)")
        }
        #expect(try ebid(["admin", "clock", "--server", server.url, "--advance", "400"] + CLI.identity("admin-01")).status == 0)
        let start = try ebid(["opening", "start", "--server", server.url, "--tender", Self.tender] + CLI.identity("agency-01"))
        #expect(start.status == 0, "\(start.stderr)")
        for bidder in ["bidder-01", "bidder-02", "bidder-04"] {
            let decrypt = try ebid(["bid", "decrypt", "--server", server.url, "--tender", Self.tender] + CLI.identity(bidder))
            #expect(decrypt.status == 0 && decrypt.text.contains("decrypted and opened"), "\(bidder): \(decrypt.stderr)")
        }
        var completed = false
        for _ in 0..<100 where !completed {
            completed = try ebid(["opening", "status", "--server", server.url, Self.tender]).text.contains("completed")
            if !completed { usleep(200_000) }
        }
        #expect(completed, "the opening of \(Self.tender) did not complete")
        let record = try ebid(["opening", "record", "--server", server.url, Self.tender, "--out", dir.file("record.json")])
        #expect(record.status == 0 && record.text.contains(Self.tender), "\(record.stderr)")
    }
}
