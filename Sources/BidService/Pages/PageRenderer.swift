import BidCore
import Foundation
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
final class PageCache: @unchecked Sendable {
    struct Page: Sendable {
        var status: HTTPResponse.Status
        var html: ByteBuffer
        var maxAge: Int
    }
    private struct Entry { var page: Page; var expires: Date }
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    let lifetime: TimeInterval
    /// Distinct query strings are bounded: past this many pages the cache starts over.
    let capacity: Int

    var count: Int { lock.withLock { entries.count } }

    init(lifetime: TimeInterval, capacity: Int = 4096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    func response(_ key: String, now: Date, make: () async throws -> Page) async throws -> Response {
        let page: Page
        if lifetime > 0, let entry = lock.withLock({ entries[key] }), entry.expires > now {
            page = entry.page
        } else {
            page = try await make()
            if lifetime > 0 {
                lock.withLock {
                    if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                    entries[key] = Entry(page: page, expires: now.addingTimeInterval(lifetime))
                }
            }
        }
        return PageRenderer.htmlResponse(page.html, status: page.status, maxAge: page.maxAge)
    }
}
