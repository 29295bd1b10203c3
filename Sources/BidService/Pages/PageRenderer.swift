import BidCore
import BidDesks
import BidDomain
import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// Renders the portal's pages: the templates (PageTemplates), the layout's common values, and a
/// short-lived cache of whole pages (PageCache).
struct PageRenderer: Sendable {
    static let site = "ebid 电子招标投标交易平台"
    let library: MustacheLibrary
    let notice: String?

    init(profile: PolicyProfile) {
        var library = MustacheLibrary()
        for (name, text) in PageTemplates.all {
            // The templates are compiled into the binary and parsed by a test: a failure here is a programming error.
            do { try library.register(text, named: name) } catch { preconditionFailure("template \(name): \(error)") }
        }
        self.library = library
        notice = profile.notice.map { "演示环境：法定期限已缩短（一天为一秒），数据均为虚构，不得用于真实招标。(\($0))" }
    }

    /// The page `template` with `values` and the layout's: title, the navigation mark, the time.
    func render(_ template: String, title: String, nav: String, now: Date, _ values: [String: Any]) -> String {
        var context = values
        context["title"] = title
        context["site"] = Self.site
        context["notice"] = notice
        context["nav" + nav] = true
        context["nowISO"] = iso(now)
        context["nowText"] = BeijingTime.minute(now)
        guard let html = library.render(context, withTemplate: template) else { preconditionFailure("no template \(template)") }
        return html
    }

    static func htmlResponse(_ html: ByteBuffer, status: HTTPResponse.Status = .ok, maxAge: Int) -> Response {
        Response(status: status, headers: [
            .contentType: "text/html; charset=utf-8",
            .cacheControl: maxAge > 0 ? "public, max-age=\(maxAge)" : "no-cache",
            .init("X-Content-Type-Options")!: "nosniff",
            .init("Content-Security-Policy")!: "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
            .init("Referrer-Policy")!: "same-origin",
        ], body: .init(byteBuffer: html))
    }
}

/// Whole pages kept for a moment: under load most requests are answered from memory, and a
/// page is at most `lifetime` seconds stale. The lifetime is fixed, never tied to writes, so the
/// time a page takes tells nobody whether something (a bid) was written meanwhile.
///
/// A page kept is also ready for the connection's edge (`EdgePageHandler`) under the exact request
/// target and Host it was asked with, as the bytes the router answered, until the same instant: a
/// repeated request is answered there without reaching the router. Only targets whose query holds
/// nothing but the parameters pages read are kept there, so made-up parameters cannot fill it.
final class PageCache: @unchecked Sendable {
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var html: ByteBuffer
        var maxAge: Int
    }
    /// A page as the edge writes it: status, every header but the date, the body.
    struct Ready: Sendable {
        var status: HTTPResponse.Status
        var fields: HTTPFields
        var body: ByteBuffer
    }
    private struct Entry { var page: Page; var expires: Date }
    private struct ReadyEntry { var ready: Ready; var expires: Date }
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var ready: [String: ReadyEntry] = [:]
    /// Pages being made, by key.
    private var inFlight: [String: Task<Entry, Error>] = [:]
    let lifetime: TimeInterval
    /// Distinct query strings are bounded: past this many pages the cache starts over.
    let capacity: Int
    /// The headers the middleware adds to every response (the profile's), added to a ready page.
    let commonFields: HTTPFields

    var count: Int { lock.withLock { entries.count } }
    var readyCount: Int { lock.withLock { ready.count } }

    init(lifetime: TimeInterval, capacity: Int = 4096, commonFields: HTTPFields = [:]) {
        self.lifetime = lifetime
        self.capacity = capacity
        self.commonFields = commonFields
    }

    /// A key made of `parts` that no two different lists of parts share (each is length-prefixed).
    static func key(_ parts: [String]) -> String { parts.map { "\($0.utf8.count):\($0)" }.joined() }

    /// The service's cache: ready pages carry the headers ProblemMiddleware adds to every response.
    static func service(lifetime: TimeInterval, profile: PolicyProfile) -> PageCache {
        var common: HTTPFields = [HTTPField.Name("Ebid-Profile")!: profile.rawValue]
        if let notice = profile.notice { common[HTTPField.Name("Ebid-Notice")!] = notice }
        return PageCache(lifetime: lifetime, commonFields: common)
    }

    /// The page under `key`, made when it is missing or expired — once: requests arriving while it
    /// is being made wait for that one (a busy page expiring is rendered once, not once per request).
    /// With `target` (the request target and Host, `/tenders/T-1?page=2|host`) the answer is also
    /// kept ready for the edge.
    func response(_ key: String, target: String? = nil, now: Date, make: @escaping @Sendable () async throws -> Page) async throws -> Response {
        let page: Page
        let expires: Date
        if lifetime > 0 {
            let lifetime = self.lifetime
            let (cached, making, owner) = lock.withLock { () -> (Entry?, Task<Entry, Error>?, Bool) in
                if let entry = entries[key], entry.expires > now { return (entry, nil, false) }
                if let task = inFlight[key] { return (nil, task, false) }
                let task = Task { Entry(page: try await make(), expires: now.addingTimeInterval(lifetime)) }
                inFlight[key] = task
                return (nil, task, true)
            }
            let entry: Entry
            if let cached {
                entry = cached
            } else {
                let result = await making!.result
                if owner {
                    lock.withLock {
                        inFlight[key] = nil
                        if case .success(let made) = result {
                            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                            entries[key] = made
                        }
                    }
                }
                entry = try result.get()
            }
            (page, expires) = (entry.page, entry.expires)
        } else {
            page = try await make()
            expires = now
        }
        let response = PageRenderer.htmlResponse(page.html, status: page.status, maxAge: page.maxAge)
        // A platform failure (5xx) is never answered at the edge: it must reach the fault count.
        if lifetime > 0, let target, page.status.code < 500 {
            var fields = response.headers
            fields[.contentLength] = String(page.html.readableBytes)
            fields.append(contentsOf: commonFields)
            let entry = ReadyEntry(ready: Ready(status: page.status, fields: fields, body: page.html), expires: expires)
            lock.withLock {
                if ready.count >= capacity { ready.removeAll(keepingCapacity: true) }
                ready[target] = entry
            }
        }
        return response
    }

    /// The page ready for `target` (request target and Host, as `response` was given it), if unexpired.
    func ready(_ target: String, now: Date) -> Ready? {
        guard lifetime > 0 else { return nil }
        return lock.withLock {
            guard let entry = ready[target], entry.expires > now else { return nil }
            answeredReady += 1
            return entry.ready
        }
    }

    /// How many requests the edge answered with a ready page.
    var readyAnswers: Int { lock.withLock { answeredReady } }
    private var answeredReady = 0
}
