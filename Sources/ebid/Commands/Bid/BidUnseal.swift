import ArgumentParser
import BidCore
import Foundation

extension Bid {
    struct Unseal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt your own sealed bid with your key and check everything inside it.",
            discussion: "Writes the parts and the signed manifest (manifest.json, manifest.sig) into --out; nothing is written unless every check passes."
        )

        @Option(name: .customLong("in"), help: "Sealed bid file.")
        var input: String

        @Option(help: "Your private key (PEM).")
        var key: String

        @Option(help: "Your (encryption) certificate: it must be a recipient of the package.")
        var cert: String

        @OptionGroup var trust: TrustOptions

        @Option(help: "Output directory (created if missing; existing files are not overwritten).")
        var out: String

        @Option(help: "Judge the signer's certificate at this time (ISO 8601); default: now.")
        var at: String?

        func run() async throws {
            try await reportingErrors {
                let (_, privateKey) = try loadIdentity(certificate: cert, key: key)
                let time = try at.map(parseTime) ?? Date()
                let opened = try SealedBidOpener.open(file: input, key: .privateKey(privateKey),
                                                      options: .init(trust: trust.makeTrustStore(), time: time),
                                                      sink: try DirectoryPartSink(directory: out))
                print("the bid opened and every check passed; parts written to \(out)")
                printTable(summaryRows(opened), indent: "  ")
            }
        }
    }
}

func summaryRows(_ opened: OpenedBid) -> [(String, String)] {
    let summary = opened.manifest.summary
    var rows: [(String, String)] = [
        ("tender", "\(opened.manifest.tenderId) section \(opened.manifest.section)"),
        ("bidder", opened.signerIdentity.name),
        ("price", "\(summary.price) 元"),
        ("duration", "\(summary.durationDays) days"),
        ("quality", summary.quality),
        ("project manager", summary.projectManager),
    ]
    for part in opened.manifest.parts {
        rows.append(("part", "\(part.kind.rawValue): \(part.name), \(formatBytes(part.size)), \(opened.header.suite.hash.label):\(part.digest.prefix(16))…"))
    }
    return rows
}
