@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStorePostgres
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Refusals at the service's edge: unknown credit subjects, the data directory's modes, a
/// platform key others can read.
@Suite("Service edges: unknown subjects, private data directory, private platform key")
struct EdgeServiceTests {
    @Test("an unknown credit subject is 404 (public page, with history, supervisors' file); a registered party without records is 200")
    func unknownSubject() async throws {
        let fixture = try await ServiceFixture()
        let token = try await fixture.token("supervisor-01")
        try await fixture.app.test(.router) { client in
            for uri in ["/v1/credit/subjects/zzzz", "/v1/credit/subjects/zzzz?history=true", "/v1/credit/subjects/%E9%97%BD"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(String(buffer: response.body).contains("credit.subject-unknown"), "\(uri): \(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/v1/supervision/credit/subjects/zzzz", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .notFound)
            }
            // bidder-01 (福建闽江建设工程有限公司) is registered: its clean page is an answer, not an error.
            try await client.execute(uri: "/v1/credit/subjects/91350100MA3AGGLU11", method: .get) { response in
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
        }
    }

    @Test("a request body with a repeated key is refused before anything reads it (Foundation would keep one, another reader the other)")
    func repeatedKeys() async throws {
        let fixture = try await ServiceFixture()
        let pem = try ServiceFixture.certificate("bidder-01").pem.replacingOccurrences(of: "\n", with: "\\n")
        try await fixture.app.test(.router) { client in
            let body = #"{"certificate":"\#(pem)","certificate":"\#(pem)"}"#
            try await client.execute(uri: "/v1/auth/challenge", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                #expect(text.contains("request.malformed-json") && text.contains("duplicate key"), "\(text)")
            }
            try await client.execute(uri: "/v1/auth/challenge", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"certificate":"\#(pem)"}"#)) { response in
                #expect(response.status == .created)
            }
        }
    }

    @Test("a path parameter that decodes to a control character is refused; text with a NUL is stored whole, as the ledger hashed it")
    func controlCharacters() async throws {
        let fixture = try await ServiceFixture()
        let token = try await fixture.token("bidder-01")
        try await fixture.app.test(.router) { client in
            for uri in ["/v1/tenders/T1%00/bid", "/v1/tenders/T1%0A/bid"] {
                try await client.execute(uri: uri, method: .delete, headers: [.authorization: "Bearer \(token)"]) { response in
                    #expect(response.status == .badRequest && String(buffer: response.body).contains("request.invalid-path"), "\(uri): \(String(buffer: response.body))")
                }
            }
        }
        // JSON that spells U+0000 is refused before any desk sees it, on both stores; an escaped
        // backslash followed by "u0000" is not a NUL.
        try await fixture.app.test(.router) { client in
            for (body, refused) in [(#"{"certificate": "a\u0000b"}"#, true), (#"{"certificate": "a\\u0000b"}"#, false)] {
                try await client.execute(uri: "/v1/auth/challenge", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(body): \(String(buffer: response.body))")
                    #expect(String(buffer: response.body).contains("request.nul-character") == refused, "\(body): \(String(buffer: response.body))")
                }
            }
        }
        if fixture.store.isPostgres {
            // PostgreSQL's text cannot hold U+0000: refused as the client's error, nothing stored.
            await expectServiceError("request.nul-character", status: 400) { try fixture.store.writeNow { try $0.setMeta("probe", "a\u{0}b") } }
            #expect(try fixture.store.readNow { try $0.meta(prefix: "probe") }.isEmpty)
        } else {
            try fixture.store.writeNow { try $0.setMeta("probe", "a\u{0}b") }
            #expect(try fixture.store.readNow { try $0.meta(prefix: "probe") }.first?.value == "a\u{0}b")
        }
    }

    @Test("a document whose stored file is gone is the platform's 500, not a 404 or 405")
    func missingDocumentFile() async throws {
        let fixture = try await ServiceFixture()
        let (spec, _) = try await fixture.publishTender(try fixture.spec(id: "T-DOC-GONE"))
        let (path, _) = try await TenderDesk(fixture.environment).document(tender: spec.id, name: "招标文件.txt", for: nil)
        try FileManager.default.removeItem(atPath: path)
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/v1/tenders/T-DOC-GONE/documents/%E6%8B%9B%E6%A0%87%E6%96%87%E4%BB%B6.txt", method: .get) { response in
                #expect(response.status == .internalServerError && String(buffer: response.body).contains("document.file-missing"), "\(String(buffer: response.body))")
            }
        }
    }

    @Test("the data directory is 0700 and the database and its WAL 0600, also when an older directory was looser")
    func privateDataDirectory() throws {
        let dir = TemporaryDirectory()
        let data = dir.file("data")
        let store = try SQLiteStore(dataDirectory: data)
        try store.writeNow { try $0.setMeta("probe", "1") }
        for (path, mode) in [(data, 0o700), ("\(data)/blobs", 0o700), ("\(data)/tmp", 0o700), ("\(data)/ebid.sqlite", 0o600), ("\(data)/ebid.sqlite-wal", 0o600)] {
            #expect(FilePermissions.mode(path) == mode_t(mode), "\(path): \(String(FilePermissions.mode(path) ?? 0, radix: 8))")
        }
        // A directory left world-readable by an older version is tightened when opened.
        let old = dir.file("old")
        _ = try SQLiteStore(dataDirectory: old)
        for path in [old, "\(old)/blobs"] { chmod(path, 0o755) }
        chmod("\(old)/ebid.sqlite", 0o644)
        _ = try SQLiteStore(dataDirectory: old)
        #expect(FilePermissions.mode(old) == 0o700 && FilePermissions.mode("\(old)/blobs") == 0o700 && FilePermissions.mode("\(old)/ebid.sqlite") == 0o600)
    }

    @Test("a platform key others can read is refused (as ssh does), before the data directory is touched; the public demo key only in the demo")
    func platformKeyPermissions() throws {
        let dir = TemporaryDirectory()
        let pki = try CentrePKI(in: dir.file("pki"))
        chmod("\(pki.directory)/platform.key.pem", 0o644)
        let refused = #expect(throws: ServiceError.self) {
            _ = try makeEnvironment(DirectoryProfileTests.configuration(dir.file("data"), .statutory, pki: pki))
        }
        #expect(refused?.code == "config.key-permissions" && refused?.detail.contains("chmod 600") == true, "\(String(describing: refused))")
        #expect(!FileManager.default.fileExists(atPath: dir.file("data")), "a refused start created the data directory")
        chmod("\(pki.directory)/platform.key.pem", 0o640)
        #expect(throws: ServiceError.self) { _ = try makeEnvironment(DirectoryProfileTests.configuration(dir.file("data"), .statutory, pki: pki)) }
        chmod("\(pki.directory)/platform.key.pem", 0o600)
        _ = try makeEnvironment(DirectoryProfileTests.configuration(dir.file("data"), .statutory, pki: pki))
        // keys/ from a fresh clone is 0644 (git keeps no modes); its key is public anyway: the demo may use it.
        let copy = dir.file("demo-keys")
        try FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in ["ca.crt.pem", "platform.crt.pem", "platform.key.pem"] {
            try FileManager.default.copyItem(atPath: "\(ServiceFixture.keys)/gm/\(name)", toPath: "\(copy)/\(name)")
        }
        chmod("\(copy)/platform.key.pem", 0o644)
        var demo = DirectoryProfileTests.configuration(dir.file("demo"), .demo, pki: nil)
        demo.platformKey = "\(copy)/platform.key.pem"
        _ = try makeEnvironment(demo)
    }
}
