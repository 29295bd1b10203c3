import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// Checks the signature and that the record names this certificate; returns the record.
func verifiedRecord(_ signed: SignedDocument, certificate: Certificate) throws -> OpeningRecord {
    try checkPlatformSignature(signed, certificate: certificate, what: "record")
    let record: OpeningRecord
    do { record = try JSONDecoder.ebid.decodeStrict(OpeningRecord.self, from: Data(signed.document)) } catch {
        throw CLIError("the signed document is not an opening record: \(describeDecodingError(error))")
    }
    guard record.platformCertificateFingerprint == certificate.fingerprint else {
        throw CLIError("the record names platform certificate \(record.platformCertificateFingerprint.prefix(16))…, not this one")
    }
    try record.verifyCommitteeOpenings()
    return record
}
