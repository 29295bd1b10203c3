import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Decrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remote decryption (远程解密): unwrap your bid's content key here and send only that key.",
            discussion: """
            Fetches the header of your own bid, checks that it is your package for this tender, unwraps
            the content key with your private key (which never leaves this machine), checks it against
            the package's key commitment, and sends the content key. The service opens the bid and
            verifies the inner signature and manifest.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey) = try loadIdentity(certificate: client.cert, key: client.key)
                let api = try EBidClient(server: client.server)
                try await api.login(certificate: certificate, key: privateKey)
                let path = "/v1/tenders/\(EBidClient.pathComponent(tender))/opening"
                let view: BidHeaderView = try await api.get("\(path)/my-bid-header")
                let header = view.header
                guard header.tenderId == tender else { throw CLIError("the service sent the header of a package for tender \(header.tenderId), not \(tender)") }
                guard (try? header.signerCertificate())?.fingerprint == certificate.fingerprint else {
                    throw CLIError("the service sent the header of a package you did not sign")
                }
                let contentKey = try SealedBidOpener.unwrapContentKey(header: header, with: privateKey)
                guard SealedBidOpener.contentKeyMatches(contentKey, header: header) else {
                    throw CLIError("the unwrapped content key does not match the package's key commitment")
                }
                struct Body: Encodable { var contentKey: String }
                let opened: OpeningBidView = try await api.send("POST", "\(path)/decrypt", json: Body(contentKey: Data(contentKey).base64EncodedString()))
                switch opened.state {
                case .opened: print("bid \(opened.bidId) decrypted and opened (package \(opened.packageDigest))")
                case .pending: print("bid \(opened.bidId) is still waiting")
                case .revoked, .withdrawn:
                    print("bid \(opened.bidId) did not open: \(opened.state.rawValue) — \(opened.failure?.detail ?? "")")
                    throw ExitCode(1)
                }
            }
        }
    }
}
