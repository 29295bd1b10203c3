import BidDesks
import BidDomain
import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTPTypes

/// Answers a repeated portal page at the connection's edge: a GET whose exact target and Host the
/// page cache holds ready (`PageCache.ready`) gets the bytes the router answered it with, until the
/// same instant the cached page expires, without a task, the router or the middleware. Everything
/// else goes on to the router untouched.
///
/// It sits last in the channel pipeline, after Hummingbird's connection-state handler and ebid's
/// `HTTPEdgeHandler`, so both still see every request and response: idle time-outs, keep-alive and
/// `Connection: close`, graceful shutdown all work as for the router's answers. It answers only
/// when no earlier request on the connection is still waiting for its response (responses stay in
/// request order under pipelining), and never a request carrying credentials (`Authorization`,
/// `Cookie`): the router checks those, and refuses an invalid one. It answers only while the socket
/// can take more, and holds back reading while it cannot, so a client that pipelines requests
/// without reading the answers is held as the router would hold it.
final class EdgePageHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let cache: PageCache
    private let now: @Sendable () -> Date
    /// Requests passed on to the router whose response's end has not been written.
    private var outstanding = 0
    /// The request being answered here (its body, if any, is dropped; the answer goes at its end).
    private var answering: PageCache.Ready?
    /// A read asked for while the socket could not take more.
    private var readHeld = false

    init(cache: PageCache, now: @escaping @Sendable () -> Date) {
        self.cache = cache
        self.now = now
    }

    /// As the router's answers name the server (Application's `serverName`).
    static let serverName = "ebid"

    /// The key a page is kept ready under: the request target exactly as sent, and the Host.
    static func target(path: String, host: String) -> String { PageCache.key([path, host]) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            // Only with room to write (else the router answers, under the async channel's
            // back-pressure), and only a GET without a body (the router reads and judges bodies).
            if outstanding == 0, answering == nil, context.channel.isWritable, head.method == .get, let path = head.path,
               head.headerFields[.authorization] == nil, head.headerFields[.cookie] == nil,
               head.headerFields[.transferEncoding] == nil, head.headerFields[.contentLength] ?? "0" == "0",
               let ready = cache.ready(Self.target(path: path, host: head.authority ?? ""), now: now()) {
                answering = ready
                return
            }
            outstanding += 1
        case .body:
            if answering != nil { return }
        case .end:
            if let ready = answering {
                answering = nil
                var fields = ready.fields
                fields[.date] = HTTPDate.now()
                fields[.server] = Self.serverName
                context.write(wrapOutboundOut(.head(HTTPResponse(status: ready.status, headerFields: fields))), promise: nil)
                context.write(wrapOutboundOut(.body(ready.body)), promise: nil)
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
                return
            }
        }
        context.fireChannelRead(data)
    }

    /// A client that does not read its answers is not read from either: while the socket cannot
    /// take more, reading more requests waits (the router's async writer waits the same way).
    func read(context: ChannelHandlerContext) {
        if context.channel.isWritable { context.read() } else { readHeld = true }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable, readHeld {
            readHeld = false
            context.read()
        }
        context.fireChannelWritabilityChanged()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data), outstanding > 0 { outstanding -= 1 }
        context.write(data, promise: promise)
    }
}

/// The `Date` header's value (RFC 9110 §5.6.7, IMF-fixdate), made once a second.
enum HTTPDate {
    private static let cache = NIOLockedValueBox<(second: Int, text: String)>((-1, ""))
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func now() -> String {
        var seconds = time(nil)
        return cache.withLockedValue { cached in
            if cached.second == seconds { return cached.text }
            var parts = tm()
            gmtime_r(&seconds, &parts)
            func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let text = "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
                + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) GMT"
            cached = (seconds, text)
            return text
        }
    }
}
