import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Audit {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the ledger's hash chain, checkpoints, receipts and bids from a data directory or a PostgreSQL store.",
            discussion: """
            Checks every event's hash and link, every checkpoint and receipt against the platform
            certificate you give (--platform-cert; an unknown signer is a failure), every bid row against
            its ledger event, its signed receipt and its stored package, every credit record, and each
            tender's bids against the checkpoint that sealed them at its deadline. With --receipts DIR
            (receipts kept by bidders: FILE.json + FILE.json.sig) and --checkpoints FILE (checkpoints
            archived with `ebid audit checkpoints`) it also proves that they are still in the ledger: a
            history cut short and re-signed with the platform key is caught by them.
            A PostgreSQL store is audited with --store postgres://… and --data naming its blob volume.
            Exits 0 when everything is intact; otherwise exits 1 and names the first problem.
            """
        )

        @Option(help: "The service's data directory (with --store: the blob volume).")
        var data: String

        @Option(help: "A PostgreSQL store (postgres://user@host:port/database) instead of the data directory's SQLite database.")
        var store: String?

        @Option(name: .customLong("platform-cert"), help: "Trusted platform certificate(s) for checkpoints, receipts and records (give the one you hold).")
        var platformCerts: [String] = []

        @Option(help: "A directory of receipts kept outside the platform (FILE.json with FILE.json.sig, as --receipt-out writes them).")
        var receipts: String?

        @Option(help: "Checkpoints archived outside the platform (a JSON file written by `ebid audit checkpoints`).")
        var checkpoints: String?

        @Flag(name: .customLong("hash-blobs"), help: "Hash every stored package again (reads every blob).")
        var hashBlobs = false

        @Option(name: .customLong("trust"), help: "CA root(s) you hold: evaluation members' certificates must chain to them (else the registry's word is taken).")
        var trustFiles: [String] = []

        func run() async throws {
            try await reportingErrors {
                if self.store == nil, !FileManager.default.fileExists(atPath: "\(data)/ebid.sqlite") { throw CLIError("\(data) holds no ebid database") }
                guard FileManager.default.fileExists(atPath: "\(data)/blobs") else { throw CLIError("\(data) holds no blob store (\(data)/blobs)") }
                let store = try ServiceConfiguration.openStore(url: self.store, dataDirectory: data)
                var certificates = try platformCerts.map { try Certificate(file: $0) }
                let independent = !certificates.isEmpty
                if !independent {
                    certificates = try store.readNow { try $0.meta(prefix: "platform-certificate:") }.compactMap { try? Certificate(pem: $0.value) }
                    printError("""
                        WARNING: no --platform-cert given: signatures are checked against the certificates recorded IN \(self.store.map { _ in "the store" } ?? data).
                                 Whoever can write that directory can make this audit pass. Give the platform certificate you hold.
                        """)
                }
                let evidence = LedgerAudit.Evidence(receipts: try receipts.map { try Self.loadReceipts($0, certificates: certificates) } ?? [],
                                                    checkpoints: try checkpoints.map { try decodeJSON([Supervision.PublicCheckpoint].self, from: $0, what: "checkpoint archive") } ?? [],
                                                    hashBlobs: hashBlobs, memberTrust: trustFiles.isEmpty ? nil : try TrustStore(anchorFiles: trustFiles))
                let report = try LedgerAudit.run(store, platformCertificates: certificates, evidence: evidence)
                var rows: [(String, String)] = [
                    ("events", "\(report.events)"),
                    ("head", report.head.map { "#\($0.seq) \($0.hash)" } ?? "empty"),
                    ("checkpoints", "\(report.checkpoints)"),
                    ("receipts", "\(report.receipts)"),
                    ("bids", "\(report.bids)\(hashBlobs ? " (packages hashed again)" : "")"),
                    ("credit records", "\(report.creditRecords)"),
                    ("sealed at deadline", "\(report.sealedTenders) tender(s) checked against their deadline checkpoint"),
                ]
                if receipts != nil { rows.append(("kept receipts", "\(report.externalReceipts) checked against the ledger")) }
                if checkpoints != nil { rows.append(("archived checkpoints", "\(report.archivedCheckpoints) checked against the ledger")) }
                printTable(rows, indent: "  ")
                guard let first = report.firstProblem else {
                    print(independent ? "the ledger is intact" : "the ledger is intact — but only as far as the certificates recorded in the data directory can tell")
                    return
                }
                for problem in report.problems.prefix(20) { printError("  \(problem)") }
                throw CLIError("the ledger is NOT intact: first problem: \(first)")
            }
        }

        /// FILE.json + FILE.json.sig pairs; the signing certificate is the one each receipt names.
        static func loadReceipts(_ directory: String, certificates: [Certificate]) throws -> [SignedDocument] {
            let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".json") }.sorted()
            return try names.compactMap { name -> SignedDocument? in
                let path = "\(directory)/\(name)"
                guard let signature = FileManager.default.contents(atPath: path + ".sig") else { return nil }
                let document = try readFile(path, what: "receipt")
                struct Named: Decodable { var platformCertificateFingerprint: String }
                guard let named = try? JSONDecoder.ebid.decodeStrict(Named.self, from: document) else { throw CLIError("\(path) is not a receipt") }
                let key = try certificates.first { $0.fingerprint == named.platformCertificateFingerprint }?.publicKey
                return SignedDocument(document: [UInt8](document), signature: [UInt8](signature), scheme: .preferred(for: key?.type ?? .sm2),
                                      certificateFingerprint: named.platformCertificateFingerprint)
            }
        }
    }
}
