import ArgumentParser
import BidCore
import Foundation

extension Opening {
    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an opening key on this machine and split it k-of-n among the opening officials (offline use and tests).",
            discussion: """
            THIS MACHINE SEES THE WHOLE PRIVATE KEY while it makes it: whoever runs it could keep a copy
            and read every bid sealed to the key. A trading centre makes its opening keys with the key
            ceremony instead (`ebid opening ceremony`), where the officials make the key together and
            no machine ever holds it; the service refuses keygen keys outside the demo profile unless
            it runs with --allow-dealer-keys.

            The private scalar is split with Shamir's scheme modulo the curve's group order; each
            share is encrypted to one official's certificate and each official's verification key
            Yᵢ = sᵢ·G is published, so that at the opening every official hands in partial
            decryptions with proofs and the key is never put back together. The file holds the public
            key, the commitments, the verification keys and the encrypted shares only.
            """
        )

        @Option(help: "Crypto suite: GM (SM2 key) or NIST (P-256 key).")
        var suite: Suite = .gm

        @Option(help: "Officials' certificate files, comma-separated (share 1, 2, … in this order).")
        var officials: String

        @Option(help: "Number of shares needed to rebuild the key (at least 2).")
        var threshold: Int

        @Option(help: "Output file.")
        var out: String

        @Option(help: "Bind the key to this tender id (the service binds an unbound key to the first tender that uses it).")
        var tender: String?

        @Option(help: "Bind the key to this section (with --tender).")
        var section: String?

        @OptionGroup var trust: TrustOptions

        func run() async throws {
            try await reportingErrors {
                let paths = officials.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let certificates = try paths.map { try Certificate(file: $0) }
                let store = trust.trustFiles.isEmpty ? nil : try trust.makeTrustStore()
                let file = try OpeningKeyDealer.generate(suite: suite, officials: certificates, threshold: threshold, tenderId: tender,
                                                         section: section ?? tender.map { _ in "1" }, trust: store)
                let output = try FileOutput(path: out, mode: 0o644)
                try output.write([UInt8](try JSONEncoder.ebidPretty.encode(file)))
                try output.close(sync: true)
                print("opening key written to \(out)")
                printError("note: this machine saw the whole private key while making it; a trading centre uses `ebid opening ceremony`")
                printTable([
                    ("suite", file.suite.rawValue),
                    ("key id", file.keyId),
                    ("threshold", "\(file.threshold) of \(file.officials.count) officials"),
                ] + file.officials.map { ("share \($0.index)", $0.subject) }, indent: "  ")
            }
        }
    }
}
