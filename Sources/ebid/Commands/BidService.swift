import ArgumentParser
import BidCore
import BidService
import Foundation

extension Bid {
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Upload a sealed bid; prints the platform's signed receipt (确认回执).",
            discussion: """
            The tender is the one the package was sealed for. A bid uploaded again before the deadline
            replaces the previous one. With --receipt-out FILE the receipt is written as FILE (the signed
            JSON) and FILE.sig (the signature), checkable offline with `ebid receipt verify` or openssl.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(name: .customLong("in"), help: "Sealed bid file (from `ebid bid seal`).")
        var input: String

        @Option(name: .customLong("receipt-out"), help: "Write the signed receipt here (and the signature to <file>.sig).")
        var receiptOut: String?

        func run() async throws {
            try await reportingErrors {
                let header = try SealedBidHeader.peek(file: input)
                let api = try await client.login()
                let result: BidDesk.ReceiptResult = try await api.upload("PUT", "/v1/tenders/\(EBidClient.pathComponent(header.tenderId))/bid",
                                                                         file: input, contentType: "application/vnd.ebid.sealed-bid")
                try writeReceipt(result, to: receiptOut)
                print(result.receipt.kind == .bidReplaced ? "bid received; it replaces your previous bid" : "bid received")
                printReceipt(result.receipt)
            }
        }
    }

    struct Withdraw: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Withdraw your bid before the deadline; prints the signed receipt.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(name: .customLong("receipt-out"), help: "Write the signed receipt here (and the signature to <file>.sig).")
        var receiptOut: String?

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                let result: BidDesk.ReceiptResult = try await api.send("DELETE", "/v1/tenders/\(EBidClient.pathComponent(tender))/bid")
                try writeReceipt(result, to: receiptOut)
                print("bid withdrawn")
                printReceipt(result.receipt)
            }
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Your own bids and receipts for a tender.")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                let status: BidDesk.StatusView = try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/bid")
                print("tender \(status.tenderId), deadline \(displayTime(status.deadline))")
                if status.history.isEmpty { print("  no bid") }
                for bid in status.history {
                    print("  \(bid.status.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(displayTime(bid.receivedAt))  \(bid.packageDigest)  \(formatBytes(UInt64(bid.size)))  ledger #\(bid.ledgerSeq)")
                }
                print("  \(status.receipts.count) receipt(s)")
            }
        }
    }
}

func writeReceipt(_ result: BidDesk.ReceiptResult, to path: String?) throws {
    guard let path else { return }
    guard let signed = result.signed.signed else { throw CLIError("the receipt is not well-formed base64") }
    try writeSigned(signed, to: path, what: "receipt")
}

func printReceipt(_ receipt: Receipt) {
    var rows: [(String, String)] = [
        ("receipt", "\(receipt.receiptId) (\(receipt.kind.rawValue))"),
        ("tender", "\(receipt.tender.id) section \(receipt.tender.section), deadline \(displayTime(receipt.tender.deadline))"),
        ("bidder", "\(receipt.bidder.name) \(receipt.bidder.creditCode ?? "")"),
        ("package", "\(receipt.bid.packageDigest), \(formatBytes(UInt64(receipt.bid.size)))"),
        ("received at", displayTime(receipt.receivedAt)),
        ("ledger", "event #\(receipt.ledger.seq), hash \(receipt.ledger.eventHash.prefix(16))…"),
    ]
    if let replaced = receipt.replaces { rows.insert(("replaces", replaced.packageDigest), at: 4) }
    printTable(rows, indent: "  ")
}

struct ReceiptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receipt", abstract: "Check receipts offline.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a receipt's signature with the platform certificate, offline.",
            discussion: "FILE holds the signed JSON and FILE.sig the signature (as `bid submit --receipt-out` writes them)."
        )

        @OptionGroup var file: SignedFileOptions

        func run() async throws {
            try await reportingErrors {
                let (signed, certificate) = try file.load(what: "receipt")
                let receipt = try JSONDecoder.ebid.decodeStrict(Receipt.self, from: Data(signed.document))
                guard receipt.platformCertificateFingerprint == certificate.fingerprint else {
                    throw CLIError("the receipt names platform certificate \(receipt.platformCertificateFingerprint.prefix(16))…, not this one")
                }
                print("the receipt is authentic: signed by \(certificate.subject)")
                printReceipt(receipt)
            }
        }
    }
}

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the ledger (过程全监督).", subcommands: [Verify.self, Events.self, Checkpoints.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the ledger's hash chain, checkpoints, receipts and bids from a data directory.",
            discussion: """
            Checks every event's hash and link, every checkpoint and receipt against the platform
            certificate you give (--platform-cert; an unknown signer is a failure), every bid row against
            its ledger event, its signed receipt and its stored package, every credit record, and each
            tender's bids against the checkpoint that sealed them at its deadline. With --receipts DIR
            (receipts kept by bidders: FILE.json + FILE.json.sig) and --checkpoints FILE (checkpoints
            archived with `ebid audit checkpoints`) it also proves that they are still in the ledger: a
            history cut short and re-signed with the platform key is caught by them.
            Exits 0 when everything is intact; otherwise exits 1 and names the first problem.
            """
        )

        @Option(help: "The service's data directory.")
        var data: String

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
                guard FileManager.default.fileExists(atPath: "\(data)/ebid.sqlite") else { throw CLIError("\(data) holds no ebid database") }
                let store = try SQLiteStore(dataDirectory: data)
                var certificates = try platformCerts.map { try Certificate(file: $0) }
                let independent = !certificates.isEmpty
                if !independent {
                    certificates = try store.database.readNow { try $0.meta(prefix: "platform-certificate:") }.compactMap { try? Certificate(pem: $0.value) }
                    printError("""
                        WARNING: no --platform-cert given: signatures are checked against the certificates recorded IN \(data).
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

    struct Checkpoints: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive the service's signed checkpoints outside the platform (the monitoring office, 招投标监察室).",
            discussion: """
            Fetches the published checkpoints (no login: they reveal no count of events) and adds the new
            ones to FILE, after checking each signature with --platform-cert. Run it regularly from
            another machine; `ebid audit verify --checkpoints FILE` proves later that the ledger still
            holds every archived head.
            """
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(help: "The archive file (created if missing; new checkpoints are appended).")
        var out: String

        @Option(name: .customLong("platform-cert"), help: "The platform certificate you hold, to check each checkpoint with.")
        var platformCert: String

        func run() async throws {
            try await reportingErrors {
                let certificate = try Certificate(file: platformCert)
                var archive: [Supervision.PublicCheckpoint] = FileManager.default.fileExists(atPath: out)
                    ? try decodeJSON([Supervision.PublicCheckpoint].self, from: out, what: "checkpoint archive") : []
                let api = try EBidClient(server: server)
                var after = archive.map(\.number).max() ?? 0
                var added = 0
                while true {
                    let page: [Supervision.PublicCheckpoint] = try await api.get("/v1/ledger/checkpoints?after=\(after)")
                    guard !page.isEmpty else { break }
                    for checkpoint in page {
                        guard checkpoint.isSigned(by: certificate) else {
                            throw CLIError("checkpoint \(checkpoint.number) is not signed by \(certificate.subject): not archived")
                        }
                        archive.append(checkpoint)
                        added += 1
                    }
                    after = page.map(\.number).max() ?? after
                }
                try JSONEncoder.ebidPretty.encode(archive).write(to: URL(fileURLWithPath: out), options: .atomic)
                print("\(added) new checkpoint(s) archived in \(out) (\(archive.count) in all)")
            }
        }
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Administration.", subcommands: [Init.self, Clock.self, CRL.self, Backup.self, Restore.self])

    struct CRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "crl", abstract: "Certificate revocation lists in force.", subcommands: [Load.self])

        struct Load: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Put a CA's newer CRL in force now, without a restart (administrators).",
                discussion: """
                The CRL must be signed by one of the service's trust anchors and be newer than the one in
                force. Sessions opened with a certificate it revokes end at once; every later request with
                such a certificate is refused. (A CRL written to a file given to `serve --crl` is picked up
                by itself within 30 seconds.)
                """
            )

            @OptionGroup var client: ClientOptions

            @Option(help: "The CRL (PEM or DER).")
            var file: String

            func run() async throws {
                try await reportingErrors {
                    _ = try CertificateRevocationList(file: file)
                    let loaded: TrustDesk.Loaded = try await client.login().upload("POST", "/v1/admin/crl", file: file, contentType: "application/pkix-crl")
                    print("the CRL of \(loaded.crl.issuer) issued \(displayTime(loaded.crl.thisUpdate)) is in force: \(loaded.crl.revoked) certificate(s) revoked, \(loaded.sessionsEnded) session(s) ended")
                }
            }
        }
    }

    struct Clock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Demo profile only: move the service clock forward (e.g. past a deadline).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Seconds to move forward.")
        var advance: Double

        func run() async throws {
            try await reportingErrors {
                struct Advance: Encodable { var seconds: Double }
                struct Now: Decodable { var now: Date }
                let now: Now = try await client.login().send("POST", "/v1/demo/clock", json: Advance(seconds: advance))
                print("service clock: \(displayTime(now.now))")
            }
        }
    }
}
