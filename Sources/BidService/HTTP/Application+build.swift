import BidCore
import BidDesks
import BidDomain
import BidStorePostgres
import BidStoreSQLite
import Foundation
import Hummingbird
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Builds the service from its configuration: storage, trust, the platform key, the desks, the
/// router and the background services. `ebid serve` calls this, then `runService()`.
public func buildApplication(_ configuration: ServiceConfiguration, logger: Logger = Logger(label: "ebid")) async throws -> some ApplicationProtocol {
    let (environment, clock) = try makeEnvironment(configuration)
    if let seeds = configuration.seedDirectory {
        let result = try await Seeder.seed(directory: seeds, keysDirectory: configuration.keysDirectory, environment: environment)
        logger.info("seeded \(result.parties) parties, \(result.experts) experts and \(result.creditRecords) credit records from \(seeds)")
    }
    if let path = configuration.administratorCertificate {
        let certificate: Certificate
        do { certificate = try Certificate(file: path) } catch {
            throw ServiceError(status: 500, code: "config.admin-cert", title: "Configuration error", detail: "cannot read the administrator's certificate \(path)")
        }
        let (state, created) = try await PartyRegistry(environment).initialize(administrator: certificate, id: configuration.administratorId,
                                                                                name: configuration.administratorName)
        if created { logger.notice("registered the first administrator \(state.record.name) (\(state.record.id))") }
    } else if configuration.seedDirectory == nil,
              try await environment.store.read({ try $0.parties(role: .admin, status: .active) }).isEmpty {
        logger.warning("no administrator is registered: nobody can manage the registry (ebid admin init, or serve --admin-cert)")
    }
    let pages = PageCache.service(lifetime: configuration.pageCacheSeconds, profile: configuration.profile)
    let routes = buildRouter(environment, clock: clock, pageCache: pages)
    let serviceClock = environment.clock
    let onListening = configuration.onListening
    let host = configuration.host
    var app = Application(
        router: routes.router,
        server: .ebid(limits: configuration.connectionLimits, profile: configuration.profile, pages: pages, now: { serviceClock.now() }),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: EdgePageHandler.serverName),
        onServerRunning: { channel in onListening(host, channel.localAddress?.port ?? 0) },
        logger: logger
    )
    if let port = configuration.metricsPort {
        app.addServices(metricsApplication(host: configuration.metricsHost, port: port, environment: environment, pages: pages, logger: logger,
                                           onListening: configuration.onMetricsListening))
    }
    // First: stopped last, once nothing writes any more.
    if let sqlite = environment.store as? SQLiteStore { app.addServices(StoreCloseService(store: sqlite, logger: logger)) }
    if let postgres = environment.store as? PostgresStore {
        app.addServices(PostgresLeadershipService(location: postgres.location, leadership: environment.leadership,
                                                  interval: configuration.profile == .demo ? 1 : 5, logger: logger))
    }
    app.addServices(SupervisionService(supervision: ESupervision(environment), interval: configuration.profile == .demo ? 1 : 30,
                                       leadership: environment.leadership, logger: logger),
                    CheckpointService(supervision: Supervision(environment), interval: configuration.checkpointInterval,
                                      leadership: environment.leadership, logger: logger),
                    OpeningService(environment: environment, interval: configuration.profile == .demo ? 1 : 10, logger: logger),
                    CRLService(environment: environment, files: configuration.crlFiles, interval: configuration.profile == .demo ? 1 : 30,
                               fetchInterval: configuration.crlFetchInterval > 0 ? configuration.crlFetchInterval : nil, logger: logger))
    return app
}

/// Storage, trust, platform key and clock from the configuration. Clears uploads that a crash
/// left half-written, and records the platform certificate so audits can find it.
public func makeEnvironment(_ configuration: ServiceConfiguration) throws -> (ServiceEnvironment, AdjustableClock?) {
    guard !configuration.trustFiles.isEmpty else {
        throw ServiceError(status: 500, code: "config.no-trust", title: "Configuration error", detail: "give at least one trust anchor (--trust)")
    }
    let configured = try TrustStore(anchorFiles: configuration.trustFiles, crlFiles: configuration.crlFiles,
                                    revocationPolicy: configuration.requireCRL ? .required : .whereAvailable)
    let platformCertificate = try Certificate(file: configuration.platformCertificate)
    // The demo PKI's private keys are public: outside the demo profile neither the platform key nor
    // a trust anchor may come from it.
    if configuration.profile != .demo, let demo = ([platformCertificate] + configured.anchors).first(where: DemoPKI.isDemo) {
        throw ServiceError(status: 500, code: "config.demo-pki", title: "Configuration error",
                           detail: "\(demo.subject) belongs to the demo PKI, whose private keys are public: outside --profile demo give the centre's own CA certificates (--trust) and platform key (--platform-cert, --platform-key)")
    }
    // …and the demo signs with the demo PKI only: a receipt, checkpoint or record signed under the
    // demo clock must never carry the centre's real signature.
    if configuration.profile == .demo, !DemoPKI.isDemo(platformCertificate) {
        throw ServiceError(status: 500, code: "config.demo-needs-demo-pki", title: "Configuration error",
                           detail: "the demo profile signs with the demo platform key only (keys/<suite>/platform.*): \(platformCertificate.subject) is not a demo certificate")
    }
    // As ssh does: a private key others can read is not used (the demo PKI's, public anyway, excepted).
    if let mode = FilePermissions.mode(configuration.platformKey), mode & 0o077 != 0,
       !(configuration.profile == .demo && DemoPKI.isDemo(platformCertificate)) {
        throw ServiceError(status: 500, code: "config.key-permissions", title: "Configuration error",
                           detail: "the platform key \(configuration.platformKey) can be read by others (mode \(String(mode, radix: 8))): make it readable by the service's user only (chmod 600)")
    }
    let platform = try PlatformSigner(certificate: platformCertificate, key: try PrivateKey(pemFile: configuration.platformKey))
    let store = try configuration.openStore()
    // Several instances share a PostgreSQL store's blob volume: only uploads that stopped long ago
    // are cleared, never another instance's in flight.
    store.blobs.clearTemporary(olderThan: store is SQLiteStore ? nil : 3600)
    // A newer CRL loaded while the service ran (TrustDesk) outlives the restart.
    let trust = TrustDesk.restore(configured, kept: try store.readNow { try $0.meta(prefix: TrustDesk.metaPrefix) }.map(\.value))
    // The demo clock (only in a demo directory) keeps its offset across restarts, so a restarted
    // demo continues where it stopped.
    let savedOffset = try store.readNow { try $0.meta(prefix: "demo-clock-offset").first.flatMap { Double($0.value) } } ?? 0
    let adjustable = configuration.profile == .demo ? AdjustableClock(offset: savedOffset) : nil
    let clock: any ServiceClock = adjustable ?? SystemClock()
    let started = clock.now()
    try store.writeNow { tx in
        // First of all: the directory's profile is the configured one (else nothing is written).
        try DirectoryProfile.establish(tx, configured: configuration.profile, actor: .platform(platform.certificate.fingerprint),
                                       at: started)
        try tx.setMeta("platform-certificate:\(platform.certificate.fingerprint)", platform.certificate.pem)
        // Decisions recorded before the credit chains existed (an older data directory) get theirs.
        for id in try tx.creditChainsMissing() {
            if let chain = CreditEffect.chain(try tx.creditRecords(chain: id)) { try CreditRegister.saveChain(chain, tx: tx) }
        }
    }
    var environment = ServiceEnvironment(store: store, trust: trust, platform: platform, clock: clock, profile: configuration.profile)
    // On PostgreSQL another instance may lead the background work: this one waits for the lock.
    if !(store is SQLiteStore) { environment.leadership = Leadership(leading: false) }
    environment.tokenLifetime = configuration.tokenLifetime
    environment.supervisionPolicy = configuration.supervisionPolicy
    environment.maxBidBytesCeiling = configuration.maxBidBytes
    environment.acceptsDealerKeys = environment.acceptsDealerKeys || configuration.allowDealerKeys
    environment.previousPlatformCertificates = try store.readNow { try $0.meta(prefix: "platform-certificate:") }
        .compactMap { try? Certificate(pem: $0.value) }.filter { $0 != platform.certificate }
    return (environment, adjustable)
}

/// The router with every controller's routes; the returned table lists them with their access.
func buildRouter(_ environment: ServiceEnvironment, clock: AdjustableClock?, pageCache: PageCache = PageCache(lifetime: 0)) -> RouteTable {
    let router = Router(context: AppRequestContext.self)
    let patterns = RoutePatterns()
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: ProblemMiddleware(profile: environment.profile, routes: patterns, faults: environment.faults))
    let identities = IdentityDesk(environment)
    let routes = RouteTable(router: router, identities: identities, patterns: patterns)
    SystemController(environment: environment, identities: identities, supervision: Supervision(environment), clock: clock).addRoutes(to: routes)
    AuthController(identities: identities).addRoutes(to: routes)
    PartyController(registry: PartyRegistry(environment)).addRoutes(to: routes)
    let tenderController = TenderController(tenders: TenderDesk(environment))
    tenderController.addRoutes(to: routes)
    tenderController.addObjectionRoutes(to: routes)
    BidController(bids: BidDesk(environment)).addRoutes(to: routes)
    OpeningController(room: OpeningRoom(environment)).addRoutes(to: routes)
    CeremonyController(ceremonies: KeyCeremonyDesk(environment)).addRoutes(to: routes)
    CreditController(register: CreditRegister(environment), supervision: Supervision(environment)).addRoutes(to: routes)
    EvaluationController(experts: ExpertRegistry(environment), room: EvaluationRoom(environment)).addRoutes(to: routes)
    // Made once every route is registered (pages and this one included), at the end below.
    let openAPI = NIOLockedValueBox<Data?>(nil)
    routes.add(.get, "/v1/openapi.json", .anyone, "This API as an OpenAPI 3.1 document, generated from the route table") { _, _, _ in
        guard let data = openAPI.withLockedValue({ $0 }) else { throw ServiceError(status: 503, code: "openapi.not-ready", title: "Not ready", detail: "the service is starting") }
        return Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
    let renderer = PageRenderer(profile: environment.profile)
    let esupervision = ESupervision(environment)
    PortalController(portal: PortalDesk(environment), credit: CreditRegister(environment), efficiency: { try await esupervision.efficiency().summary },
                     renderer: renderer, cache: pageCache, clock: environment.clock).addRoutes(to: routes)
    SupervisionController(supervision: esupervision, identities: identities, renderer: renderer, clock: environment.clock).addRoutes(to: routes)
    OpenDataController(openData: OpenData(environment)).addRoutes(to: routes)
    let document = try? OpenAPIDocument.encoded(routes.specs, profile: environment.profile)
    openAPI.withLockedValue { $0 = document }
    return routes
}
