import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Admin.CRL {
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
