import BidCore
import BidDesks
import BidDomain
import Foundation
import HTTPTypes
import Hummingbird

/// E-supervision (电子监察): the cards and efficiency figures for supervisors, the rules for
/// everyone, statements of steps done outside the platform, and the supervisors' dashboard page
/// behind a one-time link.
struct SupervisionController: Sendable {
    let supervision: ESupervision
    let identities: IdentityDesk
    let renderer: PageRenderer
    let clock: any ServiceClock
    static let supervisors = Access.roles([.supervisor])

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/v1/supervision/rules", .anyone, "E-supervision's time-limit rules with their articles") { _, _, _ in
            try JSONBody.response(TimeLimitRule.all)
        }
        routes.add(.get, "/v1/supervision/alerts", Self.supervisors, "Reminders, yellow and red cards and alerts, newest first; ?open=true|false ?tender ?limit") { request, _, _ in
            let query = try Query(request)
            let open: Bool? = query.text("open") == nil ? nil : try query.flag("open")
            return try JSONBody.response(try await supervision.alerts(open: open, tender: query.text("tender"), limit: try query.limit()))
        }
        routes.add(.get, "/v1/supervision/efficiency", Self.supervisors, "Efficiency figures (效能评估): on-time share, delays, cards — per centre, party and step") { _, _, _ in
            try JSONBody.response(try await supervision.efficiency())
        }
        routes.add(.post, "/v1/tenders/:id/statements", Access.roles([.tenderer, .agency]),
                   "Record a step done outside the platform (contract-signed, report-filed, security-returned) with a signed statement") { request, context, caller in
            let (identity, role) = try caller.required
            let statement = try await JSONBody.decode(MemberStatement.self, from: request, context: context)
            return try JSONBody.response(try await supervision.recordStatement(tender: try context.parameters.require("id"), statement, by: identity, role: role,
                                                                               address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/statements", .anyone, "The tender's recorded steps after the award, with their signed statements") { _, context, _ in
            try JSONBody.response(try await supervision.statements(tender: try context.parameters.require("id")))
        }
        routes.add(.post, "/v1/auth/web-link", Self.supervisors, "A one-time link (2 minutes) that opens a browser session on the supervisors' pages") { _, _, caller in
            let (identity, _) = try caller.required
            let (code, expiresAt) = try await supervision.webLink(for: identity)
            struct Link: Encodable { var path: String; var expiresAt: Date }
            return try JSONBody.response(Link(path: "/supervise/login?code=\(code)", expiresAt: expiresAt), status: .created)
        }
        routes.add(.get, "/supervise/login", .anyone, "Opens the browser session of a one-time link (HttpOnly cookie), then the dashboard") { request, _, caller in
            do {
                guard let code = try Query(request).text("code") else { throw ServiceError.unauthorized("auth.link-invalid", "the link has no code") }
                let (token, identity) = try await identities.openWebSession(code: code, address: caller.address)
                let maxAge = Int(max(0, identity.tokenExpiresAt.timeIntervalSince(clock.now())))
                return Response(status: .seeOther, headers: [
                    .location: "/supervise", .cacheControl: "no-store",
                    .setCookie: "ebid_session=\(token); Path=/supervise; Max-Age=\(maxAge); HttpOnly; SameSite=Strict",
                ])
            } catch let error as ServiceError {
                return refused(error)
            }
        }
        routes.add(.get, "/supervise", Self.supervisors, "The supervisors' dashboard: open cards, recent cards, efficiency figures (browser session)",
                   page: { refused($0) }) { _, _, _ in
            try await dashboard()
        }
    }

    func refused(_ error: ServiceError) -> Response {
        let html = renderer.render("supervise-login", title: "电子监察", nav: "", now: clock.now(), ["detail": "\(error.detail)（\(error.code)）"])
        var response = PageRenderer.htmlResponse(ByteBuffer(string: html), status: HTTPResponse.Status(code: error.status), maxAge: 0)
        response.headers[.cacheControl] = "no-store"
        // The stable code, for programs (the page says it in words).
        response.headers[HTTPField.Name("Ebid-Problem")!] = error.code
        return response
    }

    func dashboard() async throws -> Response {
        let open = try await supervision.alerts(open: true, tender: nil, limit: 200)
        let recent = try await supervision.alerts(open: false, tender: nil, limit: 50)
        let efficiency = try await supervision.efficiency()
        func card(_ card: SupervisionCard) -> [String: Any] {
            ["level": card.level.rawValue, "label": card.level.label, "tender": card.tenderId ?? "—", "text": card.text, "article": card.article,
             "due": card.dueAt.map(BeijingTime.minute) ?? "—", "raised": BeijingTime.minute(card.raisedAt),
             "closed": card.closedAt.map(BeijingTime.minute) ?? "", "id": card.id]
        }
        func figure(_ value: ExactDecimal?, _ suffix: String) -> String { value.map { "\($0.formatted(places: $0.scale > 1 ? 2 : 1))\(suffix)" } ?? "—" }
        let rows = efficiency.rows.map { row -> [String: Any] in
            ["scope": row.scope == "centre" ? "中心" : row.scope == "party" ? "单位" : "环节", "name": row.name, "steps": row.steps, "done": row.done,
             "onTime": figure(row.onTimePercent, "%"), "overdue": row.overdue, "average": figure(row.averageDelayDays, " 日"), "worst": figure(row.worstDelayDays, " 日"),
             "raised": row.cardsRaised, "closed": row.cardsClosed]
        }
        let values: [String: Any] = ["open": open.map(card), "hasOpen": !open.isEmpty, "recent": recent.map(card), "hasRecent": !recent.isEmpty, "rows": rows]
        var response = PageRenderer.htmlResponse(ByteBuffer(string: renderer.render("supervise", title: "电子监察", nav: "", now: clock.now(), values)), maxAge: 0)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}
