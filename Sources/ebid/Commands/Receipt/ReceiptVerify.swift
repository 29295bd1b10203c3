import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension ReceiptCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a receipt's signature with the platform certificate, offline.",
            discussion: "FILE holds the signed JSON and FILE.sig the signature (as `bid submit --receipt-out` writes them)."
        )

        @OptionGroup var file: SignedFileOptions

        func run() async throws {
            try await reportingErrors {
                let (signed, certificate) = try file.load(what: "receipt")
                let receipt = try JSONDecoder.ebid.decodeStrict(Receipt.self, from: Data(signed.document))
                guard receipt.platformCertificateFingerprint == certificate.fingerprint else {
                    throw CLIError("the receipt names platform certificate \(receipt.platformCertificateFingerprint.prefix(16))…, not this one")
                }
                print("the receipt is authentic: signed by \(certificate.subject)")
                printReceipt(receipt)
            }
        }
    }
}
