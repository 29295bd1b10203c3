import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Admin {
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move an embedded centre (a data directory) to PostgreSQL, and prove the copy with the audit.",
            discussion: """
            Stop the service first. Every row of the data directory's database is copied, in one
            PostgreSQL transaction, into an empty PostgreSQL database (its schema is made on the way).
            Then both are audited with the platform certificate you give, and their ledger heads,
            checkpoints and row counts compared: the command exits 0 only when they are the same.
            The blobs stay where they are: serve the centre with
            `ebid serve --store URL --data DIR`, DIR being the data directory (or a copy of its blobs/
            on the volume every instance mounts).
            """
        )

        @Option(help: "The embedded centre's data directory.")
        var from: String

        @Option(help: "The empty PostgreSQL database to move it to (postgres://user@host:port/database).")
        var to: String

        @Option(name: .customLong("platform-cert"), help: "The platform certificate(s) to audit both with (give the one you hold).")
        var platformCerts: [String] = []

        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                guard FileManager.default.fileExists(atPath: "\(from)/ebid.sqlite") else { throw CLIError("\(from) holds no ebid database") }
                let source = try ServiceConfiguration.openStore(url: nil, dataDirectory: from)
                var certificates = try platformCerts.map { try Certificate(file: $0) }
                if certificates.isEmpty {
                    certificates = try source.readNow { try $0.meta(prefix: "platform-certificate:") }.compactMap { try? Certificate(pem: $0.value) }
                    printError("warning: no --platform-cert given: the audits check signatures against the certificates recorded in \(from)")
                }
                let report = try StoreCopy.copy(from: source, to: try ServiceConfiguration.openStore(url: to, dataDirectory: from), platformCertificates: certificates)
                if output.json {
                    let document: JSONValue = .object([
                        "proved": .bool(report.isProved),
                        "head": report.copy.head.map { .string("#\($0.seq) \($0.hash)") } ?? .null,
                        "events": .string(String(report.copy.events)),
                        "checkpoints": .string(String(report.copy.checkpoints)),
                        "rows": .object(Dictionary(uniqueKeysWithValues: report.rows.map { ($0.table, JSONValue.string(String($0.rows))) })),
                        "mismatches": .array(report.mismatches.map { .string($0) }),
                    ])
                    print(String(decoding: try JSONEncoder.ebid.encode(document), as: UTF8.self))
                } else {
                    print("copied \(report.rows.reduce(0) { $0 + $1.rows }) rows of \(report.rows.count) tables from \(from) to \(report.target)")
                    print("ledger head     \(report.copy.head.map { "#\($0.seq) \($0.hash)" } ?? "empty") (the data directory's: \(report.source.head.map { "#\($0.seq) \($0.hash)" } ?? "empty"))")
                    print("checkpoints     \(report.copy.checkpoints) (the data directory's: \(report.source.checkpoints))")
                    print("audit problems  \(report.copy.problems.count) (the data directory's: \(report.source.problems.count))")
                }
                guard report.isProved else {
                    for mismatch in report.mismatches { printError("mismatch: \(mismatch)") }
                    throw CLIError("the copy differs from the data directory: do not serve it")
                }
                if !output.json { print("proved: the same rows, the same chain, the same checkpoints. Serve it with: ebid serve --store \(report.target) --data \(from)") }
            }
        }
    }
}
