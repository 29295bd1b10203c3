import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// Developer tools, not for production data directories (hidden from `ebid --help`).
struct Dev: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Developer tools: data and in-process timings for benchmarks.",
        shouldDisplay: false,
        subcommands: [Populate.self, PopulateTenders.self, QueryCost.self, BenchEvaluation.self, OpenAPI.self]
    )

    struct OpenAPI: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openapi",
            abstract: "Write the API's OpenAPI 3.1 document (docs/openapi.json), generated from the route table of a demo-profile service.",
            discussion: "OpenAPITests fails when docs/openapi.json differs from what this writes: run `swift run ebid dev openapi --out docs/openapi.json`."
        )

        @Option(help: "Where to write it (default: standard output).") var out: String?
        @Option(help: "The demo PKI directory.") var keys: String = "keys"

        func run() async throws {
            try await reportingErrors {
                let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("ebid-openapi-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: scratch) }
                var configuration = ServiceConfiguration()
                configuration.dataDirectory = scratch
                configuration.profile = .demo
                configuration.keysDirectory = keys
                configuration.platformCertificate = "\(keys)/gm/platform.crt.pem"
                configuration.platformKey = "\(keys)/gm/platform.key.pem"
                configuration.applyDemoDefaults()
                let data = try OpenAPIDocument.generate(configuration)
                if let out {
                    try data.write(to: URL(fileURLWithPath: out))
                    printError("wrote \(out)")
                } else {
                    FileHandle.standardOutput.write(data)
                }
            }
        }
    }

    struct Populate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill a NEW data directory with credit records and ledger events for the query benchmark.",
            discussion: """
            Records go through the register's own import (validated, term-checked, signed, each with its
            ledger event), in batches of 1,000; then synthetic events of --tenders tenders (creation,
            publication, bids, the opening) and logins fill the ledger up to --events, every event
            hash-chained, with a signed checkpoint every 10,000. Writes the subjects' codes and the
            tender ids to --out-dir for the load tool. Refuses a directory that holds a database.
            """
        )

        @Option(help: "The data directory to create.")
        var data: String

        @Option(help: "The demo PKI directory (platform key, trust).")
        var keys: String = "keys"

        @Option(help: "Credit records.")
        var records: Int = 100_000

        @Option(help: "Ledger events in all (the records' own included).")
        var events: Int = 1_000_000

        @Option(help: "Distinct subjects (organisations) the records are about.")
        var subjects: Int = 20_000

        @Option(help: "Tenders the synthetic events belong to.")
        var tenders: Int = 2_000

        @Option(name: .customLong("out-dir"), help: "Where to write subjects.txt and tenders.txt.")
        var outDir: String

        func run() async throws {
            try await reportingErrors {
                guard !FileManager.default.fileExists(atPath: "\(data)/ebid.sqlite") else { throw CLIError("\(data) holds a database already: populate a new directory") }
                guard records >= 0, events >= records, subjects >= 1, tenders >= 1 else { throw CLIError("need events >= records, subjects >= 1, tenders >= 1") }
                let (store, environment) = try Dev.open(data: data, keys: keys)
                let platform = environment.platform
                let register = CreditRegister(environment)
                let supervision = Supervision(environment)
                let actor = Actor(certificateFingerprint: platform.certificate.fingerprint, party: "supervisor-01", role: "supervisor", address: "bench")
                let started = Date()

                let codes = try (0..<subjects).map { try UnifiedSocialCreditCode.make(division: "350100", organizationBody: String(format: "BQ%06d", $0)).value }
                var generator = SplitMix(seed: 20_261_121)
                let now = Date()
                var batch: [CreditRecordInput] = []
                for index in 0..<records {
                    batch.append(Self.record(index, subject: codes[index % subjects], now: now, random: &generator))
                    if batch.count == 1000 || index == records - 1 {
                        _ = try await register.importRecords(batch, by: actor)
                        batch.removeAll(keepingCapacity: true)
                        if (index + 1) % 10_000 == 0 { _ = try await supervision.checkpoint() }
                    }
                }
                printError("\(records) credit records in \(Int(Date().timeIntervalSince(started))) s")

                let tenderIds = (1...tenders).map { String(format: "T-BENCH-%05d", $0) }
                var written = try store.readNow { try $0.ledgerHead()?.seq ?? 0 }
                let remaining = events - Int(written)
                var produced = 0
                while produced < remaining {
                    let count = min(10_000, remaining - produced)
                    let base = produced
                    try store.writeNow { tx in
                        let time = Date()
                        for offset in 0..<count {
                            let index = base + offset
                            let entry = Self.event(index, tenders: tenderIds, subjects: codes, fingerprint: platform.certificate.fingerprint)
                            try tx.appendLedger(entry, at: time)
                        }
                    }
                    produced += count
                    _ = try await supervision.checkpoint()
                }
                written = try store.readNow { try $0.ledgerHead()?.seq ?? 0 }
                printError("\(written) ledger events in \(Int(Date().timeIntervalSince(started))) s")
                try FileManager.default.createDirectory(atPath: outDir, withIntermediateDirectories: true)
                try Data((codes.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(outDir)/subjects.txt"))
                try Data((tenderIds.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: "\(outDir)/tenders.txt"))
                print("populated \(data): \(records) credit records about \(subjects) subjects, \(written) ledger events over \(tenders) tenders")
            }
        }

        /// A decision within the law's bounds for its category, decided in the last five years.
        static func record(_ index: Int, subject: String, now: Date, random: inout SplitMix) -> CreditRecordInput {
            let calendar = CreditEffect.calendar
            let decided = calendar.date(byAdding: .day, value: -Int(random.next() % 1800), to: now)!
            let categories: [(CreditCategory, CreditRecordInput.Penalty)] = [
                (.collusion, .init(kind: .debarment, start: decided, end: calendar.date(byAdding: .year, value: 1 + Int(random.next() % 2), to: decided))),
                (.fraud, .init(kind: .debarment, start: decided, end: calendar.date(byAdding: .year, value: 1 + Int(random.next() % 3), to: decided))),
                (.failureToPerform, .init(kind: .debarment, start: decided, end: calendar.date(byAdding: .year, value: 2 + Int(random.next() % 4), to: decided))),
                (.decryptionFailure, .init(kind: .warning)),
                (.other, .init(kind: .fine, fineAmount: "\(10_000 + Int(random.next() % 90_000)).00")),
            ]
            let (category, penalty) = categories[index % categories.count]
            return CreditRecordInput(id: String(format: "CR-BENCH-%07d", index), subject: .init(kind: .organization, code: subject, name: "基准测试企业\(subject.suffix(6))"),
                                     category: category, facts: "基准测试数据 \(index)", legalBasis: "《中华人民共和国招标投标法》",
                                     decisionNumber: "测罚〔2026〕第\(index)号", authority: "基准测试监督部门", decisionDate: decided, penalty: penalty)
        }

        /// Synthetic process events: each tender's life, and logins.
        static func event(_ index: Int, tenders: [String], subjects: [String], fingerprint: String) -> LedgerEntry {
            let tender = tenders[index % tenders.count]
            let step = index / tenders.count
            let actions = ["tender.create", "tender.document", "tender.publish", "bid.submit", "bid.submit", "bid.replace", "bid.submit", "opening.start",
                           "opening.decrypt", "opening.decrypt", "opening.complete", "auth.login"]
            let action = actions[step % actions.count]
            let party = action.hasPrefix("bid.") || action == "opening.decrypt" ? "bench-bidder-\(index % 997)" : "agency-01"
            let actor = Actor(certificateFingerprint: fingerprint, party: party, role: action.hasPrefix("tender.") ? "agency" : "bidder", address: "10.0.\(index % 250).\(index % 199)")
            if action == "auth.login" {
                return LedgerEntry(actor: actor, action: action, object: "party/\(party)", payload: Array("login \(index)".utf8))
            }
            return LedgerEntry(actor: actor, action: action, object: "\(action.hasPrefix("bid.") ? "bid" : "tender")/\(tender)-\(index)", tenderId: tender,
                               payload: Array("\(action) \(index) \(subjects[index % subjects.count])".utf8))
        }
    }
}

extension Dev {
    /// The CPU cost of each query on its own, without HTTP: what a request costs beyond the
    /// framework's, split into its parts (the hop to a reader, the SQL, the JSON).
    struct QueryCost: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "query-cost",
            abstract: "Time the queries of the benchmark in-process, one at a time, on a populated data directory."
        )

        @Option(help: "A data directory `ebid dev populate` filled.")
        var data: String

        @Option(name: .customLong("lists"), help: "The directory holding subjects.txt and tenders.txt.")
        var lists: String

        @Option(help: "The demo PKI directory (platform key).")
        var keys: String = "keys"

        @Option(help: "Runs of each subject measurement (a tenth of it for the events).")
        var iterations: Int = 20_000

        @Option(help: "Only these measurements: hop, subject-sql, subject-render, subject, events-sql, events.")
        var only: [String] = []

        func run() async throws {
            try await reportingErrors {
                let (store, environment) = try Dev.open(data: data, keys: keys)
                let register = CreditRegister(environment)
                let supervision = Supervision(environment)
                let subjects = try String(contentsOfFile: "\(lists)/subjects.txt", encoding: .utf8).split(separator: "\n").map(String.init)
                let tenders = try String(contentsOfFile: "\(lists)/tenders.txt", encoding: .utf8).split(separator: "\n").map(String.init)
                let source = try store.readNow { try $0.creditSubjectPageSource(subject: subjects[1]) }
                // Each measurement: its name (for --only), what it times, the runs it makes, one run.
                let measurements: [(String, String, Int, @Sendable (Int) async throws -> Void)] = [
                    ("hop", "the hop to a reader and back (empty body)", iterations, { _ in _ = try await store.read { _ in 0 } }),
                    ("subject-sql", "a subject's page source (SQL, this thread)", iterations, { i in
                        _ = try store.readNow { try $0.creditSubjectPageSource(subject: subjects[i % subjects.count]) } }),
                    ("subject-render", "a subject page written from its source", iterations, { _ in
                        _ = try SubjectPageSource.render(subject: subjects[1], source: source, at: Date()) }),
                    ("subject", "a subject page, whole", iterations, { i in _ = try await register.subjectPageJSON(subjects[i % subjects.count]) }),
                    ("events-sql", "a tender's events (100): SQL only, this thread", iterations / 10, { i in
                        try store.readNow { tx in try tx.forEachLedgerRow(LedgerQuery(tender: tenders[i % tenders.count], limit: 101)) { _ in } } }),
                    ("events", "a tender's events (100), whole", iterations / 10, { i in
                        _ = try await supervision.eventsJSON(LedgerQuery(tender: tenders[i % tenders.count], limit: 100)) }),
                ]
                for round in 1...2 {
                    print("round \(round)")
                    for (name, description, runs, body) in measurements where only.isEmpty || only.contains(name) {
                        let cpuStarted = Self.processCPU()
                        let started = ContinuousClock.now
                        for i in 0..<runs { try await body(i) }
                        let elapsed = ContinuousClock.now - started
                        let micros = Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12
                        let cpu = Self.processCPU() - cpuStarted
                        print("  \(description.padding(toLength: 48, withPad: " ", startingAt: 0))"
                              + String(format: "%8.1f µs elapsed, %8.1f µs CPU", micros / Double(runs), cpu / Double(runs)))
                    }
                }
            }
        }

        /// CPU time of the whole process (all threads), in microseconds.
        static func processCPU() -> Double {
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
        }
    }
}

extension Dev {
    /// The store of a benchmark data directory, with the demo PKI's platform key (demo profile).
    static func open(data: String, keys: String) throws -> (any ServiceStore, ServiceEnvironment) {
        let store = try ServiceConfiguration.openStore(url: nil, dataDirectory: data)
        let platform = try PlatformSigner(certificate: try Certificate(file: "\(keys)/gm/platform.crt.pem"), key: try PrivateKey(pemFile: "\(keys)/gm/platform.key.pem"))
        let trust = try TrustStore(anchorFiles: ["\(keys)/gm/ca.crt.pem"])
        return (store, ServiceEnvironment(store: store, trust: trust, platform: platform, clock: SystemClock(), profile: .demo))
    }
}

/// A small deterministic generator (SplitMix64), so populated data is the same every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
