import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Eval {
    struct EvalVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check an evaluation report offline: the platform's signatures and every member's signed opinion.",
            discussion: """
            --in is what `ebid eval report --out FILE` saved once the signing was closed. Checks the
            platform's signatures on the report and the final report (--platform-cert), that the final
            report is this report's, and each member's opinion: its signature with the certificate it
            carries, that certificate against --trust (the CA roots you hold), and that it names this
            report and this member. Members silent past the deadline count as agreeing (Reg. art. 53).
            """
        )

        @Option(name: .customLong("in"), help: "The saved report (JSON with signed and final).") var input: String
        @Option(name: .customLong("platform-cert"), help: "The platform's certificate.") var platformCert: String
        @OptionGroup var trust: TrustOptions

        func run() async throws {
            try await reportingErrors {
                struct Saved: Decodable { var signed: SignedDocument.Wire; var final: SignedDocument.Wire? }
                let saved = try decodeJSON(Saved.self, from: input, what: "saved report")
                guard let report = saved.signed.signed, let final = saved.final?.signed else {
                    throw CLIError("\(input) holds no final report: save it with `ebid eval report --out` after the signing is closed")
                }
                let outcome = try ReportVerification.verify(report: report, final: final, platform: try Certificate(file: platformCert),
                                                            trust: trust.trustFiles.isEmpty ? nil : try trust.makeTrustStore())
                print("the report verifies: signed by the platform; \(outcome.signed) member(s) signed (\(outcome.dissents) dissenting), \(outcome.silent) silent (agreeing)\(trust.trustFiles.isEmpty ? "; members' certificates not checked against a CA (give --trust)" : "")")
                printReport(outcome.report, final: outcome.final)
            }
        }
    }
}
