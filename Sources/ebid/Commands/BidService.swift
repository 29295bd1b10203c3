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
                let receipt = try JSONDecoder.ebid.decode(Receipt.self, from: Data(signed.document))
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
    static let configuration = CommandConfiguration(abstract: "Check the ledger (过程全监督).", subcommands: [Verify.self, Events.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the ledger's hash chain, checkpoints and receipts from a data directory.",
            discussion: "Exits 0 when everything is intact; otherwise exits 1 and names the first bad event."
        )

        @Option(help: "The service's data directory.")
        var data: String

        @Option(name: .customLong("platform-cert"), help: "Trusted platform certificate(s) for checkpoints and receipts (default: those recorded in the data directory).")
        var platformCerts: [String] = []

        func run() async throws {
            try await reportingErrors {
                guard FileManager.default.fileExists(atPath: "\(data)/ebid.sqlite") else { throw CLIError("\(data) holds no ebid database") }
                let store = try SQLiteStore(dataDirectory: data)
                var certificates = try platformCerts.map { try Certificate(file: $0) }
                if certificates.isEmpty {
                    certificates = try store.database.readNow { try $0.meta(prefix: "platform-certificate:") }.compactMap { try? Certificate(pem: $0.value) }
                    printError("note: checking signatures with the platform certificate(s) recorded in \(data); give --platform-cert to check against one you hold")
                }
                let report = try LedgerAudit.run(store, platformCertificates: certificates)
                printTable([
                    ("events", "\(report.events)"),
                    ("head", report.head.map { "#\($0.seq) \($0.hash)" } ?? "empty"),
                    ("checkpoints", "\(report.checkpoints)"),
                    ("receipts", "\(report.receipts)"),
                    ("bids", "\(report.bids)"),
                    ("credit records", "\(report.creditRecords)"),
                    ("sealed at deadline", "\(report.sealedTenders) tender(s) checked against their deadline checkpoint"),
                ], indent: "  ")
                guard let first = report.firstProblem else {
                    print("the ledger is intact")
                    return
                }
                for problem in report.problems.prefix(20) { printError("  \(problem)") }
                throw CLIError("the ledger is NOT intact: first bad event: \(first)")
            }
        }
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Administration.", subcommands: [Clock.self])

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
