import ArgumentParser
import BidCore
import Foundation

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
}
