import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Admin {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a production data directory with its first administrator (before the first `ebid serve`).",
            discussion: """
            Checks the centre's trust anchors, CRLs and platform key as `ebid serve` does, records the
            directory's profile, and registers the holder of --admin-cert as the first administrator
            (a person with the admin role; its person id is the certificate subject's serialNumber).
            The administrator then logs in with that certificate and registers everyone else
            (`ebid party add`, `ebid party import`). Outside --profile demo the demo PKI is refused:
            its private keys are public. Run again with the same certificate it changes nothing; with
            another once an administrator exists it is refused. `ebid serve --admin-cert FILE` does the
            same on a first start.
            """
        )

        @Option(help: "Data directory to create (or an empty one).")
        var data: String

        @Option(help: "statutory or demo.")
        var profile: PolicyProfile = .statutory

        @Option(name: .customLong("trust"), help: "The centre's trust anchor (CA certificate); repeat for several.")
        var trustFiles: [String] = []

        @Option(name: .customLong("crl"), help: "CRL file; repeat for several.")
        var crlFiles: [String] = []

        @Option(name: .customLong("platform-cert"), help: "The platform's signing certificate.")
        var platformCert: String?

        @Option(name: .customLong("platform-key"), help: "The platform's signing key (mode 600).")
        var platformKey: String?

        @Option(name: .customLong("admin-cert"), help: "The first administrator's certificate (PEM or DER).")
        var adminCert: String

        @Option(name: .customLong("admin-id"), help: "Its party id.")
        var adminId: String = "admin"

        @Option(name: .customLong("admin-name"), help: "Its name (default: the certificate's CN).")
        var adminName: String?

        @Option(help: "Demo PKI directory (--profile demo only).")
        var keys: String = "keys"

        @Flag(help: "Print the administrator's party record as JSON.")
        var json = false

        func validate() throws {
            if profile != .demo, trustFiles.isEmpty || platformCert == nil || platformKey == nil {
                throw ValidationError("give the centre's trust anchors (--trust) and the platform's certificate and key (--platform-cert, --platform-key); the demo PKI is for --profile demo only")
            }
        }

        func run() async throws {
            try await reportingErrors {
                var configuration = ServiceConfiguration()
                configuration.dataDirectory = data
                configuration.profile = profile
                configuration.keysDirectory = keys
                configuration.trustFiles = trustFiles
                configuration.crlFiles = crlFiles
                configuration.platformCertificate = platformCert ?? "\(keys)/gm/platform.crt.pem"
                configuration.platformKey = platformKey ?? "\(keys)/gm/platform.key.pem"
                if profile == .demo { configuration.applyDemoDefaults() }
                let certificate: Certificate
                do { certificate = try Certificate(file: adminCert) } catch { throw CLIError("cannot read the administrator's certificate \(adminCert)") }
                let (environment, _) = try makeEnvironment(configuration)
                let (state, created) = try await PartyRegistry(environment).initialize(administrator: certificate, id: adminId, name: adminName)
                if json { return try printJSON(state) }
                if created {
                    print("initialised \(data) (profile \(profile.rawValue)): \(state.record.name) (\(state.record.id)) is its administrator, certificate \(certificate.fingerprint)")
                } else {
                    print("\(data) was already initialised: \(state.record.name) (\(state.record.id)) is its administrator")
                }
                let options = (trustFiles.map { "--trust \($0)" } + crlFiles.map { "--crl \($0)" }
                    + [platformCert.map { "--platform-cert \($0)" }, platformKey.map { "--platform-key \($0)" }].compactMap { $0 }).joined(separator: " ")
                print("start the service: ebid serve --data \(data) --profile \(profile.rawValue)\(options.isEmpty ? "" : " " + options)")
                print("then, as the administrator: ebid party add --server URL --cert \(adminCert) --key <its key> --file party.json --certificate party.crt.pem")
            }
        }
    }
}
