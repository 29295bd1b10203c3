@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

/// Every route declares who may call it; every other caller is refused before anything happens.
@Suite("Route × role matrix")
struct RouteAccessTests {
    /// A demo party holding exactly this role.
    static let partyForRole: [PartyRole: String] = [
        .tenderer: "tenderer-01", .agency: "agency-01", .bidder: "bidder-01", .official: "official-01",
        .expert: "expert-01", .supervisor: "supervisor-01", .admin: "admin-01",
    ]

    static func concretePath(_ template: String) -> String {
        template.replacingOccurrences(of: ":id", with: "T-MATRIX").replacingOccurrences(of: ":name", with: "doc.txt")
            .replacingOccurrences(of: ":number", with: "1").replacingOccurrences(of: ":code", with: "91350100MA3AGGLU11")
            .replacingOccurrences(of: ":suite", with: "GM").replacingOccurrences(of: ":file", with: "opening-record.json")
    }

    @Test("every route, every role and no login: only the declared roles get past the access check", arguments: PolicyProfile.allCases)
    func matrix(profile: PolicyProfile) async throws {
        let fixture = try await ServiceFixture(profile: profile)
        try await fixture.publishTender(try fixture.spec(id: "T-MATRIX"))
        #expect(fixture.routes.specs.count >= 15)
        var collected: [PartyRole: String] = [:]
        for (role, party) in Self.partyForRole { collected[role] = try await fixture.token(party) }
        let tokens = collected

        try await fixture.app.test(.router) { client in
            for spec in fixture.routes.specs {
                let path = Self.concretePath(spec.path)
                let callers: [PartyRole?] = [nil] + PartyRole.allCases.map { Optional($0) }
                for role in callers {
                    var headers: HTTPFields = [.contentType: "application/json"]
                    if let role { headers[.authorization] = "Bearer \(tokens[role]!)" }
                    let (status, code) = try await client.execute(uri: path, method: spec.method, headers: headers, body: ByteBuffer(string: "{}")) { response in
                        (Int(response.status.code), Self.problemCode(response.body) ?? response.headers[HTTPField.Name("Ebid-Problem")!])
                    }
                    let allowed: Bool
                    switch spec.access {
                    case .anyone: allowed = true
                    case .roles(let roles): allowed = role.map { roles.contains($0) } ?? false
                    }
                    let label = "\(spec.method) \(spec.path) as \(role?.rawValue ?? "anonymous")"
                    if allowed {
                        #expect(code != "auth.required" && code != "auth.role-forbidden", "\(label) was refused: \(status) \(code ?? "")")
                    } else if role == nil {
                        #expect(status == 401 && code == "auth.required", "\(label): \(status) \(code ?? "")")
                    } else {
                        #expect(status == 403 && code == "auth.role-forbidden", "\(label): \(status) \(code ?? "")")
                    }
                }
            }
        }
    }

    /// Who may call what: the declarations themselves, so that widening a route fails a test.
    static let expectedAccess: [String: Access] = [
        "GET /v1/health": .anyone,
        "GET /v1/platform/certificate": .anyone,
        "GET /v1/ledger/checkpoints": .anyone,
        "GET /v1/trust/crls": .anyone,
        "POST /v1/admin/crl": .roles([.admin]),
        "POST /v1/auth/challenge": .anyone,
        "POST /v1/auth/token": .anyone,
        "GET /v1/me": .everyRole,
        "GET /v1/parties": .roles([.admin, .supervisor]),
        "POST /v1/parties": .roles([.admin]),
        "POST /v1/parties/import": .roles([.admin]),
        "GET /v1/parties/:id": .roles([.admin, .supervisor]),
        "PUT /v1/parties/:id": .roles([.admin]),
        "POST /v1/parties/:id/suspend": .roles([.admin]),
        "POST /v1/parties/:id/restore": .roles([.admin]),
        "POST /v1/parties/:id/approve": .roles([.admin]),
        "POST /v1/parties/:id/certificates": .roles([.admin]),
        "POST /v1/parties/:id/certificates/:fingerprint/retire": .roles([.admin]),
        "POST /v1/registrations": .anyone,
        "GET /v1/openapi.json": .anyone,
        "POST /v1/demo/clock": .roles([.admin]),
        "GET /v1/tenders": .anyone,
        "POST /v1/tenders": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id": .anyone,
        "PUT /v1/tenders/:id/documents/:name": .roles([.tenderer, .agency]),
        "PUT /v1/tenders/:id": .roles([.tenderer, .agency]),
        "DELETE /v1/tenders/:id": .roles([.tenderer, .agency]),
        "DELETE /v1/tenders/:id/amendments/:number": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/documents/:name": .anyone,
        "POST /v1/tenders/:id/publish": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/opening-keys": .anyone,
        "POST /v1/tenders/:id/amendments": .roles([.tenderer, .agency]),
        "PUT /v1/tenders/:id/amendments/:number/documents/:name": .roles([.tenderer, .agency]),
        "POST /v1/tenders/:id/amendments/:number/publish": .roles([.tenderer, .agency]),
        "PUT /v1/tenders/:id/bid": .roles([.bidder]),
        "GET /v1/tenders/:id/bid": .roles([.bidder]),
        "DELETE /v1/tenders/:id/bid": .roles([.bidder]),
        "POST /v1/tenders/:id/opening": .roles([.tenderer, .agency, .official]),
        "GET /v1/tenders/:id/opening": .anyone,
        "GET /v1/tenders/:id/opening/my-bid-header": .roles([.bidder]),
        "POST /v1/tenders/:id/opening/decrypt": .roles([.bidder]),
        "GET /v1/tenders/:id/opening/committee": .roles([.official]),
        "POST /v1/tenders/:id/opening/partials": .roles([.official]),
        "POST /v1/tenders/:id/ceremonies": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/ceremonies/:suite": .roles([.tenderer, .agency, .official, .supervisor]),
        "POST /v1/tenders/:id/ceremonies/:suite/dealings": .roles([.official]),
        "GET /v1/tenders/:id/ceremonies/:suite/dealings": .roles([.official]),
        "POST /v1/tenders/:id/ceremonies/:suite/confirmations": .roles([.official]),
        "POST /v1/tenders/:id/ceremonies/:suite/complaints": .roles([.official]),
        "GET /v1/tenders/:id/ceremonies/:suite/transcript": .roles([.tenderer, .agency, .official, .supervisor]),
        "POST /v1/tenders/:id/opening/close": .roles([.tenderer, .agency, .official]),
        "GET /v1/tenders/:id/opening/record": .anyone,
        "POST /v1/tenders/:id/opening/confirmation": .roles([.bidder]),
        "POST /v1/tenders/:id/opening/objections": .roles([.bidder]),
        "GET /v1/tenders/:id/opening/objections": .roles([.bidder, .tenderer, .agency, .official, .supervisor]),
        "POST /v1/tenders/:id/opening/objections/:number/answer": .roles([.tenderer, .agency, .official]),
        "GET /v1/tenders/:id/opening/signals": .roles([.tenderer, .agency, .official, .supervisor]),
        "GET /v1/credit/records": .anyone,
        "GET /v1/credit/records/:id": .anyone,
        "GET /v1/credit/subjects/:code": .anyone,
        "POST /v1/credit/records": .roles([.supervisor]),
        "POST /v1/credit/import": .roles([.supervisor]),
        "GET /v1/supervision/credit/records": .roles([.supervisor]),
        "GET /v1/supervision/credit/subjects/:code": .roles([.supervisor]),
        "GET /v1/credit/leads": .roles([.supervisor]),
        "POST /v1/credit/leads/:id/dismiss": .roles([.supervisor]),
        "GET /v1/ledger/events": .roles([.supervisor]),
        "GET /v1/experts": .roles([.supervisor]),
        "POST /v1/experts": .roles([.supervisor]),
        "POST /v1/experts/:id/suspend": .roles([.supervisor]),
        "POST /v1/experts/:id/restore": .roles([.supervisor]),
        "POST /v1/tenders/:id/draw": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/draw": .roles([.tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/draw/commitments": .roles([.tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/draw/reveals": .roles([.tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/draw/replacements": .roles([.tenderer, .agency]),
        "GET /v1/evaluation/tasks": .roles([.expert]),
        "POST /v1/tenders/:id/evaluation/declaration": .roles([.expert]),
        "GET /v1/tenders/:id/evaluation/bids": .roles([.expert, .tenderer, .agency, .supervisor]),
        "GET /v1/tenders/:id/evaluation/bids/:code/parts/:index": .roles([.expert, .tenderer, .agency, .supervisor]),
        "GET /v1/tenders/:id/evaluation/cleaning": .roles([.expert, .tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/evaluation/commitments": .roles([.expert]),
        "POST /v1/tenders/:id/evaluation/reveals": .roles([.expert]),
        "POST /v1/tenders/:id/evaluation/compliance": .roles([.expert]),
        "GET /v1/tenders/:id/evaluation/scores": .roles([.expert, .tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/evaluation/explanations": .roles([.expert]),
        "POST /v1/tenders/:id/evaluation/rescores": .roles([.expert]),
        "POST /v1/tenders/:id/evaluation/report": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/evaluation/report": .roles([.expert, .tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/evaluation/report/signatures": .roles([.expert]),
        "POST /v1/tenders/:id/evaluation/report/final": .roles([.tenderer, .agency]),
        "POST /v1/tenders/:id/evaluation/leads": .roles([.tenderer, .agency, .supervisor]),
        "POST /v1/tenders/:id/result/publicity": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/result": .anyone,
        "POST /v1/tenders/:id/result/objections": .roles([.bidder]),
        "POST /v1/tenders/:id/result/objections/:number/answer": .roles([.tenderer, .agency]),
        "POST /v1/tenders/:id/result/award": .roles([.tenderer, .agency]),
        // The public portal (信息全公开): pages for everyone, no login.
        "GET /": .anyone,
        "GET /tenders": .anyone,
        "GET /tenders/:id": .anyone,
        "GET /tenders/:id/signed/:file": .anyone,
        "GET /credit": .anyone,
        "GET /credit/list": .anyone,
        "GET /statistics": .anyone,
        "GET /open-data": .anyone,
        "GET /assets/portal.css": .anyone,
        "GET /assets/portal.js": .anyone,
        // Open data (OCDS 1.1).
        "GET /v1/ocds/releases": .anyone,
        "GET /v1/ocds/releases.json": .anyone,
        "GET /v1/ocds/tenders/:id/record": .anyone,
        "GET /v1/ocds/extension/extension.json": .anyone,
        "GET /v1/ocds/extension/release-schema.json": .anyone,
        // E-supervision (电子监察).
        "GET /v1/supervision/rules": .anyone,
        "GET /v1/supervision/alerts": .roles([.supervisor]),
        "GET /v1/supervision/efficiency": .roles([.supervisor]),
        "POST /v1/tenders/:id/statements": .roles([.tenderer, .agency]),
        "GET /v1/tenders/:id/statements": .anyone,
        "POST /v1/auth/web-link": .roles([.supervisor]),
        "GET /supervise/login": .anyone,
        "GET /supervise": .roles([.supervisor]),
        // Objections to the documents (Reg. art. 22).
        "POST /v1/tenders/:id/document-objections": .roles([.bidder]),
        "GET /v1/tenders/:id/document-objections": .roles([.tenderer, .agency, .bidder]),
        "POST /v1/tenders/:id/document-objections/:number/answer": .roles([.tenderer, .agency]),
    ]

    @Test("every route's access is the one this table expects, and every expected route exists")
    func declarations() async throws {
        let fixture = try await ServiceFixture(profile: .demo)
        var seen = Set<String>()
        for spec in fixture.routes.specs {
            let key = "\(spec.method) \(spec.path)"
            seen.insert(key)
            #expect(Self.expectedAccess[key] == spec.access, "\(key) is declared \(spec.access), expected \(Self.expectedAccess[key].map(\.description) ?? "no entry")")
        }
        #expect(seen == Set(Self.expectedAccess.keys))
    }

    @Test("the demo clock exists only in the demo profile")
    func demoClockOnlyInDemo() async throws {
        let statutory = try await ServiceFixture(profile: .statutory)
        #expect(!statutory.routes.specs.contains { $0.path == "/v1/demo/clock" })
        let demo = try await ServiceFixture(profile: .demo)
        #expect(demo.routes.specs.contains { $0.path == "/v1/demo/clock" })
        try await demo.app.test(.router) { client in
            try await client.execute(uri: "/v1/health", method: .get) { response in
                #expect(response.headers[HTTPField.Name("Ebid-Profile")!] == "demo")
                #expect(response.headers[HTTPField.Name("Ebid-Notice")!]?.contains("demo profile") == true)
            }
        }
    }

    @Test("bad requests get problem+json with a stable code, never a 500")
    func badInput() async throws {
        let fixture = try await ServiceFixture()
        try await fixture.publishTender(try fixture.spec(id: "T-BAD"))
        let bidder = try await fixture.token("bidder-01")
        let agency = try await fixture.token("agency-01")
        let cases: [(HTTPRequest.Method, String, HTTPFields, String, Int, String)] = [
            (.post, "/v1/auth/challenge", [.contentType: "application/json"], "{not json", 400, "request.malformed-json"),
            (.post, "/v1/auth/challenge", [.contentType: "application/json"], #"{"certificate":"nope"}"#, 400, "auth.certificate-malformed"),
            (.post, "/v1/auth/challenge", [.contentType: "text/plain"], "x", 415, "request.content-type"),
            (.post, "/v1/auth/token", [.contentType: "application/json"], #"{"challengeId":"x","signature":"!!"}"#, 400, "auth.signature-malformed"),
            (.post, "/v1/auth/token", [.contentType: "application/json"], #"{"challengeId":"x","signature":"AAAA"}"#, 401, "auth.challenge-invalid"),
            (.get, "/v1/tenders/NO-SUCH", [:], "", 404, "tender.not-found"),
            (.get, "/v1/tenders/T-BAD/documents/..%2F..%2Fetc%2Fpasswd", [:], "", 404, "document.not-found"),
            (.get, "/v1/nowhere", [:], "", 404, "route.not-found"),
            (.get, "/v1/me", [.authorization: "Bearer ebid_forged"], "", 401, "auth.token-invalid"),
            (.get, "/v1/me", [.authorization: "Basic abc"], "", 401, "auth.malformed"),
            (.put, "/v1/tenders/T-BAD/bid", [.authorization: "Bearer \(bidder)", .contentType: "text/plain"], "x", 415, "bid.content-type"),
            (.put, "/v1/tenders/T-BAD/bid", [.authorization: "Bearer \(bidder)", .contentType: "application/vnd.ebid.sealed-bid"], "not a bid", 400, "sealed.not-a-sealed-bid"),
            (.put, "/v1/tenders/NO-SUCH/bid", [.authorization: "Bearer \(bidder)", .contentType: "application/vnd.ebid.sealed-bid"], "x", 404, "tender.not-found"),
            (.put, "/v1/tenders/T-BAD/documents/..%2Fescape.txt", [.authorization: "Bearer \(agency)"], "x", 400, "document.invalid-name"),
            (.post, "/v1/tenders", [.authorization: "Bearer \(agency)", .contentType: "application/json"], #"{"spec":{}}"#, 400, "request.malformed-json"),
            (.post, "/v1/tenders/T-BAD/amendments/0/publish", [.authorization: "Bearer \(agency)"], "", 404, "amendment.not-found"),
            (.post, "/v1/tenders/T-BAD/amendments/x/publish", [.authorization: "Bearer \(agency)"], "", 404, "amendment.not-found"),
        ]
        try await fixture.app.test(.router) { client in
            for (method, path, headers, body, status, code) in cases {
                try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(Int(response.status.code) == status, "\(method) \(path)")
                    #expect(Self.problemCode(response.body) == code, "\(method) \(path): \(String(buffer: response.body))")
                    #expect(response.headers[.contentType] == "application/problem+json", "\(method) \(path)")
                }
            }
        }
        // An oversized JSON body.
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/v1/auth/challenge", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: String(repeating: " ", count: 2 << 20) + "{}")) { response in
                #expect(response.status.code == 413)
                #expect(Self.problemCode(response.body) == "request.too-large")
            }
        }
    }

    /// Law art. 22: before the deadline nothing names a bidder or reveals how many bids there are,
    /// to anyone but the bidder itself (and then only its own bid).
    @Test("before the deadline no route names a bidder or counts bids, for any caller")
    func nobodyLearnsWhoBid() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-SECRET"))
        var collected: [String: [String]] = [:]
        for bidder in ["bidder-01", "bidder-02", "bidder-03"] {
            let result = try await fixture.submit(try fixture.seal(bidder: bidder, tender: spec, openingKey: keys[0]), tender: spec.id, as: bidder)
            let party = try await fixture.identity(bidder).party
            collected[bidder] = [party.name, party.creditCode!, party.id, result.receipt.bid.packageDigest]
        }
        let secrets = collected
        _ = try await Supervision(fixture.environment).checkpoint()
        // The JSON API's tender, ledger and open-data routes, and every page of the portal (its list searched and filtered too).
        var tenderRoutes = fixture.routes.specs.filter { $0.method == .get && ($0.path.hasPrefix("/v1/tenders") || $0.path.hasPrefix("/v1/ledger") || $0.path.hasPrefix("/v1/ocds") || !$0.path.hasPrefix("/v1/")) }
        for query in ["?q=T-SECRET", "?stage=bidding", "?stage=opening", "?category=works&from=2000-01-01"] {
            tenderRoutes.append(RouteSpec(method: .get, path: "/tenders" + query, access: .anyone, summary: ""))
        }
        #expect(tenderRoutes.count >= 16)
        let routesToRead = tenderRoutes
        try await fixture.app.test(.router) { client in
            for route in routesToRead {
                var path = route.path.replacingOccurrences(of: ":id", with: spec.id).replacingOccurrences(of: ":name", with: "招标文件.txt".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)
                    .replacingOccurrences(of: ":file", with: "opening-record.json")
                // The ledger, asked about this tender (unfiltered it also lists logins, which are not bids).
                if path == "/v1/ledger/events" { path += "?tender=\(spec.id)" }
                for caller in [nil] + Array(RouteAccessTests.partyForRole.values) + ["bidder-02", "bidder-03"] {
                    var headers: HTTPFields = [:]
                    if let caller { headers[.authorization] = "Bearer \(try await fixture.token(caller))" }
                    let body = try await client.execute(uri: path, method: .get, headers: headers) { String(buffer: $0.body) }
                    for (bidder, values) in secrets where bidder != caller {
                        for value in values {
                            #expect(!body.contains(value), "\(route.path) as \(caller ?? "anonymous") reveals \(bidder) (\(value))")
                        }
                    }
                    #expect(!body.lowercased().contains("bidcount"), "\(route.path) as \(caller ?? "anonymous")")
                    // No running event count and no chain links anywhere, the supervisors' ledger view included.
                    #expect(!body.contains("\"seq\"") && !body.contains("previousHash"), "\(route.path) as \(caller ?? "anonymous")")
                }
            }
        }
        // The bidder sees its own bid, and only that.
        let own = try await BidDesk(fixture.environment).status(tender: spec.id, by: try await fixture.identity("bidder-02"))
        #expect(own.history.count == 1)
        #expect(own.active?.packageDigest == secrets["bidder-02"]![3])
    }

    /// Law art. 22 in the supervisors' ledger views: every filter, every page and every cursor is
    /// the same whether or not anyone logged in and bid before the deadline. (Comparing the views
    /// byte for byte shows that nothing in them — events, gaps, positions, links, cursors, counts
    /// of pages — depends on the bids.)
    @Test("before the deadline the supervisors' ledger views are byte for byte the same whether or not three bidders logged in and bid")
    func ledgerViewsIgnoreBidders() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-VIEWS"))
        _ = try await fixture.token("supervisor-01")
        let published = try #require(try await fixture.store.read { try $0.tender(id: spec.id) }?.publishedAt)
        let since = ISO8601DateFormatter().string(from: published.addingTimeInterval(-1))
        let queries = ["", "tender=\(spec.id)", "actor=bidder-01", "actor=agency-01", "action=auth.login", "action=bid.submit",
                       "since=\(since)", "limit=1", "limit=2&tender=\(spec.id)", "limit=3&action=auth.login"]
        func snapshot() async throws -> [String: [String]] {
            let supervisor = try await fixture.token("supervisor-01")  // the same session until it expires
            return try await fixture.app.test(.router) { client in
                var pages: [String: [String]] = [:]
                for query in queries {
                    var cursor: String?
                    repeat {
                        let uri = "/v1/ledger/events?" + query + (cursor.map { "\(query.isEmpty ? "" : "&")after=\($0)" } ?? "")
                        let body = try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(supervisor)"]) { response in
                            #expect(response.status == .ok, "\(uri)")
                            return String(buffer: response.body)
                        }
                        pages[query, default: []].append(body)
                        cursor = (try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["next"] as? String
                    } while cursor != nil && (pages[query]?.count ?? 0) < 200
                }
                return pages
            }
        }
        let before = try await snapshot()
        #expect(before["limit=1"]!.count > 3, "the paging was exercised")
        for bidder in ["bidder-01", "bidder-02", "bidder-03"] {
            _ = try await fixture.submit(try fixture.seal(bidder: bidder, tender: spec, openingKey: keys[0]), tender: spec.id, as: bidder)
        }
        let during = try await snapshot()
        for query in queries { #expect(before[query] == during[query], "?\(query) changed when bidders bid") }
        // After the deadline the bids and the bidders' logins are there.
        fixture.clock.advance(by: spec.bidDeadline!.timeIntervalSince(fixture.clock.now()) + 60)
        let after = try await snapshot()
        #expect(after["action=bid.submit"]!.joined().components(separatedBy: "\"bid.submit\"").count - 1 == 3)
        #expect(after["actor=bidder-01"]!.joined().contains("auth.login"))
    }

    static func problemCode(_ body: ByteBuffer) -> String? {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))).flatMap { ($0 as? [String: Any])?["code"] as? String }
    }
}
