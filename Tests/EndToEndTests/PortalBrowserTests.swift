import Foundation
import Testing
import TestSupport

/// The public portal in a real headless Chromium (Debian's chromium + chromium-driver, driven by
/// Selenium), the OCDS data checked by the Open Contracting Partnership's own validator
/// (libcoveocds, offline against ../shared/ocds' 1.1.5 schema), and e-supervision through the real
/// `ebid supervise` CLI — all on one real `ebid serve` whose tender `ebid demo --server … --pause-stages`
/// walks through its whole life.
@Suite("Portal, open data and e-supervision end to end", .serialized)
struct PortalBrowserTests {
    /// The OCDS 1.1.5 schema for libcoveocds offline: ../shared/ocds beside the project (or EBID_OCDS_SCHEMA_ZIP).
    static let schemaZip = ProcessInfo.processInfo.environment["EBID_OCDS_SCHEMA_ZIP"]
        ?? URL(fileURLWithPath: "\(ProjectPaths.root)/../shared/ocds/standard-1__1__5-schema.zip").standardizedFileURL.path

    /// libcoveocds' findings that matter here.
    struct Cove {
        var validationErrors: Int
        var additionalFields: Int
    }

    /// libcoveocds on `bytes`; its findings and its whole JSON report.
    func cove(_ bytes: Data, in directory: TemporaryDirectory, name: String) throws -> (Cove, String) {
        let path = directory.write(name, [UInt8](bytes))
        let result = try runCommand(["\(ExternalTools.venv)/bin/libcoveocds", "-s", "1.1", "--standard-zip", Self.schemaZip, path])
        #expect(result.status == 0, "libcoveocds: \(result.stderr.suffix(2000))")
        let report = try #require(try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
        func count(_ key: String) -> Int {
            switch report[key] {
            case let array as [Any]: return array.count
            case let object as [String: Any]: return object.count
            default: return 0
            }
        }
        return (Cove(validationErrors: count("validation_errors"), additionalFields: count("additional_fields")), result.text)
    }

    func get(_ url: String) throws -> Data {
        let result = try runCommand(["curl", "-sf", url])
        #expect(result.status == 0, "GET \(url)")
        return result.stdout
    }

    @Test("a tender's whole life on the public pages in headless Chromium; its OCDS releases pass libcoveocds; cards, statements and the dashboard link through the CLI")
    func walk() throws {
        guard ExternalTools.require([ExternalTools.python, "\(ExternalTools.venv)/bin/libcoveocds", "/usr/bin/chromium", "/usr/bin/chromedriver"],
                                    for: "the portal's browser walk and the OCDS validator") else { return }
        guard FileManager.default.fileExists(atPath: Self.schemaZip) else {
            Issue.record("the OCDS schema \(Self.schemaZip) is missing: the project runs with ../shared beside it (or set EBID_OCDS_SCHEMA_ZIP)")
            return
        }
        let directory = TemporaryDirectory()
        let data = directory.path + "/data"
        let server = try ServerProcess(dataDirectory: data, extra: ["--page-cache-seconds", "0"])
        defer { server.stop() }
        let walk = try runCommand([ExternalTools.python, "\(ProjectPaths.root)/Tests/Browser/portal_walk.py", "--server", server.url, "--data", data, "--ebid", ProjectPaths.ebid])
        #expect(walk.status == 0, "the browser walk failed:\n\(walk.text.suffix(6000))\n\(walk.stderr.suffix(3000))")
        #expect(walk.text.contains("every page check passed"))

        // E-supervision, as the tender's owner and a supervisor would use it.
        let keys = ProjectPaths.keys("gm")
        func client(_ party: String) -> [String] { ["--server", server.url, "--cert", "\(keys)/\(party).crt.pem", "--key", "\(keys)/\(party).key.pem"] }
        let statement = try ebid(["supervise", "statement"] + client("agency-01") + ["--tender", "FZGC-2026-0001", "--step", "contract-signed", "--amount", "35960500.00",
                                                                                      "--text", "施工合同 HT-2026-0001"])
        #expect(statement.status == 0, "\(statement.stderr)")
        let again = try ebid(["supervise", "statement"] + client("agency-01") + ["--tender", "FZGC-2026-0001", "--step", "contract-signed", "--text", "x"])
        #expect(again.status != 0 && again.stderr.contains("statement.exists"))
        let wrongStep = try ebid(["supervise", "statement"] + client("agency-01") + ["--tender", "FZGC-2026-0001", "--step", "opening-at-deadline", "--text", "x"])
        #expect(wrongStep.status != 0)
        let stranger = try ebid(["supervise", "alerts"] + client("bidder-01"))
        #expect(stranger.status != 0 && stranger.stderr.contains("auth.role-forbidden"))
        // In the demo profile a statutory day is a second: by now the report to the supervisors (15
        // days after the award, Law art. 47) is late. The monitor raises the card by itself.
        var cards: [[String: Any]] = []
        for _ in 0..<40 {
            let alerts = try ebid(["supervise", "alerts", "--json"] + client("supervisor-01"))
            #expect(alerts.status == 0, "\(alerts.stderr)")
            cards = (try JSONSerialization.jsonObject(with: alerts.stdout) as? [[String: Any]]) ?? []
            if cards.contains(where: { ($0["id"] as? String) == "FZGC-2026-0001/report-filed/yellow" }) { break }
            usleep(500_000)
        }
        #expect(cards.contains { ($0["id"] as? String) == "FZGC-2026-0001/report-filed/yellow" && ($0["article"] as? String)?.contains("第四十七条") == true })
        #expect(cards.contains { ($0["id"] as? String) == "FZGC-2026-0001/anomaly/collusion" })
        let efficiency = try ebid(["supervise", "efficiency"] + client("supervisor-01"))
        #expect(efficiency.status == 0 && efficiency.text.contains("centre"))
        // The dashboard: a one-time link printed by the CLI opens one browser session.
        let login = try ebid(["supervise", "login"] + client("supervisor-01"))
        let link = login.text.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(login.status == 0 && link.hasPrefix(server.url + "/supervise/login?code=web_"))
        let jar = directory.file("cookies.txt")
        let dashboard = try runCommand(["curl", "-s", "-L", "-c", jar, "-b", jar, link])
        #expect(String(decoding: dashboard.stdout, as: UTF8.self).contains("效能评估"))
        let reused = try runCommand(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", link])
        #expect(reused.text == "401")

        // OCDS: the bulk file and the record package pass the standard's own validator, with the
        // ebid extension (fetched from the running service), no error and no field outside the schema.
        let releases = try get(server.url + "/v1/ocds/releases.json")
        let package = try #require(try JSONSerialization.jsonObject(with: releases) as? [String: Any])
        let tags = ((package["releases"] as? [[String: Any]]) ?? []).compactMap { ($0["tag"] as? [String])?.first }
        #expect(tags == ["tender", "tenderUpdate", "award", "contract"])
        let (report, raw) = try cove(releases, in: directory, name: "releases.json")
        #expect(report.validationErrors == 0, "\(raw.prefix(4000))")
        #expect(report.additionalFields == 0, "\(raw.prefix(4000))")
        // The record package: libcoveocds resolves its schema's versioned-release reference over the
        // network, which this machine has not; its embedded releases are checked as a package instead.
        let record = try #require(try JSONSerialization.jsonObject(with: try get(server.url + "/v1/ocds/tenders/FZGC-2026-0001/record")) as? [String: Any])
        let records = try #require(record["records"] as? [[String: Any]])
        #expect(records.count == 1 && records[0]["ocid"] as? String == "ocds-ebid00-FZGC-2026-0001")
        var repackaged = record
        repackaged.removeValue(forKey: "records")
        repackaged["releases"] = records[0]["releases"]
        let (recordReport, recordRaw) = try cove(try JSONSerialization.data(withJSONObject: repackaged), in: directory, name: "record-releases.json")
        #expect(recordReport.validationErrors == 0 && recordReport.additionalFields == 0, "\(recordRaw.prefix(4000))")
        // Broken on purpose: an amount as text, a missing ocid, a field nobody defined — each is caught.
        var broken = String(decoding: releases, as: UTF8.self)
        broken = broken.replacingOccurrences(of: "\"currency\":\"CNY\"", with: "\"currency\":\"CNY\",\"bribe\":true", options: [], range: broken.range(of: "\"currency\":\"CNY\""))
        broken = broken.replacingOccurrences(of: "\"ocid\":", with: "\"ocidd\":", options: [], range: broken.range(of: "\"ocid\":"))
        let (brokenReport, _) = try cove(Data(broken.utf8), in: directory, name: "broken.json")
        #expect(brokenReport.validationErrors > 0)
        #expect(brokenReport.additionalFields > 0)
        // The ledger still audits intact, cards and statements included.
        let audit = try ebid(["audit", "verify", "--data", data, "--platform-cert", "\(keys)/platform.crt.pem"])
        #expect(audit.status == 0, "\(audit.text)\(audit.stderr)")
    }
}
