import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the signed opening record (开标记录) as a table, after checking its signature.",
            discussion: """
            The signature is checked with --platform-cert when given, otherwise with the certificate the
            service publishes. With --out FILE the record is written as FILE (the signed JSON) and
            FILE.sig, checkable offline with `ebid record verify` or openssl.
            """
        )

        @Option(help: "The ebid service, e.g. http://127.0.0.1:8080.")
        var server: String

        @Option(name: .customLong("platform-cert"), help: "The platform certificate to check the signature with.")
        var platformCert: String?

        @Option(help: "Write the signed record here (and the signature to <file>.sig).")
        var out: String?

        @Flag(help: "Print the record as JSON.")
        var json = false

        @OptionGroup var selection: TenderSelection
        var tender: String { selection.id }

        func run() async throws {
            try await reportingErrors {
                let api = try EBidClient(server: server)
                struct Served: Decodable { var signed: SignedDocument.Wire }
                let served: Served = try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening/record")
                guard let signed = served.signed.signed else { throw CLIError("the record is not well-formed base64") }
                let certificate: Certificate
                if let platformCert { certificate = try Certificate(file: platformCert) } else {
                    certificate = try Certificate(pem: try await api.getText("/v1/platform/certificate"))
                    printError("note: checking the signature with the certificate the service publishes; give --platform-cert to check against one you hold")
                }
                let record = try verifiedRecord(signed, certificate: certificate)
                if let out { try writeSigned(signed, to: out, what: "record") }
                if json {
                    print(String(decoding: signed.document, as: UTF8.self))
                } else {
                    print("the opening record is authentic: signed by \(certificate.subject)")
                    printRecord(record)
                }
            }
        }
    }
}
