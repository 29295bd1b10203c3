import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// The credit register: public listings and subject pages, records by supervisors, imports,
/// leads; and the supervisors' ledger queries.
struct CreditController: Sendable {
    let register: CreditRegister
    let supervision: Supervision
    static let supervisors = Access.roles([.supervisor])
    /// An import request carries at most 16 MiB of records (`ebid credit import` sends batches).
    static let importLimit = 16 << 20

    struct RecordRequest: Decodable {
        var record: CreditRecordInput
        /// Resolves this open lead as recorded.
        var lead: String?
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/v1/credit/records", .anyone,
                   "Published credit records (in their publication window), newest first; ?subject ?category ?from ?to ?beforeDate&beforeId ?limit") { request, _, _ in
            let query = try Query(request)
            return try JSONBody.response(try await register.listing(category: try query.category(), subject: query.text("subject"), from: try query.date("from"),
                                                                    to: try query.date("to"), before: try query.cursor(), limit: try query.limit()))
        }
        routes.add(.get, "/v1/credit/records/:id", .anyone, "A credit record with its platform signature (published ones; supervisors: any)") { _, context, caller in
            try JSONBody.response(try await register.signedRecord(id: try context.parameters.require("id"), for: caller.identity))
        }
        routes.add(.get, "/v1/credit/subjects/:code", .anyone,
                   "A subject's page, free of charge: restrictions in force and every published decision, listed or not; ?history=true") { request, context, _ in
            let code = try context.parameters.require("code")
            if try Query(request).flag("history") { return try JSONBody.response(try await register.subjectPage(code, history: true)) }
            // The hottest public query: assembled from each decision's stored JSON (docs/performance.md).
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try await register.subjectPageJSON(code))))
        }
        routes.add(.post, "/v1/credit/records", Self.supervisors, "Record a decision, correction, appeal outcome, revocation or repair: {record, lead?}") { request, context, caller in
            let body = try await JSONBody.decode(RecordRequest.self, from: request, context: context)
            return try JSONBody.response(try await register.record(body.record, by: try caller.actor(), lead: body.lead), status: .created)
        }
        routes.add(.post, "/v1/credit/import", Self.supervisors, "Import records (all or none; existing ids skipped): {format, version, records}") { request, context, caller in
            let file = try await JSONBody.decode(CreditRegister.File.self, from: request, context: context, limit: Self.importLimit)
            guard file.format == "ebid-credit-records", file.version == 1 else {
                throw ServiceError.badRequest("credit.import-format", "expected format ebid-credit-records, version 1")
            }
            let (imported, skipped) = try await register.importRecords(file.records, by: try caller.actor())
            struct Result: Encodable { var imported: Int; var skipped: Int }
            return try JSONBody.response(Result(imported: imported, skipped: skipped))
        }
        routes.add(.get, "/v1/supervision/credit/records", Self.supervisors,
                   "Every decision, listed or not, newest first; same filters as the public listing") { request, _, _ in
            let query = try Query(request)
            return try JSONBody.response(try await register.allDecisions(category: try query.category(), subject: query.text("subject"), from: try query.date("from"),
                                                                         to: try query.date("to"), before: try query.cursor(), limit: try query.limit()))
        }
        routes.add(.get, "/v1/supervision/credit/subjects/:code", Self.supervisors,
                   "Everything about a subject: each decision's history, the ledger events that touched it (with checkpoints), the leads") { _, context, _ in
            try JSONBody.response(try await register.supervisorFile(try context.parameters.require("code")))
        }
        routes.add(.get, "/v1/credit/leads", Self.supervisors, "Leads for the register (?status=open|recorded|dismissed ?tender)") { request, _, _ in
            let query = try Query(request)
            let status = try query.text("status").map { text -> CreditLeadStatus in
                guard let status = CreditLeadStatus(rawValue: text) else { throw query.invalid("status", text) }
                return status
            }
            return try JSONBody.response(try await register.leads(status: status, tender: query.text("tender")))
        }
        routes.add(.post, "/v1/credit/leads/:id/dismiss", Self.supervisors, "Dismiss a lead with {reason}") { request, context, caller in
            struct Body: Decodable { var reason: String }
            let body = try await JSONBody.decode(Body.self, from: request, context: context)
            return try JSONBody.response(try await register.dismiss(lead: try context.parameters.require("id"), reason: body.reason, by: try caller.actor()))
        }
        routes.add(.get, "/v1/ledger/events", Self.supervisors,
                   "The ledger by ?tender ?actor ?action ?since ?until (?after=<next> ?limit), each event with its covering checkpoint; bidders' events withheld until the deadlines they could concern") { request, _, _ in
            let query = try Query(request)
            let ledger = LedgerQuery(tender: query.text("tender"), actor: query.text("actor"), action: query.text("action"), since: try query.date("since"),
                                     until: try query.date("until"), limit: try query.limit())
            // Written directly: JSONEncoder took most of this route's time (docs/performance.md).
            return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(bytes: try await supervision.eventsJSON(ledger, cursor: query.text("after")))))
        }
    }
}

/// Query parameters with clear refusals (`400 request.query-invalid`).
struct Query {
    let parameters: [String: String]

    init(_ request: Request) throws {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    func invalid(_ name: String, _ value: String) -> ServiceError {
        .badRequest("request.query-invalid", "query parameter \(name)=\(value) is not valid")
    }

    func text(_ name: String) -> String? { parameters[name].flatMap { $0.isEmpty ? nil : $0 } }

    func integer(_ name: String) throws -> Int64? {
        try text(name).map { text in
            guard let value = Int64(text), value >= 0 else { throw invalid(name, text) }
            return value
        }
    }

    func limit() throws -> Int {
        guard let value = try integer("limit") else { return 100 }
        guard (1...1000).contains(value) else { throw invalid("limit", String(value)) }
        return Int(value)
    }

    func flag(_ name: String) throws -> Bool {
        switch text(name) {
        case nil, "false", "0": return false
        case "true", "1": return true
        case let other?: throw invalid(name, other)
        }
    }

    /// `2026-06-01` (the day's start in Asia/Shanghai) or a full ISO 8601 time.
    func date(_ name: String) throws -> Date? {
        try text(name).map { text in
            guard let date = Self.parseDate(text) else { throw invalid(name, text) }
            return date
        }
    }

    static func parseDate(_ text: String) -> Date? {
        if text.count == 10 {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "Asia/Shanghai")
            formatter.dateFormat = "yyyy-MM-dd"
            return formatter.date(from: text)
        }
        return ISO8601DateFormatter().date(from: text)
    }

    func category() throws -> CreditCategory? {
        try text("category").map { text in
            guard let category = CreditCategory(rawValue: text) else { throw invalid("category", text) }
            return category
        }
    }

    func cursor() throws -> (Date, String)? {
        switch (try date("beforeDate"), text("beforeId")) {
        case (nil, nil): return nil
        case (let date?, let id?): return (date, id)
        default: throw ServiceError.badRequest("request.query-invalid", "beforeDate and beforeId go together")
        }
    }
}
