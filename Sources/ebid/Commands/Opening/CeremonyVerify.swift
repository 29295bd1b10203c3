import ArgumentParser
import BidCore
import Foundation

extension Opening {
    struct CeremonyVerify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a key ceremony's transcript offline: every dealing, confirmation and the derived keys.",
            discussion: """
            Recomputes the public key and every official's verification key from the dealers'
            commitments, checks each dealer's signature on its dealing, each official's confirmation of
            the transcript digest and every official's certificate against --trust (at the time of the
            ceremony), and with --platform-cert the platform's signature. A key made by
            `ebid opening keygen` is not a ceremony's and fails here.
            """
        )

        @Option(name: .customLong("in"), help: "The transcript (opening key file).")
        var input: String

        @OptionGroup var trust: TrustOptions

        @Option(name: .customLong("platform-cert"), help: "The platform's certificate, to check its signature on the transcript.")
        var platformCert: String?

        func run() async throws {
            try await reportingErrors {
                let store = try trust.makeTrustStore()
                let file = try OpeningKeyFile.load(file: input)
                let platform = try platformCert.map { try Certificate(file: $0) }
                let digest = try file.verifyCeremony(trust: store, at: file.createdAt, platformCertificate: platform)
                print("the key ceremony's transcript verifies: \(file.officials.count) officials dealt and confirmed; nobody held the key")
                printTable([
                    ("tender", "\(file.tenderId ?? "—") section \(file.section ?? "—")"),
                    ("suite", file.suite.rawValue),
                    ("threshold", "\(file.threshold) of \(file.officials.count)"),
                    ("key id", file.keyId),
                    ("transcript", Hex.encode(digest)),
                    ("platform", platform.map { "signed by \($0.subject)" } ?? "not checked (give --platform-cert)"),
                ] + file.officials.map { ("official \($0.index)", "\($0.subject)  Y=\($0.verificationKey.prefix(18))…") }, indent: "  ")
            }
        }
    }
}
