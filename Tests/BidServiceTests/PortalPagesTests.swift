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

/// The public portal's pages through the real router (the browser walk in EndToEndTests reads
/// them in Chromium; RouteAccessTests' secrecy test covers them before the deadline).
@Suite("Portal pages")
struct PortalPagesTests {
    /// Tenders written straight into the store (no key ceremony): enough for the list's search,
    /// filters and pages.
    func seedTenders(_ fixture: ServiceFixture, count: Int) async throws {
        let base = try fixture.spec()
        let now = fixture.clock.now()
        try await fixture.store.write { tx in
            for index in 0..<count {
                var spec = base
                spec.id = String(format: "T-LIST-%03d", index)
                spec.title = index % 3 == 0 ? "道路工程 \(index)" : "设备采购 \(index)"
                spec.category = index % 3 == 0 ? .works : .goods
                let published = now.addingTimeInterval(-Double(count - index) * 86_400)
                let deadline = index % 2 == 0 ? now.addingTimeInterval(86_400) : now.addingTimeInterval(-3600)
                try tx.insertTender(Tender(spec: spec, status: .draft, owner: "agency-01", tendererParty: "tenderer-01", agencyParty: "agency-01",
                                           profile: .statutory, deadline: deadline, createdAt: published, publishedAt: nil))
                _ = try tx.publishTender(id: spec.id, at: published)
            }
        }
    }

    func page(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, String, HTTPFields) {
        try await client.execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body), $0.headers) }
    }

    @Test("every template parses and renders with the layout: lang, one h1, the navigation, the demo notice")
    func templates() async throws {
        let renderer = PageRenderer(profile: .demo)
        for name in ["open-data", "error"] {
            let html = renderer.render(name, title: "标题", nav: "OpenData", now: Date(timeIntervalSince1970: 1_780_000_000), ["heading": "H", "detail": "<script>x</script>"])
            #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<html lang=\"zh-CN\""))
            #expect(html.components(separatedBy: "<h1>").count == 2)
            #expect(html.contains("演示环境"))
            #expect(!html.contains("<script>x</script>"))  // values are escaped
        }
        #expect(PageTemplates.all.count >= 14)
    }

    @Test("the list: keyword, stage, category and date filters, pages of 20, a clear 400 for nonsense")
    func list() async throws {
        let fixture = try await ServiceFixture()
        try await seedTenders(fixture, count: 45)
        try await fixture.app.test(.router) { client in
            let (status, all, headers) = try await page(client, "/tenders")
            #expect(status == .ok && headers[.contentType] == "text/html; charset=utf-8")
            #expect(all.contains("共 45 个项目，第 1 / 3 页"))
            #expect(all.contains("T-LIST-044") && !all.contains("T-LIST-024"))  // newest first, 20 a page
            let third = try await page(client, "/tenders?page=3").1
            #expect(third.contains("T-LIST-000") && third.contains("rel=\"prev\"") && !third.contains("rel=\"next\""))
            let works = try await page(client, "/tenders?category=works").1
            #expect(works.contains("共 15 个项目"))
            let keyword = try await page(client, "/tenders?q=%E8%AE%BE%E5%A4%87").1  // 设备, in 30 titles
            #expect(keyword.contains("共 30 个项目"))
            let announcement = try await page(client, "/tenders?q=%E4%B8%9C%E8%A1%97%E5%8F%A3&category=works").1  // 东街口, in every announcement
            #expect(announcement.contains("共 15 个项目"))
            let bidding = try await page(client, "/tenders?stage=bidding&category=goods").1
            #expect(bidding.contains("共 15 个项目"))  // even indexes not divisible by 3
            let percent = try await page(client, "/tenders?q=%25").1
            #expect(percent.contains("共 0 个项目"))  // a literal %, not a wildcard
            let day = BeijingTime.day(fixture.clock.now().addingTimeInterval(-45 * 86_400))
            let first = try await page(client, "/tenders?from=\(day)&to=\(day)").1
            #expect(first.contains("共 1 个项目") && first.contains("T-LIST-000"))
            for bad in ["/tenders?stage=x", "/tenders?category=x", "/tenders?from=2026-13-01", "/tenders?page=x"] {
                let (status, body, _) = try await page(client, bad)
                #expect(status == .badRequest && body.contains("request.query-invalid"), "\(bad)")
            }
            #expect(try await page(client, "/tenders/NO-SUCH").0 == .notFound)
        }
    }

    @Test("a tender's page before the deadline: announcement, documents, time left; no opening record, no signed documents yet")
    func tenderPage() async throws {
        let fixture = try await ServiceFixture()
        let (spec, _) = try await fixture.publishTender(try fixture.spec(id: "T-PAGE"))
        try await fixture.app.test(.router) { client in
            let (status, html, _) = try await page(client, "/tenders/T-PAGE")
            #expect(status == .ok)
            #expect(html.contains(spec.title) && html.contains("投标中") && html.contains("招标文件.txt") && html.contains("叁仟捌佰万元整"))
            #expect(html.contains("data-countdown") && html.contains("第二十二条"))
            #expect(!html.contains("开标完成"))
            for file in ["opening-record.json", "publicity.json.sig", "award.json"] {
                let (status, body, _) = try await page(client, "/tenders/T-PAGE/signed/\(file)")
                #expect(status == .notFound && body.contains("document.not-public"), "\(file)")
            }
            #expect(try await page(client, "/tenders/T-PAGE/signed/passwd").0 == .notFound)
            let home = try await page(client, "/").1
            #expect(home.contains("T-PAGE") && home.contains("正在招标"))
            let statistics = try await page(client, "/statistics").1
            #expect(statistics.contains("<svg class=\"chart\"") && statistics.contains("id=\"opened\">0<"))
        }
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int { lock.withLock { value += 1; return value } }
        var count: Int { lock.withLock { value } }
    }

    @Test("the page cache: a page is kept for its lifetime only, whatever is written meanwhile")
    func cache() async throws {
        let cache = PageCache(lifetime: 1)
        let start = Date(timeIntervalSince1970: 1_000)
        let made = Counter()
        for offset in [0, 0.5, 0.99, 1.0, 1.5] {
            _ = try await cache.response("/", now: start.addingTimeInterval(offset)) {
                PageCache.Page(status: .ok, html: ByteBuffer(string: "page \(made.next())"), maxAge: 0)
            }
        }
        #expect(made.count == 2)
        let bounded = PageCache(lifetime: 60, capacity: 3)
        for key in 0..<10 {
            _ = try await bounded.response("\(key)", now: start) { PageCache.Page(status: .ok, html: ByteBuffer(string: "x"), maxAge: 0) }
        }
        #expect(bounded.count <= 3)
    }

    @Test("the page cache renders an expired page once while requests for it wait; a failure reaches every waiter and is not kept")
    func singleFlight() async throws {
        let cache = PageCache(lifetime: 1)
        let now = Date(timeIntervalSince1970: 1_000)
        let made = Counter()
        let bodies = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<20 {
                group.addTask {
                    // Each under its own target: what each request was answered with is kept ready there.
                    _ = try await cache.response("/busy", target: "/busy|\(index)", now: now) {
                        let number = made.next()
                        try await Task.sleep(for: .milliseconds(200))
                        return PageCache.Page(status: .ok, html: ByteBuffer(string: "render \(number)"), maxAge: 0)
                    }
                    return cache.ready("/busy|\(index)", now: now).map { String(buffer: $0.body) } ?? "none"
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(made.count == 1 && Set(bodies) == ["render 1"], "\(made.count) renders: \(Set(bodies))")
        struct Broken: Error {}
        let failures = Counter()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<5 {
                group.addTask {
                    do {
                        _ = try await cache.response("/broken", now: now) { try await Task.sleep(for: .milliseconds(100)); throw Broken() }
                    } catch { _ = failures.next() }
                }
            }
        }
        #expect(failures.count == 5)
        let again = try await cache.response("/broken", now: now) { PageCache.Page(status: .ok, html: ByteBuffer(string: "fine"), maxAge: 0) }
        #expect(again.status == .ok)
    }

    @Test("the SVG chart: bars in integer pixels, labels escaped, an empty chart says so")
    func chart() {
        let svg = PageCharts.bars([.init(label: "<a>", value: 10, text: "10"), .init(label: "b", value: 5, text: "5")], title: "t", id: "c", empty: "none")
        #expect(svg.contains("&lt;a&gt;") && !svg.contains("<a>"))
        #expect(svg.contains("height=\"156\"") && svg.contains("height=\"78\""))  // 240 − 24 − 60 = 156 for the largest
        #expect(PageCharts.bars([], title: "t", id: "c", empty: "none") == "<p class=\"empty\">none</p>")
    }
}
