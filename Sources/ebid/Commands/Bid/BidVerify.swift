import ArgumentParser
import BidCore
import Foundation

extension Bid {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a sealed bid without decrypting it: signatures, signer chain, framing.",
            discussion: "Exits 0 and prints the package's tender, bidder, suite, size and digest when it is intact; exits 1 naming what failed otherwise."
        )

        @Option(name: .customLong("in"), help: "Sealed bid file.")
        var input: String

        @OptionGroup var trust: TrustOptions

        @Option(help: "Judge the signer's certificate at this time (ISO 8601); default: now.")
        var at: String?

        func run() async throws {
            try await reportingErrors {
                let time = try at.map(parseTime) ?? Date()
                let verified = try SealedBidVerifier.verify(file: input, trust: trust.makeTrustStore(), at: time)
                print("the sealed bid is intact and signed by a trusted certificate")
                printTable(Self.rows(verified), indent: "  ")
            }
        }

        static func rows(_ verified: VerifiedSealedBid) -> [(String, String)] {
            var rows: [(String, String)] = [
                ("tender", "\(verified.header.tenderId) section \(verified.header.section)"),
                ("bidder", verified.signerIdentity.name),
            ]
            if let code = verified.signerIdentity.creditCode { rows.append(("credit code", code)) }
            rows += [
                ("signer", verified.signerIdentity.subject),
                ("suite", verified.header.suite.rawValue),
                ("size", formatBytes(verified.size)),
                ("digest", verified.packageDigestString),
                ("package id", verified.header.packageId),
                ("sealed at", displayTime(verified.header.createdAt)),
                ("recipients", verified.header.recipients.map { "\($0.role.rawValue) \($0.keyId.prefix(16))…" }.joined(separator: ", ")),
            ]
            return rows
        }
    }
}
