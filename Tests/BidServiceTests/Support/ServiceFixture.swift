@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStorePostgres
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import TestSupport

/// A service on a temporary data directory with the demo parties seeded, the demo PKI trusted,
/// and a clock the test moves. Requests go through the real router (HummingbirdTesting).
final class ServiceFixture: @unchecked Sendable {
    let directory = TemporaryDirectory()
    /// The embedded store by default; PostgreSQL (a fresh database on the test cluster, blobs in
    /// `directory`) when the suite runs with `EBID_TEST_STORE=postgres`.
    let store: any ServiceStore
    let clock: AdjustableClock
    let environment: ServiceEnvironment
    let routes: RouteTable
    let profile: PolicyProfile
    private var tokens: [String: (token: String, expiresAt: Date)] = [:]
    private let lock = NSLock()

    static let keys = "\(ProjectPaths.root)/keys"
    static let seeds = "\(ProjectPaths.root)/seeds"

    /// - Parameter dealerKeys: accept keys made by `ebid opening keygen` (as `serve --allow-dealer-keys`).
    /// - Parameter embedded: SQLite whatever the suite runs on (tests of the embedded store's own
    ///   migrations and files).
    init(profile: PolicyProfile = .statutory, extraCRLs: [CertificateRevocationList] = [], now: Date = Date(), dealerKeys: Bool = false,
         embedded: Bool = false) async throws {
        self.profile = profile
        store = embedded ? try SQLiteStore(dataDirectory: directory.path) : try Self.makeStore(directory: directory.path)
        clock = AdjustableClock(base: { now })
        let trust = try TrustStore(anchors: [try Certificate(file: "\(Self.keys)/gm/ca.crt.pem"), try Certificate(file: "\(Self.keys)/nist/ca.crt.pem")],
                                   crls: [try CertificateRevocationList(file: "\(Self.keys)/gm/crl.pem"), try CertificateRevocationList(file: "\(Self.keys)/nist/crl.pem")] + extraCRLs)
        let platform = try PlatformSigner(certificate: try Certificate(file: "\(Self.keys)/gm/platform.crt.pem"),
                                          key: try PrivateKey(pemFile: "\(Self.keys)/gm/platform.key.pem"))
        var environment = ServiceEnvironment(store: store, trust: trust, platform: platform, clock: clock, profile: profile)
        if dealerKeys { environment.acceptsDealerKeys = true }
        self.environment = environment
        // As `ebid serve` does at its first start: the directory keeps this profile.
        let platformActor = environment.platformActor
        try await store.write { [clock] tx in
            try DirectoryProfile.establish(tx, configured: profile, actor: platformActor, at: clock.now())
        }
        _ = try await Seeder.seed(directory: Self.seeds, keysDirectory: Self.keys, environment: environment)
        routes = buildRouter(environment, clock: profile == .demo ? clock : nil)
    }

    /// The store the suite runs on (`EBID_TEST_STORE`: sqlite, the default, or postgres).
    static func makeStore(directory: String) throws -> any ServiceStore {
        switch PostgresCluster.storeUnderTest {
        case "postgres":
            return try PostgresStore(location: try PostgresLocation(url: try PostgresCluster.shared.freshDatabase() + "?pool=2"), blobDirectory: directory)
        default:
            return try SQLiteStore(dataDirectory: directory)
        }
    }

    /// What an insider with a copy of the database reads: the SQLite file and its WAL, or a
    /// `pg_dump` of the PostgreSQL database (which is also left in the data directory as
    /// `pg_dump.sql`, so that tests searching the directory's files search it too).
    func databaseBytes() throws -> [UInt8] {
        if let postgres = store as? PostgresStore {
            let result = try runCommand(["pg_dump", "--no-owner", postgres.location.url])
            guard result.status == 0 else { throw StoreError("pg_dump failed: \(result.stderr)") }
            _ = FileManager.default.createFile(atPath: directory.file("pg_dump.sql"), contents: result.stdout)
            return [UInt8](result.stdout)
        }
        return (try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file("ebid.sqlite")))))
            + ((try? [UInt8](Data(contentsOf: URL(fileURLWithPath: directory.file("ebid.sqlite-wal"))))) ?? [])
    }

    /// The router as an application; its request log at warning (the suite sends thousands of
    /// requests, and a line each would only slow it: ObservabilityCLITests checks the log).
    var app: some ApplicationProtocol {
        var logger = Logger(label: "ebid-test")
        logger.logLevel = .warning
        return Application(router: routes.router, logger: logger)
    }

    /// The audit of this directory, at the fixture's time, against `certificates` (default: the platform's).
    func audit(_ certificates: [Certificate]? = nil, evidence: LedgerAudit.Evidence = .init()) throws -> LedgerAudit.Report {
        var evidence = evidence
        evidence.now = clock.now()
        return try LedgerAudit.run(store, platformCertificates: certificates ?? [environment.platform.certificate], evidence: evidence)
    }

    static func certificate(_ party: String, suite: String = "gm") throws -> Certificate { try Certificate(file: "\(keys)/\(suite)/\(party).crt.pem") }
    static func key(_ party: String, suite: String = "gm") throws -> PrivateKey { try PrivateKey(pemFile: "\(keys)/\(suite)/\(party).key.pem") }

    /// Logs `party` in through the identity desk and returns a bearer token (cached until it expires).
    func token(_ party: String, suite: String = "gm") async throws -> String {
        let now = clock.now()
        if let cached = lock.withLock({ tokens[party + suite] }), cached.expiresAt > now { return cached.token }
        let desk = IdentityDesk(environment)
        let challenge = try await desk.challenge(certificatePEM: try Self.certificate(party, suite: suite).pem)
        let signature = try Self.key(party, suite: suite).sign(Array(challenge.message.utf8))
        let session = try await desk.login(challengeId: challenge.challengeId, signature: signature, address: "test")
        lock.withLock { tokens[party + suite] = (session.token, session.expiresAt) }
        return session.token
    }

    func identity(_ party: String) async throws -> Identity {
        try await IdentityDesk(environment).authenticate(token: try await token(party))
    }

    // MARK: Tenders

    func spec(id: String = "T-TEST-001", deadlineIn days: Double = 25, suites: [Suite] = [.gm], policy: DecryptionPolicy = .bidderThenCommittee,
              maxBidBytes: Int64? = nil) throws -> TenderSpec {
        var spec = try JSONDecoder.ebid.decode(TenderSpec.self, from: Data(contentsOf: URL(fileURLWithPath: "\(Self.seeds)/tenders/demo-tender.json")))
        spec.id = id
        spec.bidDeadline = clock.now().addingTimeInterval(days * profile.day)
        spec.acceptedSuites = suites
        spec.decryptionPolicy = policy
        spec.maxBidBytes = maxBidBytes
        return spec
    }

    /// Opening keys made on one machine (`ebid opening keygen`), shares held by the three demo officials.
    func dealerKeys(_ suites: [Suite], threshold: Int = 2, tender: String? = nil) throws -> [OpeningKeyFile] {
        try suites.map { suite in
            let folder = suite == .gm ? "gm" : "nist"
            return try OpeningKeyDealer.generate(suite: suite, officials: try (1...3).map { try Self.certificate("official-0\($0)", suite: folder) },
                                                 threshold: threshold, tenderId: tender)
        }
    }

    static let officials = ["official-01", "official-02", "official-03"]

    /// Runs the key ceremony for a tender through the desk, each official doing on "its machine"
    /// what `ebid opening ceremony deal` and `check` do. Returns the signed transcript.
    @discardableResult
    func ceremony(tender id: String, section: String = "1", suite: Suite = .gm, threshold: Int = 2, officials: [String] = ServiceFixture.officials,
                  host: String = "agency-01") async throws -> OpeningKeyFile {
        let desk = KeyCeremonyDesk(environment)
        let folder = suite == .gm ? "gm" : "nist"
        var view = try await desk.start(tender: id, .init(suite: suite, section: section, threshold: threshold, officials: officials),
                                        by: try await identity(host), role: .agency, address: "test")
        for (offset, official) in officials.enumerated() {
            let dealing = try KeyCeremony.deal(view.parameters, as: offset + 1, key: try Self.key(official, suite: folder))
            view = try await desk.deal(tender: id, suite: suite, dealing, by: try await identity(official), address: "test")
        }
        for (offset, official) in officials.enumerated() {
            let dealings = try await desk.dealings(tender: id, suite: suite, by: try await identity(official))
            guard case .confirmed(let signature, _, _, _) = try KeyCeremony.check(view.parameters, dealings: dealings, as: offset + 1,
                                                                                   key: try Self.key(official, suite: folder)) else {
                throw CLIFailure("official \(offset + 1) found a bad share")
            }
            view = try await desk.confirm(tender: id, suite: suite, signature: signature, by: try await identity(official), address: "test")
        }
        return try await desk.transcript(tender: id, suite: suite, for: try await identity(host))
    }

    /// Creates, documents and publishes a tender as agency-01 with the key ceremony's keys (or the
    /// given ones); returns its spec and opening keys.
    @discardableResult
    func publishTender(_ spec: TenderSpec? = nil, threshold: Int = 2, keys given: [OpeningKeyFile]? = nil,
                       documents: [(name: String, bytes: [UInt8])] = []) async throws -> (TenderSpec, [OpeningKeyFile]) {
        let spec = try spec ?? self.spec()
        var keys = given ?? []
        if given == nil {
            for suite in spec.acceptedSuites { keys.append(try await ceremony(tender: spec.id, section: spec.section, suite: suite, threshold: threshold)) }
        }
        let identity = try await identity("agency-01")
        let desk = TenderDesk(environment)
        _ = try await desk.createDraft(spec, openingKeys: given ?? [], by: identity, role: .agency, address: "test")
        _ = try await desk.addDocument(tender: spec.id, name: "招标文件.txt", contentType: "text/plain", body: ByteBufferSequence([Array("招标文件正文".utf8)]),
                                       by: identity, role: .agency, address: "test")
        for document in documents {
            _ = try await desk.addDocument(tender: spec.id, name: document.name, contentType: "text/csv", body: ByteBufferSequence([document.bytes]),
                                           by: identity, role: .agency, address: "test")
        }
        _ = try await desk.publish(spec.id, by: identity, role: .agency, address: "test")
        return (spec, keys)
    }

    // MARK: Bids

    /// Seals a bid from the seeds for `bidder` with the tender's opening key.
    func seal(bidder: String, tender: TenderSpec, openingKey: OpeningKeyFile, signer: (Certificate, PrivateKey)? = nil, suite: Suite = .gm,
              overrides: BidSealer.Overrides = .init(), extraParts: [BidSealer.PartInput] = []) throws -> [UInt8] {
        let folder = suite == .gm ? "gm" : "nist"
        let (certificate, key) = try signer ?? (Self.certificate(bidder, suite: folder), Self.key(bidder, suite: folder))
        let parts = "\(Self.seeds)/bids/parts/\(bidder)"
        var request = BidSealer.Request(
            tenderId: tender.id, section: tender.section, suite: suite, signerCertificate: certificate, signerKey: key,
            openingKey: try openingKey.openingPublicKey,
            summary: try JSONDecoder.ebid.decode(BidSummary.self, from: Data(contentsOf: URL(fileURLWithPath: "\(Self.seeds)/bids/\(bidder).summary.json"))),
            parts: [BidSealer.PartInput(kind: .technical, path: "\(parts)/technical.txt"), BidSealer.PartInput(kind: .commercial, path: "\(parts)/commercial.txt")]
                + extraParts,
            machineFingerprint: "test-\(bidder)")
        request.chunkSize = 4096
        let output = TemporaryDirectory()
        let file = try FileOutput(path: output.file("bid.ebid"))
        _ = try BidSealer.seal(request, to: file, contentKey: SecureRandom.bytes(32), packageId: SecureRandom.bytes(16), overrides: overrides)
        try file.close()
        return output.read("bid.ebid")
    }

    /// Uploads through the desk (streamed in pieces of `pieceSize`).
    func submit(_ bytes: [UInt8], tender: String, as bidder: String, contentType: String = "application/vnd.ebid.sealed-bid",
                pieceSize: Int = 10_000, onPiece: (@Sendable (Int) -> Void)? = nil) async throws -> BidDesk.ReceiptResult {
        let pieces = stride(from: 0, to: bytes.count, by: pieceSize).map { Array(bytes[$0..<min($0 + pieceSize, bytes.count)]) }
        return try await BidDesk(environment).submit(tender: tender, by: try await identity(bidder), contentType: contentType,
                                                     contentLength: Int64(bytes.count), body: ByteBufferSequence(pieces, onPiece: onPiece), address: "test")
    }

    /// Files in the blob store (bids and documents) and in its temporary area.
    func blobCount() -> Int {
        (FileManager.default.enumerator(atPath: "\(directory.path)/blobs")?.allObjects as? [String] ?? []).filter { $0.contains("-") }.count
    }

    func temporaryCount() -> Int { ((try? FileManager.default.contentsOfDirectory(atPath: "\(directory.path)/tmp")) ?? []).count }
}

/// A request body made of given pieces (with a hook called before each piece is handed out).
struct ByteBufferSequence: AsyncSequence, Sendable {
    typealias Element = ByteBuffer
    let pieces: [[UInt8]]
    let onPiece: (@Sendable (Int) -> Void)?

    init(_ pieces: [[UInt8]], onPiece: (@Sendable (Int) -> Void)? = nil) {
        self.pieces = pieces
        self.onPiece = onPiece
    }

    struct AsyncIterator: AsyncIteratorProtocol {
        var index = 0
        let pieces: [[UInt8]]
        let onPiece: (@Sendable (Int) -> Void)?
        mutating func next() async throws -> ByteBuffer? {
            guard index < pieces.count else { return nil }
            onPiece?(index)
            defer { index += 1 }
            return ByteBuffer(bytes: pieces[index])
        }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pieces: pieces, onPiece: onPiece) }
}

/// Expects `body` to throw a ServiceError with `code`; returns it.
@discardableResult
func expectServiceError(_ code: String, status: Int? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void) async -> ServiceError? {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as ServiceError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        if let status { #expect(error.status == status, "got \(error)", sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

/// A set-up step that did not go as a test expects.
struct CLIFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension StoreTransaction {
    /// Runs a statement as an insider with a database shell would, bypassing the desks (the
    /// audit tests' tampering); both backends' transactions are `SQLTransaction`s.
    @discardableResult
    func rawSQL(_ statement: String, _ values: [SQLValue] = []) throws -> Int {
        guard let transaction = self as? SQLTransaction else { throw StoreError("not an SQL transaction") }
        return try transaction.connection.run(statement, values)
    }
}

extension ServiceStore {
    /// Statements (separated by semicolons) in a write transaction of their own.
    func executeNow(_ statements: String) throws {
        try writeNow { tx in
            for statement in statements.split(separator: ";") where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                try tx.rawSQL(String(statement))
            }
        }
    }

    var isPostgres: Bool { self is PostgresStore }
    /// The embedded store (for tests made with `ServiceFixture(embedded: true)`).
    var sqlite: SQLiteStore { self as! SQLiteStore }
}

extension StoreTransaction {
    /// A query as an insider with a database shell would run it.
    func rawQuery<T>(_ statement: String, _ values: [SQLValue] = [], _ map: (any SQLRow) throws -> T) throws -> [T] {
        guard let transaction = self as? SQLTransaction else { throw StoreError("not an SQL transaction") }
        return try transaction.connection.query(statement, values, map)
    }
}
