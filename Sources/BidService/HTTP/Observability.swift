import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird
import Logging
import Metrics
import NIOConcurrencyHelpers
import Prometheus

/// Who made a request, as the route table found after the login check: the request log names the
/// party, except a bidder's (below).
public final class RequestAnnotations: Sendable {
    private let state = NIOLockedValueBox<(party: String?, role: String?)>((nil, nil))

    public init() {}

    var party: String? { state.withLockedValue { $0.party } }
    var role: String? { state.withLockedValue { $0.role } }

    /// A bidder is never named in the log: a line saying which company called the bid routes
    /// would tell whoever reads the logs who bid before the opening (Law art. 22). Its role is kept.
    func record(_ caller: Caller) {
        guard let identity = caller.identity else { return }
        let actsAsBidder = caller.role == .bidder || (caller.role == nil && identity.party.roles.contains(.bidder))
        state.withLockedValue { $0 = (actsAsBidder ? nil : identity.party.id, caller.role?.rawValue ?? (actsAsBidder ? PartyRole.bidder.rawValue : nil)) }
    }
}

/// One structured log line per request — request id (Hummingbird's `hb.request.id`), route
/// pattern, method, status, duration, party — and the request metrics. Never the path itself (a
/// tender id, a one-time link's code), a query, a header, a token or a body. Outermost, so it sees
/// the problem+json answer ProblemMiddleware made of an error.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            log(request, context: context, status: 500, elapsed: start.duration(to: .now))
            throw error
        }
        log(request, context: context, status: Int(response.status.code), elapsed: start.duration(to: .now))
        return response
    }

    private func log(_ request: Request, context: Context, status: Int, elapsed: Duration) {
        // The pattern the router matched (`/v1/tenders/:id/bids`); nothing of a path that matched none.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        ServiceMetrics.request(route: route, method: request.method.rawValue, status: status, elapsed: elapsed)
        var metadata: Logger.Metadata = [
            "route": .string(route),
            "method": .string(request.method.rawValue),
            "status": .stringConvertible(status),
            "duration_ms": .string(String(format: "%.3f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000)),
        ]
        if let party = context.annotations.party { metadata["party"] = .string(party) }
        if let role = context.annotations.role { metadata["role"] = .string(role) }
        context.logger.log(level: status >= 500 ? .error : .info, "request", metadata: metadata)
    }
}

/// The service's metrics, through swift-metrics; `ebid serve --metrics-port` writes them in
/// Prometheus's text format on a listener of their own (docs/operations.md, "Logs and metrics").
/// Labels are route patterns, methods, statuses and states only: never a tender, a party or a bid.
public enum ServiceMetrics {
    private static let registryBox = NIOLockedValueBox<PrometheusCollectorRegistry?>(nil)

    /// Bootstraps swift-metrics with a Prometheus registry, once per process; later calls return it.
    public static func bootstrap() -> PrometheusCollectorRegistry {
        registryBox.withLockedValue { registry in
            if let registry { return registry }
            let made = PrometheusCollectorRegistry()
            MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: made))
            DeskMetrics.enabled = true
            registry = made
            return made
        }
    }

    static var registry: PrometheusCollectorRegistry? { registryBox.withLockedValue { $0 } }

    static func request(route: String, method: String, status: Int, elapsed: Duration) {
        guard registry != nil else { return }
        Counter(label: "ebid_http_requests_total", dimensions: [("route", route), ("method", method), ("status", String(status))]).increment()
        Timer(label: "ebid_http_request_duration_seconds", dimensions: [("route", route), ("method", method)]).recordNanoseconds(
            Int64(elapsed.components.seconds) * 1_000_000_000 + Int64(elapsed.components.attoseconds / 1_000_000_000))
    }

    private static func gauge(_ registry: PrometheusCollectorRegistry, _ name: String, _ help: String, labels: [(String, String)] = []) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: MetricNameDescriptor(metricName: name, unitName: "", helpText: help), labels: labels)
    }

    /// What the store holds, read when the metrics are scraped: the ledger's size, the age of its
    /// last signed checkpoint, openings by status, parties by status, pages answered at the edge.
    static func refresh(_ environment: ServiceEnvironment, pages: PageCache?, registry: PrometheusCollectorRegistry) async throws {
        let now = environment.clock.now()
        let (head, checkpoint, openings, parties) = try await environment.store.read { tx in
            (try tx.ledgerHead(), try tx.lastCheckpoint(), try tx.openingCounts(), try tx.partyCounts())
        }
        gauge(registry, "ebid_ledger_events", "Events in the ledger (its head's sequence number)").set(Double(head?.seq ?? 0))
        gauge(registry, "ebid_ledger_checkpoint_age_seconds", "Seconds since the last signed checkpoint (-1: none yet)")
            .set(Double(checkpoint.map { now.timeIntervalSince($0.at) } ?? -1))
        for status in ["decrypting", "completed", "failed"] where openings[status] == nil {
            gauge(registry, "ebid_openings", "Openings by status", labels: [("status", status)]).set(Double(0))
        }
        for (status, count) in openings {
            gauge(registry, "ebid_openings", "Openings by status", labels: [("status", status)]).set(Double(count))
        }
        for status in PartyStatus.allCases {
            gauge(registry, "ebid_parties", "Registered parties by status", labels: [("status", status.rawValue)]).set(Double(parties[status.rawValue, default: 0]))
        }
        if let pages {
            gauge(registry, "ebid_portal_edge_answers", "Portal pages answered at the connection's edge since start").set(Double(pages.readyAnswers))
        }
    }
}

/// `GET /metrics` on its own listener (`serve --metrics-host/--metrics-port`, loopback by default):
/// aggregate figures for the centre's monitoring, kept off the public port.
func metricsApplication(host: String, port: Int, environment: ServiceEnvironment, pages: PageCache?, logger: Logger,
                        onListening: @escaping @Sendable (String, Int) -> Void) -> some ApplicationProtocol {
    let registry = ServiceMetrics.bootstrap()
    let router = Router()
    router.get("/metrics") { _, _ in
        try await ServiceMetrics.refresh(environment, pages: pages, registry: registry)
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
    }
    var metricsLogger = logger
    metricsLogger[metadataKey: "listener"] = "metrics"
    return Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
                       onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? 0) }, logger: metricsLogger)
}

/// JSON lines on standard error (`serve --log-format json`): one object per line with `time`,
/// `level`, `label`, `message` and the metadata, for a log shipper.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String
    private static let lock = NIOLock()

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { object[key] = "\(value)" }
        object["time"] = ISO8601DateFormatter.fractional.string(from: Date())
        object["level"] = event.level.rawValue
        object["label"] = label
        object["message"] = event.message.description
        if let error = event.error { object["error"] = "\(error)" }
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else { return }
        data.append(0x0A)
        Self.lock.withLock { FileHandle.standardError.write(data) }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
