import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation
import Logging
import ServiceLifecycle

/// The service part of `ebid demo`: the service runs embedded (a real HTTP server on a free
/// local port, demo profile), and every step goes through its HTTP API as the CLI's would.
struct ServiceDemo {
    let root: String
    let work: String
    /// A running `ebid serve --profile demo --seed …` and its data directory, instead of the embedded service.
    var external: (server: String, data: String, store: String?)?
    /// Stop after each stage of the tender's life: print `EBID-STAGE <stage> <tender>` and wait for a line on stdin.
    var pauses = false
    let narrator = Narrator()
    let tenderId = "FZGC-2026-0001"

    /// A stage of the tender's life reached (published, bids-in, opened, evaluating, publicity,
    /// awarded): with --pause-stages, a page checker looks at the portal before the demo goes on.
    func stage(_ name: String) {
        guard pauses else { return }
        print("EBID-STAGE \(name) \(tenderId)")
        fflush(nil)  // every stream: the marker is on a line of its own, now
        _ = readLine()
    }

    func run() async throws -> Int {
        narrator.title("ebid demo — the service: publication, sealed uploads, receipts, refusals, the opening, sealed evaluation, the award, the ledger")
        let keys = "\(root)/keys"
        if let external {
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            var configuration = ServiceConfiguration()
            configuration.dataDirectory = external.data
            configuration.storeURL = external.store
            configuration.profile = .demo
            configuration.platformCertificate = "\(keys)/gm/platform.crt.pem"
            return try await walkThrough(server: external.server, configuration: configuration)
        }
        var configuration = ServiceConfiguration()
        configuration.dataDirectory = "\(work)/data"
        configuration.port = 0
        configuration.profile = .demo
        configuration.seedDirectory = "\(root)/seeds"
        configuration.keysDirectory = keys
        configuration.platformCertificate = "\(keys)/gm/platform.crt.pem"
        configuration.platformKey = "\(keys)/gm/platform.key.pem"
        configuration.checkpointInterval = 2
        configuration.applyDemoDefaults()
        let listening = AsyncStream<Int>.makeStream()
        configuration.onListening = { _, port in listening.continuation.yield(port) }
        var logger = Logger(label: "ebid.demo")
        logger.logLevel = .warning
        let app = try await buildApplication(configuration, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let service = Task { try await group.run() }
        // Stop the service gracefully however the walk-through ends.
        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await service.value
        }
        var ports = listening.stream.makeAsyncIterator()
        guard let port = await ports.next() else {
            await stop()
            throw CLIError("the embedded service did not start")
        }
        do {
            let failures = try await walkThrough(server: "http://127.0.0.1:\(port)", configuration: configuration)
            await stop()
            return failures
        } catch {
            await stop()
            throw error
        }
    }

    private func walkThrough(server: String, configuration: ServiceConfiguration) async throws -> Int {
        let keys = "\(root)/keys"
        narrator.say("The service runs \(external == nil ? "embedded " : "")on \(server) (demo profile: a statutory day lasts one second), data in \(configuration.dataDirectory); the demo parties and credit records are seeded.")
        var failures = 0

        // 1. The key ceremony, then publication.
        let agency = try await client(server, "agency-01", suite: "gm")
        let officials = ["official-01", "official-02", "official-03"]
        narrator.step("The key ceremony (开标密钥, distributed key generation). The agency names the tender's three opening officials; each, on its own machine, deals a random polynomial — its commitments and one share encrypted to each official, signed — then checks the shares it received and confirms. The opening key is the sum of secrets nobody ever puts together: no machine, the service included, ever holds it. Any two officials will be able to decrypt at the opening, never one.")
        for suite in Suite.allCases {
            struct Start: Encodable { var suite: Suite; var section: String; var threshold: Int; var officials: [String] }
            let _: CeremonyView = try await agency.send("POST", "/v1/tenders/\(tenderId)/ceremonies", json: Start(suite: suite, section: "1", threshold: 2, officials: officials))
            let folder = DemoPKI.directoryName(suite)
            for official in officials {
                let (certificate, key) = try loadIdentity(certificate: "\(keys)/\(folder)/\(official).crt.pem", key: "\(keys)/\(folder)/\(official).key.pem")
                _ = try await CeremonyWork.deal(try await client(server, official, suite: folder), tender: tenderId, suite: suite, certificate: certificate,
                                                key: key, trust: try TrustStore(anchorFiles: ["\(keys)/\(folder)/ca.crt.pem"]))
            }
            var last: CeremonyView?
            for official in officials {
                let (certificate, key) = try loadIdentity(certificate: "\(keys)/\(folder)/\(official).crt.pem", key: "\(keys)/\(folder)/\(official).key.pem")
                switch try await CeremonyWork.check(try await client(server, official, suite: folder), tender: tenderId, suite: suite, certificate: certificate,
                                                    key: key, trust: try TrustStore(anchorFiles: ["\(keys)/\(folder)/ca.crt.pem"])) {
                case .confirmed(let view, _, _): last = view
                case .complained(_, let dealer, let reason): throw CLIError("the \(suite.rawValue) ceremony failed: official \(dealer): \(reason)")
                }
            }
            failures += narrator.expect(last?.status == .complete, "\(suite.rawValue) ceremony complete: key \(last?.keyId?.prefix(16) ?? "?")…, signed by every official and the platform")
        }
        var spec = try decodeJSON(TenderSpec.self, from: "\(root)/seeds/tenders/demo-tender.json", what: "demo tender")
        // Pausing for page checks needs longer before the deadline.
        let bidding: TimeInterval = pauses ? 300 : 30
        spec.bidDeadline = Date().addingTimeInterval(bidding)
        narrator.step("福建中正招标代理有限公司 (the agency) publishes tender \(tenderId) with its documents; its opening keys are the ceremonies' (GM and NIST), bound to this tender and no other. The service checks the statutory periods (shortened in the demo profile) and records every step in its ledger.")
        struct Create: Encodable { var spec: TenderSpec }
        let _: TenderView = try await agency.send("POST", "/v1/tenders", json: Create(spec: spec))
        let document = "\(work)/招标文件.txt"
        try Data("福州市鼓楼区东街口片区道路提升改造工程施工招标文件（演示）\n".utf8).write(to: URL(fileURLWithPath: document))
        struct Created: Decodable { var name: String }
        let _: Created = try await agency.upload("PUT", "/v1/tenders/\(tenderId)/documents/\(EBidClient.pathComponent("招标文件.txt"))", file: document, contentType: "text/plain")
        // The bill of quantities with the control unit prices (bid cleaning checks the priced bills against it).
        let _: Created = try await agency.upload("PUT", "/v1/tenders/\(tenderId)/documents/bill-of-quantities.csv", file: "\(root)/seeds/tenders/bill-of-quantities.csv",
                                                 contentType: "text/csv")
        let published: TenderView = try await agency.send("POST", "/v1/tenders/\(tenderId)/publish")
        let openingKeys: [OpeningKeyFile] = try await EBidClient(server: server).get("/v1/tenders/\(tenderId)/opening-keys")
        narrator.result("published; bid deadline \(displayTime(published.deadline)); anyone can read it and download the documents without logging in, and nobody can learn who did")
        stage("published")

        // 2. Bidders seal and upload.
        narrator.step("Five bidders seal their bids on their own machines, each with the tender's opening key, and upload them. Each gets a receipt (确认回执) signed by the platform, with its submission time and ledger position.")
        var receipts: [String: BidDesk.ReceiptResult] = [:]
        for (bidder, suite) in Self.bidders {
            let package = try seal(bidder, suite: suite, openingKey: openingKeys.first { $0.suite == suite }!)
            let result: BidDesk.ReceiptResult = try await client(server, bidder, suite: DemoPKI.directoryName(suite))
                .upload("PUT", "/v1/tenders/\(tenderId)/bid", file: package, contentType: "application/vnd.ebid.sealed-bid")
            receipts[bidder] = result
            narrator.result("\(result.receipt.bidder.name): received \(displayTime(result.receipt.receivedAt)), \(suite.rawValue), ledger event #\(result.receipt.ledger.seq)")
        }

        narrator.step("福州榕城路桥集团有限公司 corrects its bid before the deadline and uploads a new one: the newest bid counts, the old one is kept as replaced.")
        let replaced: BidDesk.ReceiptResult = try await client(server, "bidder-02", suite: "gm")
            .upload("PUT", "/v1/tenders/\(tenderId)/bid", file: try seal("bidder-02", suite: .gm, openingKey: openingKeys.first { $0.suite == .gm }!), contentType: "application/vnd.ebid.sealed-bid")
        failures += narrator.expect(replaced.receipt.kind == .bidReplaced && replaced.receipt.replaces?.id == receipts["bidder-02"]?.receipt.bid.id,
                                    "the receipt says it replaces the first bid")

        // 3. Refusals.
        narrator.step("龙岩闽西交通建设有限公司, debarred from bidding by a supervisor's decision in the credit register, tries to upload.")
        failures += await narrator.refusedByService("the service refuses it and names the decision", expecting: "bid.debarred") {
            let _: BidDesk.ReceiptResult = try await client(server, "bidder-07", suite: "gm")
                .upload("PUT", "/v1/tenders/\(tenderId)/bid", file: try seal("bidder-07", suite: .gm, openingKey: openingKeys.first { $0.suite == .gm }!), contentType: "application/vnd.ebid.sealed-bid")
        }
        failures += try await creditQueries(server: server)
        stage("bids-in")
        let late = try seal("bidder-04", suite: .gm, openingKey: openingKeys.first { $0.suite == .gm }!)
        let lateClient = try await client(server, "bidder-04", suite: "gm")
        narrator.step("The bid deadline passes (the demo clock moves forward). 泉州刺桐建筑工程有限公司 sealed its bid in time but uploads it only now.")
        let admin = try await client(server, "admin-01", suite: "gm")
        struct Advance: Encodable { var seconds: Double }
        struct Now: Decodable { var now: Date }
        let _: Now = try await admin.send("POST", "/v1/demo/clock", json: Advance(seconds: bidding + 30))
        failures += await narrator.refusedByService("the late bid is refused (Law art. 28)", expecting: "bid.deadline-passed") {
            let _: BidDesk.ReceiptResult = try await lateClient.upload("PUT", "/v1/tenders/\(tenderId)/bid", file: late, contentType: "application/vnd.ebid.sealed-bid")
        }

        // 4. Receipts offline.
        narrator.step("A bidder checks its receipt offline with the platform certificate (the docs show the same with openssl alone).")
        let platform = try Certificate(file: configuration.platformCertificate)
        let signed = try receipts["bidder-01"]!.signed.signed.map { try $0.verify(with: platform) } ?? false
        failures += narrator.expect(signed, "the receipt's signature verifies with \(platform.subject.commonName ?? "the platform certificate")")

        // 5. The opening.
        failures += try await opening(server: server, platform: platform, receipts: receipts)

        failures += try await leads(server: server)

        // 6. The sealed evaluation, the report, publicity and the award.
        failures += try await evaluation(server: server, platform: platform)

        // 7. The ledger.
        narrator.step("A supervisor audits the ledger: every event's hash and link, every signed checkpoint, every receipt's ledger position, and each tender's bid events against the checkpoint that sealed them at the deadline.")
        let report = try LedgerAudit.run(try configuration.openStore(), platformCertificates: [platform])
        failures += narrator.expect(report.isIntact && report.sealedTenders == 1,
                                    "the ledger is intact: \(report.events) events, \(report.receipts) receipts, \(report.checkpoints) checkpoints; \(report.sealedTenders) tender sealed at its deadline")
        return failures
    }

    /// The demo bidders and the suites they seal with. 漳州九龙江 (05) and 莆田木兰溪 (06) name the
    /// same project manager and hand in the same technical proposal: a collusion signal.
    static let bidders: [(String, Suite)] = [("bidder-01", .gm), ("bidder-02", .gm), ("bidder-03", .nist), ("bidder-05", .gm), ("bidder-06", .gm)]

    func client(_ server: String, _ party: String, suite: String) async throws -> EBidClient {
        let client = try EBidClient(server: server)
        let (certificate, key) = try loadIdentity(certificate: "\(root)/keys/\(suite)/\(party).crt.pem", key: "\(root)/keys/\(suite)/\(party).key.pem")
        try await client.login(certificate: certificate, key: key)
        return client
    }

    private func seal(_ bidder: String, suite: Suite, openingKey: OpeningKeyFile) throws -> String {
        let folder = DemoPKI.directoryName(suite)
        let (certificate, key) = try loadIdentity(certificate: "\(root)/keys/\(folder)/\(bidder).crt.pem", key: "\(root)/keys/\(folder)/\(bidder).key.pem")
        var parts = BidPartKind.allCases.compactMap { kind -> BidSealer.PartInput? in
            let path = "\(root)/seeds/bids/parts/\(bidder)/\(kind.rawValue).txt"
            return FileManager.default.fileExists(atPath: path) ? BidSealer.PartInput(kind: kind, path: path) : nil
        }
        // The priced bill of quantities, a commercial part (docs/evaluation.md, "Bills of quantities").
        let bill = "\(root)/seeds/bids/parts/\(bidder)/bill-of-quantities.csv"
        if FileManager.default.fileExists(atPath: bill) { parts.append(BidSealer.PartInput(kind: .commercial, path: bill)) }
        let request = BidSealer.Request(tenderId: tenderId, section: "1", suite: suite, signerCertificate: certificate, signerKey: key,
                                        openingKey: try openingKey.openingPublicKey,
                                        summary: try decodeJSON(BidSummary.self, from: "\(root)/seeds/bids/\(bidder).summary.json", what: "bid summary"),
                                        parts: parts, machineFingerprint: MachineFingerprint.current(environment: ["EBID_MACHINE_ID": "demo-\(bidder)"]))
        let path = "\(work)/\(bidder)-\(UUID().uuidString.prefix(6)).ebid"
        _ = try BidSealer.seal(request, toFile: path)
        return path
    }
}

extension Narrator {
    /// Runs `body`, which the service must refuse with `code`; prints the refusal.
    func refusedByService(_ what: String, expecting code: String, _ body: () async throws -> Void) async -> Int {
        do {
            try await body()
            print("   ✗ \(what): it was NOT refused")
            return 1
        } catch let problem as ServiceProblem where problem.code == code {
            print("   ✓ \(what): \(problem.detail) [\(problem.code)]")
            return 0
        } catch {
            print("   ✗ \(what): refused for another reason: \(error)")
            return 1
        }
    }
}
