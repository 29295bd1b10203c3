import ArgumentParser
import BidCore
import Foundation

struct Opening: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The tender's opening key (开标密钥) and the opening.",
        subcommands: [Keygen.self, Start.self, Status.self, Share.self, Close.self, Record.self, Signals.self, Objections.self, Answer.self]
    )
}

extension Opening {
    struct Keygen: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Key ceremony: make the tender's opening key, split it k-of-n among the opening officials.",
            discussion: """
            The private key is split with Shamir's scheme; each share is encrypted to one official's
            certificate. The output holds the public key and the encrypted shares only: the private key
            is never written anywhere, and no fewer than K officials can rebuild it.
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

        @OptionGroup var trust: TrustOptions

        func run() async throws {
            try await reportingErrors {
                let paths = officials.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                let certificates = try paths.map { try Certificate(file: $0) }
                let store = trust.trustFiles.isEmpty ? nil : try trust.makeTrustStore()
                let file = try OpeningKeyCeremony.generate(suite: suite, officials: certificates, threshold: threshold, trust: store)
                let output = try FileOutput(path: out, mode: 0o644)
                try output.write([UInt8](try JSONEncoder.ebidPretty.encode(file)))
                try output.close(sync: true)
                print("opening key written to \(out)")
                printTable([
                    ("suite", file.suite.rawValue),
                    ("key id", file.keyId),
                    ("threshold", "\(file.threshold) of \(file.officials.count) officials"),
                ] + file.officials.map { ("share \($0.index)", $0.subject) }, indent: "  ")
            }
        }
    }
}
