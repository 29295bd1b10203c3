import ArgumentParser
import BidCore
import Foundation

extension Keys {
    struct DemoCRLCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo-crl",
            abstract: "Issue a newer CRL of the demo CA revoking more demo parties. FOR DEMOS AND TESTS ONLY.",
            discussion: """
            Signs, with <keys>/<suite>/ca.key.pem, a CRL issued now listing the parties marked "revoked" in
            the parties file and every --revoke party (by <keys>/<suite>/<party-id>.crt.pem), revoked a
            minute ago. Put it in force with `ebid admin crl load`, or write it over a file given to
            `ebid serve --crl`.
            """
        )

        @Option(help: "Demo PKI directory.")
        var keys: String = "keys"

        @Option(help: "GM or NIST.")
        var suite: Suite = .gm

        @Option(help: "Parties file.")
        var parties: String = "seeds/parties.json"

        @Option(help: "A party whose demo certificate to revoke; repeat for several.")
        var revoke: [String] = []

        @Option(help: "Where to write the CRL (PEM).")
        var out: String

        func run() async throws {
            try await reportingErrors {
                let crl = try DemoPKI.crl(directory: keys, suite: suite, parties: try PartiesFile.load(file: parties), revoking: revoke, at: Date())
                let output = try FileOutput(path: out, mode: 0o644)
                try output.write(Array(crl.pem.utf8))
                try output.close(sync: true)
                print("wrote \(out): a CRL of \(crl.issuer) listing \(crl.revoked.count) certificate(s) (demo CA: for demos and tests only)")
            }
        }
    }
}
