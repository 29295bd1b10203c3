import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Audit {
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
