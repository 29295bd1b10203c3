import ArgumentParser
import BidCore
import Foundation

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Demo key material.",
        subcommands: [DemoPKICommand.self, DemoCRLCommand.self]
    )
}

extension Keys {
    struct DemoPKICommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "demo-pki",
            abstract: "Create the demo PKI (both suites) for the parties of seeds/parties.json. FOR DEMOS AND TESTS ONLY.",
            discussion: """
            Writes <out>/gm and <out>/nist, each with ca.crt.pem, ca.key.pem, crl.pem, platform.crt.pem,
            platform.key.pem and <party-id>.crt.pem / <party-id>.key.pem for every party. Parties marked
            "certificate": "revoked" are listed in crl.pem; those marked "expired" get certificates that
            expired in 2021. Existing files are replaced.

            With --add-missing, only parties without a certificate yet get one, issued by the existing
            demo CA: add parties (e.g. experts) to the seeds without invalidating sealed fixtures.
            """
        )

        @Option(help: "Output directory.")
        var out: String = "keys"

        @Option(help: "Parties file.")
        var parties: String = "seeds/parties.json"

        @Flag(name: .customLong("add-missing"), help: "Only issue certificates for parties that have none, with the existing demo CA.")
        var addMissing = false

        func run() async throws {
            try await reportingErrors {
                let file = try PartiesFile.load(file: parties)
                let written = addMissing ? try DemoPKI.addMissing(parties: file, into: out) : try DemoPKI.generate(parties: file, into: out)
                print("wrote \(written.count) files for \(file.parties.count) parties into \(out)/gm and \(out)/nist")
                print("these keys are for demos and tests only: never use them for real bids")
            }
        }
    }

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
