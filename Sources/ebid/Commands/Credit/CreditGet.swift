import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Credit {
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fetch one record with its platform signature; --out writes FILE and FILE.sig for `ebid record verify`."
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(help: "A supervisor's certificate (for records no longer published).")
        var cert: String?

        @Option(help: "The supervisor's private key (with --cert).")
        var key: String?

        @Option(help: "Write the signed record here (and the signature to <file>.sig).")
        var out: String?

        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        @Argument(help: "Record id.")
        var id: String

        func run() async throws {
            try await reportingErrors {
                let api = try await loggedInIfGiven(server: server, cert: cert, key: key)
                let result: CreditRegister.Signed = try await api.get("/v1/credit/records/\(EBidClient.pathComponent(id))")
                guard let signed = result.signed.signed else { throw CLIError("the record is not well-formed base64") }
                if let out { try writeSigned(signed, to: out, what: "credit record") }
                if json { return try printJSON(result) }
                printRecordInput(result.record.input, id: result.record.id)
            }
        }
    }
}
