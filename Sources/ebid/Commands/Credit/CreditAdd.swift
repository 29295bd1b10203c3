import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Credit {
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a decision (or a correction, appeal outcome, revocation or repair) — supervisors.",
            discussion: """
            FILE is one record (see docs/http-api.md, credit register). The service checks the term
            against the law's bounds for the category, signs the record and enters it in the ledger.
            With --lead ID the record resolves that open lead.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "The record (JSON).")
        var file: String

        @Option(help: "The open lead this record resolves.")
        var lead: String?

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var record: CreditRecordInput; var lead: String? }
                let input = try decodeJSON(CreditRecordInput.self, from: file, what: "credit record")
                let result: CreditRegister.Signed = try await client.login().send("POST", "/v1/credit/records", json: Body(record: input, lead: lead))
                if json { return try printJSON(result) }
                print("credit record \(result.record.id) recorded (\(result.record.input.kind.rawValue)), signed by the platform")
                printRecordInput(result.record.input, id: result.record.id)
            }
        }
    }
}
