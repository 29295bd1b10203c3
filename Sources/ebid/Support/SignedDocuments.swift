import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// A signed document in two files, as `--receipt-out` and `--out` write them, and the platform
/// certificate to check it with.
struct SignedFileOptions: ParsableArguments {
    @Option(name: .customLong("in"), help: "The signed JSON document.")
    var input: String

    @Option(name: .customLong("sig"), help: "The signature (default: <in>.sig).")
    var signature: String?

    @Option(name: .customLong("platform-cert"), help: "The platform's certificate (GET /v1/platform/certificate).")
    var platformCert: String

    /// The document with the signature checked against the certificate.
    func load(what: String) throws -> (SignedDocument, Certificate) {
        let certificate = try Certificate(file: platformCert)
        let signed = SignedDocument(document: [UInt8](try readFile(input, what: what)),
                                    signature: [UInt8](try readFile(signature ?? input + ".sig", what: "\(what) signature")),
                                    scheme: .preferred(for: try certificate.publicKey.type), certificateFingerprint: certificate.fingerprint)
        try checkPlatformSignature(signed, certificate: certificate, what: what)
        return (signed, certificate)
    }
}

func checkPlatformSignature(_ signed: SignedDocument, certificate: Certificate, what: String) throws {
    let key = try certificate.publicKey
    guard try key.isValidSignature(signed.signature, for: signed.document, scheme: .preferred(for: key.type)) else {
        throw CLIError("the \(what)'s signature does not verify with \(certificate.subject): it was altered or not issued by this platform")
    }
}

func writeSigned(_ signed: SignedDocument, to path: String, what: String) throws {
    try Data(signed.document).write(to: URL(fileURLWithPath: path))
    try Data(signed.signature).write(to: URL(fileURLWithPath: path + ".sig"))
    print("\(what) written to \(path) (signature \(path).sig)")
}
