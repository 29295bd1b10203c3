import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Who may call a route.
public enum Access: Sendable, Equatable, CustomStringConvertible {
    /// Anyone, logged in or not (the public: announcements, documents, checkpoints).
    case anyone
    /// A logged-in party holding one of these roles.
    case roles([PartyRole])

    public static let everyRole = Access.roles(PartyRole.allCases)

    public var description: String {
        switch self {
        case .anyone: return "anyone"
        case .roles(let roles): return roles.map(\.rawValue).joined(separator: ", ")
        }
    }
}

/// One route of the API, as declared (the route × role test walks all of them).
public struct RouteSpec: Sendable, Equatable {
    public var method: HTTPRequest.Method
    public var path: String
    public var access: Access
    public var summary: String
}

/// The caller of a request after authentication and the role check.
struct Caller: Sendable {
    var identity: Identity?
    /// The role the caller acts in on this route (nil on public routes).
    var role: PartyRole?
    var address: String

    /// The identity on a role-protected route (always present there).
    var required: (identity: Identity, role: PartyRole) {
        get throws {
            guard let identity, let role else { throw ServiceError.unauthorized("auth.required", "log in first") }
            return (identity, role)
        }
    }

    func actor() throws -> Actor {
        let (identity, role) = try required
        return identity.actor(role: role, address: address)
    }
}

/// Registers routes on the router with their access rule, and remembers them.
final class RouteTable: @unchecked Sendable {
    private(set) var specs: [RouteSpec] = []
    let router: Router<AppRequestContext>
    let identities: IdentityDesk
    let patterns: RoutePatterns

    init(router: Router<AppRequestContext>, identities: IdentityDesk, patterns: RoutePatterns) {
        self.router = router
        self.identities = identities
        self.patterns = patterns
    }

    /// Adds a route. Role-protected routes answer 401 `auth.required` without a valid token and 403
    /// `auth.role-forbidden` to parties without one of the roles; public routes accept a token
    /// when given (an owner sees its drafts) and refuse an invalid one.
    ///
    /// A page (`page` set) also takes the session from the `ebid_session` cookie (GET only: a
    /// cookie never authorises a change), and answers a refused access with `page`'s HTML.
    func add(_ method: HTTPRequest.Method, _ path: String, _ access: Access, _ summary: String,
             page: (@Sendable (ServiceError) -> Response)? = nil,
             _ handler: @escaping @Sendable (Request, AppRequestContext, Caller) async throws -> Response) {
        precondition(page == nil || method == .get, "cookie sessions are for GET pages only")
        specs.append(RouteSpec(method: method, path: path, access: access, summary: summary))
        patterns.add(method, path)
        let identities = self.identities
        router.on(RouterPath(path), method: method) { request, context in
            var context = context
            try Self.decodeParameters(&context)
            let caller: Caller
            do {
                caller = try await Self.authorize(request, context: context, access: access, identities: identities, cookie: page != nil)
            } catch let error as ServiceError where page != nil {
                return page!(error)
            }
            context.annotations.record(caller)
            return try await handler(request, context, caller)
        }
    }

    /// The browser session's token from the `ebid_session` cookie.
    static func sessionCookie(_ request: Request) -> String? {
        guard let header = request.headers[.cookie] else { return nil }
        for item in header.split(separator: ";") {
            let pair = item.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == "ebid_session" { return String(pair[1]) }
        }
        return nil
    }

    /// Path parameters arrive percent-encoded (`/v1/tenders/%E9%97%BD%E6%A6%95%202026-01`): every
    /// handler sees them decoded, once. A parameter that is not valid percent-encoded UTF-8 is refused.
    static func decodeParameters(_ context: inout AppRequestContext) throws {
        guard context.parameters.contains(where: { $0.value.contains("%") }) else { return }
        var decoded = Parameters()
        for (key, value) in context.parameters {
            guard let plain = String(value).removingPercentEncoding else {
                throw ServiceError.badRequest("request.invalid-path", "the path segment \(value) is not valid percent-encoded UTF-8")
            }
            // No identifier, name or code holds a control character (NUL, line breaks…).
            guard !plain.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
                throw ServiceError.badRequest("request.invalid-path", "the path segment \(value) decodes to a control character")
            }
            decoded.append(key: key, value: Substring(plain))
        }
        context.coreContext.parameters = decoded
    }

    static func authorize(_ request: Request, context: AppRequestContext, access: Access, identities: IdentityDesk, cookie: Bool = false) async throws -> Caller {
        var identity: Identity?
        if cookie, request.headers[.authorization] == nil, let token = sessionCookie(request) {
            guard token.hasPrefix(IdentityDesk.webTokenPrefix) else { throw ServiceError.unauthorized("auth.web-session", "the page's session comes from a one-time link (ebid supervise login)") }
            identity = try await identities.authenticate(token: token)
        } else if let header = request.headers[.authorization] {
            // A browser session's token never authorises an API call.
            if header.contains(IdentityDesk.webTokenPrefix) {
                throw ServiceError.unauthorized("auth.web-session", "a browser session's token opens the supervisors' pages only; log in with your certificate")
            }
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer" else {
                throw ServiceError.unauthorized("auth.malformed", "use Authorization: Bearer <token>")
            }
            identity = try await identities.authenticate(token: String(parts[1]))
        }
        switch access {
        case .anyone:
            return Caller(identity: identity, role: nil, address: context.clientAddress)
        case .roles(let roles):
            guard let identity else {
                throw ServiceError.unauthorized("auth.required", "log in first (certificate challenge, then Authorization: Bearer <token>)")
            }
            guard let role = identity.actingRole(in: roles) else {
                throw ServiceError.forbidden("auth.role-forbidden",
                                             "this needs the role \(roles.map(\.rawValue).joined(separator: " or ")); \(identity.party.name) is \(identity.party.roles.map(\.rawValue).sorted().joined(separator: ", "))")
            }
            return Caller(identity: identity, role: role, address: context.clientAddress)
        }
    }
}
