import Foundation
import Testing
import TestSupport

/// Issue 14, the HTTP contract against a real `ebid serve`: schemathesis (from PyPI, in the test
/// venv `.ci/run` makes) generates requests for every operation of the served OpenAPI document,
/// logged in as an administrator, and checks that no answer is a 5xx, that every status, content
/// type and body is the documented one, and so every error a problem document. Then the ledger
/// the run left behind must audit clean.
@Suite("schemathesis against a real ebid serve", .serialized)
struct SchemathesisTests {
    static var schemathesis: String { "\(ExternalTools.venv)/bin/schemathesis" }
    static let checks = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"

    @Test("every operation: no 5xx, the documented statuses, content types and problem documents; the ledger audits afterwards")
    func contract() throws {
        guard ExternalTools.require([Self.schemathesis], for: "the schemathesis run") else { return }
        let dir = TemporaryDirectory()
        let data = dir.file("data")
        let server = try ServerProcess(dataDirectory: data, extra: ["--log-level", "warning"])
        defer { server.stop() }
        let keys = "\(ProjectPaths.root)/keys/gm"
        let token = try ebid(["auth", "token", "--server", server.url, "--cert", "\(keys)/admin-01.crt.pem", "--key", "\(keys)/admin-01.key.pem"])
            .text.trimmingCharacters(in: .whitespacesAndNewlines)
        // The sealed-bid upload takes a binary format schemathesis cannot make; FuzzTests and
        // BidUploadTests send it truncated, tampered, oversized and foreign packages.
        let run = try runCommand([Self.schemathesis, "run", "\(server.url)/v1/openapi.json", "--url", server.url, "-H", "Authorization: Bearer \(token)",
                                  "--checks", Self.checks, "--max-examples", "5", "--seed", "20261201", "--exclude-operation-id", "put-v1-tenders-by-id-bid",
                                  "--no-color"])
        #expect(run.status == 0, "schemathesis found answers outside the contract:\n\(run.text.suffix(6000))\n\(run.stderr.suffix(2000))")
        #expect(run.text.contains("passed") && !run.text.contains("0 generated"), "\(run.text.suffix(1500))")
        #expect(server.log.contains("Fatal error") == false, "the server crashed: \(server.log.suffix(2000))")
        #expect(server.stop() == 0)
        let audit = try ebid(["audit", "verify", "--data", data, "--platform-cert", "\(keys)/platform.crt.pem"])
        #expect(audit.status == 0, "\(audit.text) \(audit.stderr)")
    }

    @Test("the run can fail: a document that misstates one answer's content type is caught")
    func negativeControl() throws {
        guard ExternalTools.require([Self.schemathesis], for: "the schemathesis run") else { return }
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"), seed: false, extra: ["--log-level", "warning"])
        defer { server.stop() }
        let fetched = try runCommand(["curl", "-sS", "\(server.url)/v1/openapi.json"])
        var document = try #require(try JSONSerialization.jsonObject(with: Data(fetched.text.utf8)) as? [String: Any])
        var paths = try #require(document["paths"] as? [String: Any])
        // /v1/health answers JSON; say it answers text/plain.
        paths["/v1/health"] = ["get": ["operationId": "get-v1-health", "responses": ["2XX": ["description": "Success", "content": ["text/plain": [:]]]]]]
        document["paths"] = paths
        let wrong = dir.file("wrong.json")
        try JSONSerialization.data(withJSONObject: document).write(to: URL(fileURLWithPath: wrong))
        let run = try runCommand([Self.schemathesis, "run", wrong, "--url", server.url, "--checks", Self.checks, "--max-examples", "3",
                                  "--include-operation-id", "get-v1-health", "--no-color"])
        #expect(run.status != 0 && run.text.contains("Undocumented Content-Type"), "a wrong content type was not caught: \(run.text.suffix(3000))")
    }
}
