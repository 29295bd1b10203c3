import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Credit {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import records from a JSON file (records whose id exists are skipped, so it can be re-run) — supervisors.",
            discussion: """
            The file: {"format": "ebid-credit-records", "version": 1, "records": [...]} — seeds/credit-records.json
            is one. Records go in batches of --batch, each all or none; if one fails, the batches before
            it stay imported and the error names the record: fix it and run the import again.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "The records file.")
        var file: String

        @Option(help: "Records per request (each batch is all or none).")
        var batch: Int = 5000

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                guard batch >= 1 else { throw CLIError("--batch must be at least 1") }
                let file = try decodeJSON(CreditRegister.File.self, from: file, what: "credit records file")
                struct Result: Codable { var imported: Int; var skipped: Int }
                let api = try await client.login()
                var total = Result(imported: 0, skipped: 0)
                for start in stride(from: 0, to: file.records.count, by: batch) {
                    let part = CreditRegister.File(records: Array(file.records[start..<min(start + batch, file.records.count)]))
                    let result: Result
                    do { result = try await api.send("POST", "/v1/credit/import", json: part) } catch let problem as ServiceProblem {
                        if total.imported + total.skipped > 0 { printError("note: the first \(start) record(s) are imported; the rest are not") }
                        throw ServiceProblem(status: problem.status, code: problem.code,
                                             detail: "in the batch from record \(start + 1) of the file: \(problem.detail)", extra: problem.extra)
                    }
                    total.imported += result.imported
                    total.skipped += result.skipped
                }
                if json { return try printJSON(total) }
                print("\(total.imported) record(s) imported, \(total.skipped) already present")
            }
        }
    }
}
