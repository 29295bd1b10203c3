import Foundation
import Testing
import TestSupport

/// Issue 14, operations, through a real `ebid serve`: a configuration file whose options the
/// command line overrides; JSON request logs with request id, route, status, duration and party
/// (never a bidder, a token or a path); Prometheus metrics on their own listener.
@Suite("serve --config, structured logs and the metrics listener", .serialized)
struct ObservabilityCLITests {
    @Test("the config file applies, flags win; one JSON log line per request without secrets or bidders; /metrics counts routes and reads the store")
    func logsAndMetrics() throws {
        let dir = TemporaryDirectory()
        let config = dir.file("ebid.json")
        // `data` is overridden by ServerProcess's --data; log-format and metrics-port come from the file.
        try Data(#"{"data": "/nonexistent/ebid-data", "log-format": "json", "metrics-port": 0, "page-cache-seconds": 0, "require-crl": false}"#.utf8)
            .write(to: URL(fileURLWithPath: config))
        let data = dir.file("data")
        let server = try ServerProcess(dataDirectory: data, extra: ["--config", config])
        defer { server.stop() }
        #expect(server.log.contains("data \(data))"), "the command line's --data must win over the file's: \(server.log.prefix(600))")
        // The metrics listener is a service of its own: it may report after the main listener.
        var metricsLine: Substring?
        for _ in 0..<200 where metricsLine == nil {
            metricsLine = server.log.split(separator: "\n").first { $0.hasPrefix("ebid metrics on ") }
            if metricsLine == nil { usleep(50_000) }
        }
        let found = try #require(metricsLine, "no metrics listener: \(server.log.prefix(600))")
        let metrics = String(found.split(separator: " ")[3])
        #expect(metrics.hasPrefix("http://127.0.0.1:") && !metrics.contains(server.url), "\(metrics)")

        let keys = "\(ProjectPaths.root)/keys/gm"
        let bidderToken = try ebid(["auth", "token", "--server", server.url, "--cert", "\(keys)/bidder-01.crt.pem", "--key", "\(keys)/bidder-01.key.pem"])
            .text.trimmingCharacters(in: .whitespacesAndNewlines)
        let supervisorToken = try ebid(["auth", "token", "--server", server.url, "--cert", "\(keys)/supervisor-01.crt.pem", "--key", "\(keys)/supervisor-01.key.pem"])
            .text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(bidderToken.hasPrefix("ebid_") && supervisorToken.hasPrefix("ebid_"))
        _ = try runCommand(["curl", "-sS", "-H", "Authorization: Bearer \(bidderToken)", "\(server.url)/v1/tenders/FZGC-2026-0001/bid"])
        _ = try runCommand(["curl", "-sS", "-H", "Authorization: Bearer \(supervisorToken)", "\(server.url)/v1/supervision/alerts"])
        _ = try runCommand(["curl", "-sS", "\(server.url)/v1/tenders/SECRET-TENDER-ID"])
        _ = try runCommand(["curl", "-sS", "\(server.url)/supervise/login?code=ONE-TIME-CODE-XYZ"])

        // Every request line is a JSON object with the request id, route pattern, status and duration.
        let lines = server.log.split(separator: "\n").filter { $0.hasPrefix("{") }
        let requests = try lines.compactMap { line -> [String: String]? in
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
            return object["message"] as? String == "request" ? object.compactMapValues { $0 as? String } : nil
        }
        #expect(requests.count >= 6, "\(lines.count) JSON lines, \(requests.count) requests: \(server.log.suffix(1500))")
        for request in requests {
            #expect(request["hb.request.id"] != nil && request["route"] != nil && request["status"] != nil && request["duration_ms"] != nil, "\(request)")
        }
        #expect(requests.contains { $0["route"] == "/v1/supervision/alerts" && $0["party"] == "supervisor-01" && $0["status"] == "200" }, "\(requests)")
        #expect(requests.contains { $0["route"] == "/v1/tenders/{id}" && $0["status"] == "404" }, "routes are patterns: \(requests)")
        #expect(requests.contains { $0["role"] == "bidder" && $0["party"] == nil }, "\(requests)")
        let log = server.log
        for secret in [bidderToken, supervisorToken, "bidder-01", "SECRET-TENDER-ID", "ONE-TIME-CODE-XYZ", "FZGC-2026-0001"] {
            #expect(!log.contains(secret), "the log holds \(secret)")
        }

        let scraped = try runCommand(["curl", "-sS", metrics])
        #expect(scraped.status == 0)
        let text = scraped.text
        #expect(text.contains(#"ebid_http_requests_total{route="/v1/supervision/alerts",method="GET",status="200"} 1"#), "\(text.prefix(2000))")
        #expect(text.contains("ebid_http_request_duration_seconds_bucket"), "\(text.prefix(2000))")
        let ledger = text.split(separator: "\n").first { $0.hasPrefix("ebid_ledger_events ") }
        #expect(ledger.flatMap { Double($0.split(separator: " ")[1]) }.map { $0 > 50 } == true, "the seeded ledger: \(ledger ?? "none")")
        #expect(text.contains(#"ebid_parties{status="active"}"#) && text.contains("ebid_ledger_checkpoint_age_seconds"), "\(text.prefix(2000))")
        #expect(!text.contains("SECRET-TENDER-ID") && !text.contains("bidder-01"), "metrics carry no ids")
        // The public port has no metrics.
        let publicMetrics = try runCommand(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "\(server.url)/metrics"])
        #expect(publicMetrics.text != "200", "metrics on the public port")

        // A bad file is refused with a clear message.
        dir.write("bad.json", Array(#"{"port": {"nested": 1}}"#.utf8))
        let bad = try ebid(["serve", "--config", dir.file("bad.json"), "--data", dir.file("other")])
        #expect(bad.status != 0 && bad.stderr.contains("port must be a string, a number"), "\(bad.stderr)")
    }
}
