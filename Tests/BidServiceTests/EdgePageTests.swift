@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// The portal's pages answered at the connection's edge (EdgePageHandler): the router's bytes, for
/// the cached page's lifetime only, never for a request with credentials, never out of order.
@Suite("Pages answered at the edge")
struct EdgePageTests {
    static let start = Date(timeIntervalSince1970: 2_000_000_000)

    /// A cache holding `/tenders` (host `a`) ready, made at `start` with a 10-second lifetime.
    func readyCache() async throws -> PageCache {
        let cache = PageCache.service(lifetime: 10, profile: .statutory)
        _ = try await cache.response("/tenders?|a", target: EdgePageHandler.target(path: "/tenders", host: "a"), now: Self.start) {
            PageCache.Page(status: .ok, html: ByteBuffer(string: "<p>list</p>"), maxAge: 0)
        }
        return cache
    }

    final class Now: @unchecked Sendable {
        var date = EdgePageTests.start
    }

    func channel(_ cache: PageCache, _ now: Now) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(EdgePageHandler(cache: cache, now: { now.date }))
        return channel
    }

    func request(_ channel: EmbeddedChannel, _ method: HTTPRequest.Method = .get, path: String = "/tenders", fields: HTTPFields = [:]) throws {
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: method, scheme: nil, authority: "a", path: path, headerFields: fields)))
        try channel.writeInbound(HTTPRequestPart.end(nil))
    }

    /// The response the handler wrote, if any: head, body, end.
    func answer(_ channel: EmbeddedChannel) throws -> (HTTPResponse, String)? {
        guard case .head(let head)? = try channel.readOutbound(as: HTTPResponsePart.self) else { return nil }
        guard case .body(let body)? = try channel.readOutbound(as: HTTPResponsePart.self),
              case .end? = try channel.readOutbound(as: HTTPResponsePart.self) else { Issue.record("an incomplete answer"); return nil }
        return (head, String(buffer: body))
    }

    /// What reached the router: the request heads' paths.
    func forwarded(_ channel: EmbeddedChannel) throws -> [String] {
        var paths: [String] = []
        while let part = try channel.readInbound(as: HTTPRequestPart.self) {
            if case .head(let head) = part { paths.append(head.path ?? "") }
        }
        return paths
    }

    @Test("a ready page is answered at the edge with its headers, the date and the server; nothing reaches the router")
    func answered() async throws {
        let cache = try await readyCache()
        let now = Now()
        let channel = try channel(cache, now)
        try request(channel)
        let (head, body) = try #require(try answer(channel))
        #expect(head.status == .ok && body == "<p>list</p>")
        #expect(head.headerFields[.contentType] == "text/html; charset=utf-8" && head.headerFields[.contentLength] == "11")
        #expect(head.headerFields[HTTPField.Name("Ebid-Profile")!] == "statutory" && head.headerFields[.server] == "ebid")
        #expect(head.headerFields[.date]?.hasSuffix(" GMT") == true)
        #expect(try forwarded(channel).isEmpty)
        #expect(cache.readyAnswers == 1)
    }

    @Test("credentials, HEAD, another host, another target and an expired page go to the router")
    func forwardedRequests() async throws {
        let cache = try await readyCache()
        let now = Now()
        let channel = try channel(cache, now)
        try request(channel, fields: [.authorization: "Bearer not-a-token"])
        try request(channel, fields: [.cookie: "ebid_session=x"])
        try request(channel, .head)
        try request(channel, path: "/tenders?page=2")
        try channel.writeInbound(HTTPRequestPart.head(HTTPRequest(method: .get, scheme: nil, authority: "b", path: "/tenders")))
        try channel.writeInbound(HTTPRequestPart.end(nil))
        #expect(try forwarded(channel) == ["/tenders", "/tenders", "/tenders", "/tenders?page=2", "/tenders"])
        #expect(try answer(channel) == nil)
        // The router answers them (in order): then the page is ready again, until it expires.
        for _ in 0..<5 { try channel.writeOutbound(HTTPResponsePart.end(nil)) }
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
        now.date = Self.start.addingTimeInterval(9.9)
        try request(channel)
        #expect(try answer(channel) != nil)
        now.date = Self.start.addingTimeInterval(10)
        try request(channel)
        #expect(try answer(channel) == nil && forwarded(channel) == ["/tenders"])
        #expect(cache.readyAnswers == 1)
    }

    /// Counts the reads that reach the head of the pipeline (the socket).
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = NIOAny
        var reads = 0
        func read(context: ChannelHandlerContext) {
            reads += 1
            context.read()
        }
    }

    @Test("a client that does not read is not read from: while the socket is full nothing is answered at the edge and reading waits")
    func backPressure() async throws {
        let cache = try await readyCache()
        let channel = EmbeddedChannel()
        let counter = ReadCounter()
        try channel.pipeline.syncOperations.addHandler(counter)
        try channel.pipeline.syncOperations.addHandler(EdgePageHandler(cache: cache, now: { EdgePageTests.start }))
        channel.isWritable = false
        try request(channel)
        #expect(try answer(channel) == nil && forwarded(channel) == ["/tenders"], "answered at the edge while the socket was full")
        channel.read()
        #expect(counter.reads == 0, "read on while the socket was full")
        channel.isWritable = true
        channel.pipeline.fireChannelWritabilityChanged()
        #expect(counter.reads == 1, "reading did not resume when the socket drained")
        channel.read()
        #expect(counter.reads == 2)
    }

    @Test("a GET with a body (Content-Length, chunked) goes to the router, which reads and judges bodies")
    func bodies() async throws {
        let cache = try await readyCache()
        let channel = try channel(cache, Now())
        try request(channel, fields: [.contentLength: "5"])
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try request(channel, fields: [.transferEncoding: "chunked"])
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
        #expect(try forwarded(channel) == ["/tenders", "/tenders"])
        try request(channel, fields: [.contentLength: "0"])
        #expect(try answer(channel) != nil)
    }

    @Test("the cache's keys: each part length-prefixed, so no Host or value can pass for another page's")
    func keys() {
        #expect(PageCache.key(["/tenders", "a|b"]) != PageCache.key(["/tenders|a", "b"]))
        #expect(PageCache.key(["/tenders", "h", "page", "1&stage=bidding"]) != PageCache.key(["/tenders", "h", "page", "1", "stage", "bidding"]))
        #expect(PortalController.isAuthority("127.0.0.1:8080") && PortalController.isAuthority("[::1]:8080") && PortalController.isAuthority("ebid.example.cn"))
        #expect(PortalController.isAuthority(""))
        for bad in ["x|127.0.0.1", "a b", "evil\"><script>", "例子.cn", "a/b", "a@b"] { #expect(!PortalController.isAuthority(bad), "\(bad)") }
    }

    @Test("pipelined: a ready page waits behind a request the router has not answered")
    func pipelined() async throws {
        let cache = try await readyCache()
        let channel = try channel(cache, Now())
        try request(channel, path: "/v1/health")
        try request(channel)
        #expect(try forwarded(channel) == ["/v1/health", "/tenders"])
        #expect(try answer(channel) == nil)
        // Both answered by the router: the next is answered at the edge.
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
        try request(channel)
        #expect(try answer(channel) != nil && forwarded(channel).isEmpty)
    }

    @Test("through a live server: the edge answers with the router's status, headers and body; unknown parameters and 5xx are never kept ready")
    func live() async throws {
        let fixture = try await ServiceFixture()
        let pages = PageCache.service(lifetime: 60, profile: .statutory)
        let routes = buildRouter(fixture.environment, clock: nil, pageCache: pages)
        let clock = fixture.clock
        let app = Application(router: routes.router, server: .ebid(limits: .init(), profile: .statutory, pages: pages, now: { clock.now() }),
                              configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: EdgePageHandler.serverName))
        try await app.test(.live) { client in
            func get(_ uri: String, _ fields: HTTPFields = [:]) async throws -> (HTTPResponse.Status, [HTTPField], String) {
                try await client.execute(uri: uri, method: .get, headers: fields) { response in
                    (response.status, response.headers.filter { $0.name != .date }, String(buffer: response.body))
                }
            }
            let routed = try await get("/tenders")
            #expect(pages.readyAnswers == 0)
            let edge = try await get("/tenders")
            #expect(pages.readyAnswers == 1, "the second request was not answered at the edge")
            #expect(edge.0 == routed.0 && edge.2 == routed.2)
            #expect(edge.1.map(\.name.canonicalName).sorted() == routed.1.map(\.name.canonicalName).sorted())
            #expect(Set(edge.1.map { "\($0.name): \($0.value)" }) == Set(routed.1.map { "\($0.name): \($0.value)" }))
            // A bad token is refused by the router, cached page or not.
            #expect(try await get("/tenders", [.authorization: "Bearer nope"]).0 == .unauthorized)
            // Made-up parameters are never kept ready: each goes to the router.
            _ = try await get("/tenders?utm=1")
            _ = try await get("/tenders?utm=1")
            #expect(pages.readyAnswers == 1)
            // Expired with the cached page: the router renders it again.
            clock.advance(by: 61)
            _ = try await get("/tenders")
            #expect(pages.readyAnswers == 1)
            _ = try await get("/tenders")
            #expect(pages.readyAnswers == 2)
        }
        // A failed page (5xx) is not kept ready.
        _ = try await pages.response("/x?|a", target: "/x|a", now: fixture.clock.now()) {
            PageCache.Page(status: .internalServerError, html: ByteBuffer(string: "failed"), maxAge: 0)
        }
        #expect(pages.ready("/x|a", now: fixture.clock.now()) == nil)
    }
}
