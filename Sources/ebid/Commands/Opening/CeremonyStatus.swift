import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct CeremonyStatus: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Where a tender's key ceremony stands; with --out, write the signed transcript once it is complete.",
            discussion: "For its starter, its officials and supervisors. The transcript is the tender's opening key file."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "Crypto suite (default: GM, or your certificate's if you are an official).")
        var suite: Suite?

        @Option(help: "Write the transcript (the opening key file) here when the ceremony is complete.")
        var out: String?

        @Flag(help: "Print the ceremony as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let certificate = try Certificate(file: client.cert)
                let suite = suite ?? ((try? ceremonySuite(nil, certificate: certificate)) ?? .gm)
                let api = try await client.login()
                let view: CeremonyView = try await api.get(ceremonyPath(tender, suite))
                if json { print(String(decoding: try JSONEncoder.ebidPretty.encode(view), as: UTF8.self)) } else { printCeremony(view) }
                guard let out else { return }
                guard view.status == .complete else { throw CLIError("the ceremony is \(view.status.rawValue): no transcript yet") }
                let file: OpeningKeyFile = try await api.get("\(ceremonyPath(tender, suite))/transcript")
                try file.validate()
                let output = try FileOutput(path: out, mode: 0o644)
                try output.write([UInt8](try JSONEncoder.ebidPretty.encode(file)))
                try output.close(sync: true)
                printError("transcript written to \(out) (key id \(file.keyId.prefix(16))…); check it with `ebid opening ceremony verify`")
            }
        }
    }
}
