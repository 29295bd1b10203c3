import BidCore
import BidDesks
import BidDomain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Limits on what a client may do to a connection.
public struct ConnectionLimits: Sendable {
    /// An idle connection (between requests, or before a request's head is complete) is closed after this.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// A request body is judged in windows of this length: while the service waits for its bytes
    /// (not while it is busy with them) at least `minimumBodyRate` bytes per second must arrive, or
    /// the connection is closed and the upload discarded with its temporary file.
    public var readTimeout: TimeAmount = .seconds(30)
    public var minimumBodyRate = 1024
    /// The largest request head (all header fields together).
    public var maxHeaderBytes = 64 * 1024

    public init() {}
}

/// The HTTP/1.1 server channel: Hummingbird's HTTP/1 pipeline with ebid's edge handler in front of
/// the type conversion, where the HTTP version and the parser's errors are still visible.
struct EdgeHTTP1Channel: ServerChildChannel, HTTPChannelHandler {
    typealias Value = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

    let responder: HTTPChannelHandler.Responder
    let limits: ConnectionLimits
    let profile: PolicyProfile
    /// Pages ready to answer at the edge (nil: every request goes to the router).
    let pages: PageCache?
    let now: @Sendable () -> Date

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderListSize = limits.maxHeaderBytes
            decoderLimits.maxHeaderFieldSize = limits.maxHeaderBytes
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withPipeliningAssistance: false,
                withErrorHandling: false,
                withOutboundHeaderValidation: false,
                withEncoderConfiguration: .init(),
                withDecoderLimitConfiguration: decoderLimits
            )
            try channel.pipeline.syncOperations.addHandler(HTTPEdgeHandler(limits: limits, profile: profile, logger: logger))
            try channel.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try channel.pipeline.syncOperations.addHandler(
                HTTPConnectionStateHandler(idleTimeout: Duration.nanoseconds(limits.idleTimeout.nanoseconds), logger: logger))
            if let pages, pages.lifetime > 0 {
                try channel.pipeline.syncOperations.addHandler(EdgePageHandler(cache: pages, now: now))
            }
            return try NIOAsyncChannel(wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value asyncChannel: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: asyncChannel, logger: logger)
    }
}

extension HTTPServerBuilder {
    static func ebid(limits: ConnectionLimits, profile: PolicyProfile, pages: PageCache? = nil,
                     now: @escaping @Sendable () -> Date = { Date() }) -> HTTPServerBuilder {
        .init { responder in EdgeHTTP1Channel(responder: responder, limits: limits, profile: profile, pages: pages, now: now) }
    }
}

/// A request the connection could not carry to its end: the parser failed in its body, or the
/// connection closed (or was closed for being too slow) before its end.
struct HTTPEdgeError: Error, CustomStringConvertible {
    var problem: ServiceError
    var description: String { "\(problem.code): \(problem.detail)" }

    /// The problem for a parser error, with a stable code.
    static func problem(_ error: HTTPParserError) -> ServiceError {
        let (code, detail): (String, String)
        switch error {
        case .headerOverflow:
            (code, detail) = ("http.headers-too-large", "the request head is too large")
        case .invalidChunkSize:
            (code, detail) = ("http.malformed-chunk", "a chunk of the chunked body has a malformed size")
        case .unexpectedContentLength, .invalidContentLength:
            (code, detail) = ("http.ambiguous-length", "the request's length is ambiguous or malformed (Content-Length with Transfer-Encoding, or a bad Content-Length)")
        case .invalidMethod:
            (code, detail) = ("http.invalid-method", "the request method is not a valid token")
        case .invalidURL:
            (code, detail) = ("http.invalid-target", "the request target is not a valid path")
        case .invalidVersion:
            (code, detail) = ("http.invalid-version", "the request line must end in HTTP/1.0 or HTTP/1.1 and CRLF")
        case .invalidEOFState, .closedConnection:
            (code, detail) = ("http.incomplete", "the connection ended before the request did")
        default:
            (code, detail) = ("http.malformed-request", "the request is not well-formed HTTP/1.1: lines end in CRLF, header names are tokens, "
                              + "and a request has Content-Length or Transfer-Encoding: chunked, never both")
        }
        return ServiceError.badRequest(code, detail)
    }
}

/// Sits between the HTTP/1 decoder and the conversion to HTTP types:
/// - a parser error between requests is answered with a problem+json 400 carrying a stable code,
///   then the connection closes; within a request it reaches the handler reading the body (which
///   answers the same way) — never a 500, never an empty 400;
/// - a request that is not keep-alive (HTTP/1.0 without `Connection: keep-alive`, or
///   `Connection: close`) gets `Connection: close`, and the connection closes once its response
///   has been written out; so does a request answered before its body arrived (a refusal): the rest
///   of an unwanted body is not read;
/// - `Expect: 100-continue` (HTTP/1.1) is answered with an interim `100 Continue` as soon as no
///   earlier response is pending (RFC 9110 §10.1.1); clients such as curl and libcurl, under
///   Foundation's URLSession, otherwise wait a second before each upload's body;
/// - a request body that trickles in slower than `minimumBodyRate` while the service waits for it,
///   or a connection that closes mid-request, fails the request's body, so an upload in progress
///   is discarded with its temporary file; a client that reads nothing of a response for
///   `idleTimeout` is disconnected.
final class HTTPEdgeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let limits: ConnectionLimits
    private let profile: PolicyProfile
    private let logger: Logger

    /// A request whose response is not complete.
    private struct Pending {
        var keepAlive: Bool
        var awaitsContinue: Bool
        var closeAfterResponse = false
    }
    /// Oldest first: the first is the one being answered.
    private var pending: [Pending] = []
    /// The newest request's body is still arriving.
    private var requestOpen = false
    private var failed = false
    private var closing = false

    // The body-rate window.
    private var window: Scheduled<Void>?
    private var bytesInWindow = 0
    private var waitedInWindow: Int64 = 0
    private var waitingSince: NIODeadline?
    private var readOutstanding = false
    // A client that does not read its response.
    private var stall: Scheduled<Void>?

    init(limits: ConnectionLimits, profile: PolicyProfile, logger: Logger) {
        self.limits = limits
        self.profile = profile
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if failed { return }
        stopWaiting()
        switch unwrapInboundIn(data) {
        case .head(var head):
            requestOpen = true
            let expects = head.headers[canonicalForm: "expect"].contains { $0.lowercased() == "100-continue" }
            head.headers.remove(name: "expect")
            pending.append(Pending(keepAlive: head.isKeepAlive, awaitsContinue: expects && head.version == .http1_1))
            if pending.count == 1 { sendContinueIfAwaited(context) }
            // Only a request with a body has one to judge (a GET's head is followed by its end).
            if head.headers.contains(name: "content-length") || head.headers.contains(name: "transfer-encoding") { startWindow(context) }
            context.fireChannelRead(wrapInboundOut(.head(head)))
            return
        case .body(let buffer):
            bytesInWindow += buffer.readableBytes
        case .end:
            requestOpen = false
            stopWindow()
        }
        context.fireChannelRead(data)
    }

    /// The service asks for more bytes: from now until they come, the client is the one waited for.
    func read(context: ChannelHandlerContext) {
        readOutstanding = true
        if requestOpen, waitingSince == nil { waitingSince = .now() }
        context.read()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where head.status.code >= 200 && !pending.isEmpty:
            // Answered before its body arrived: close afterwards rather than read the rest.
            let answeredEarly = requestOpen && pending.count == 1
            if !pending[0].keepAlive || failed || answeredEarly { pending[0].closeAfterResponse = true }
            pending[0].awaitsContinue = false
            if pending[0].closeAfterResponse { head.headers.replaceOrAdd(name: "connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end where !pending.isEmpty:
            let answered = pending.removeFirst()
            if answered.closeAfterResponse || failed {
                writeThenClose(context, data, promise: promise)
            } else {
                context.write(data, promise: promise)
                sendContinueIfAwaited(context)
            }
        default:
            context.write(data, promise: promise)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            stall?.cancel()
            stall = nil
        } else if stall == nil {
            stall = context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: limits.idleTimeout) { [self] in
                self.stall = nil
                guard !context.channel.isWritable else { return }
                self.logger.notice("closing a connection whose client has read nothing of its response for \(self.limits.idleTimeout)")
                context.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        guard let parserError = error as? HTTPParserError else {
            context.fireErrorCaught(error)
            return
        }
        if failed { return }
        failed = true
        stopWindow()
        let problem = HTTPEdgeError.problem(parserError)
        if !requestOpen && pending.isEmpty {
            // Between requests: nobody else will answer. Answer and close.
            respond(context, problem)
        } else {
            // Within a request: the handler reading its body answers; the connection closes after.
            context.fireErrorCaught(HTTPEdgeError(problem: problem))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stopWindow()
        stall?.cancel()
        stall = nil
        if requestOpen && !failed {
            failed = true
            context.fireErrorCaught(HTTPEdgeError(problem: ServiceError.badRequest("http.incomplete", "the connection ended before the request did")))
        }
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stopWindow()
        stall?.cancel()
    }

    /// Writes the last part, and closes once it (and so everything before it) has gone out: a
    /// close right after the write would drop what the socket had not yet taken.
    private func writeThenClose(_ context: ChannelHandlerContext, _ data: NIOAny, promise: EventLoopPromise<Void>?) {
        closing = true
        let written = context.eventLoop.makePromise(of: Void.self)
        written.futureResult.assumeIsolatedUnsafeUnchecked().whenComplete { _ in context.close(promise: nil) }
        if let promise { written.futureResult.cascade(to: promise) }
        context.writeAndFlush(data, promise: written)
    }

    private func sendContinueIfAwaited(_ context: ChannelHandlerContext) {
        guard let first = pending.first, first.awaitsContinue, !closing else { return }
        pending[0].awaitsContinue = false
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .continue))), promise: nil)
    }

    private func respond(_ context: ChannelHandlerContext, _ problem: ServiceError) {
        let body = problem.problemJSON
        var headers = HTTPHeaders([("content-type", "application/problem+json"), ("content-length", String(body.count)), ("connection", "close"),
                                   ("ebid-profile", profile.rawValue)])
        if let notice = profile.notice { headers.add(name: "ebid-notice", value: notice) }
        let head = HTTPResponseHead(version: .http1_1, status: .init(statusCode: problem.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
        writeThenClose(context, wrapOutboundOut(.end(nil)), promise: nil)
    }

    // MARK: The body-rate window

    private func stopWaiting() {
        readOutstanding = false
        accountWaiting()
    }

    private func accountWaiting() {
        if let since = waitingSince {
            waitedInWindow += (NIODeadline.now() - since).nanoseconds
            waitingSince = nil
        }
    }

    private func startWindow(_ context: ChannelHandlerContext) {
        stopWindow()
        bytesInWindow = 0
        waitedInWindow = 0
        let loop = context.eventLoop
        window = loop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: limits.readTimeout) { [self] in
            self.judgeWindow(context)
        }
    }

    private func stopWindow() {
        window?.cancel()
        window = nil
    }

    private func judgeWindow(_ context: ChannelHandlerContext) {
        window = nil
        guard requestOpen, !failed else { return }
        accountWaiting()
        let waited = Double(waitedInWindow) / 1e9
        // Judged only on the time spent waiting for the client: a service busy with the bytes it
        // has (back-pressure) is not the client's fault.
        if waited >= Double(limits.readTimeout.nanoseconds) / 2e9, Double(bytesInWindow) < Double(limits.minimumBodyRate) * waited {
            logger.notice("closing a connection whose request body arrives at \(Int(Double(bytesInWindow) / waited)) bytes/s (at least \(limits.minimumBodyRate) needed)")
            failed = true
            // The handler reading the body fails (and answers 408, closing the connection after);
            // should it not answer within a second, the connection is closed anyway.
            context.fireErrorCaught(HTTPEdgeError(problem: ServiceError(status: 408, code: "http.too-slow", title: "Request Timeout",
                                                                        detail: "the request body arrived slower than \(limits.minimumBodyRate) bytes per second")))
            context.eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: .seconds(1)) { context.close(promise: nil) }
            return
        }
        startWindow(context)
        if readOutstanding { waitingSince = .now() }
    }
}
