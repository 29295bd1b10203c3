import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// What an official's machine does at a committee opening, kept out of the command so the demo
/// and the benchmark do exactly the same.
enum CommitteeWork {
    /// The partial decryptions for every bid of a committee request: the share is decrypted and
    /// checked here, each header must be its bidder's (signed; with `trust`, certified) and for
    /// this tender, and the share is wiped afterwards.
    static func partials(for request: OpeningRoom.CommitteeRequest, key file: OpeningKeyFile, tender: String, certificate: Certificate,
                         privateKey: PrivateKey, trust: TrustStore?) throws -> [OpeningRoom.PartialsInput.Item] {
        try file.validate()
        guard file.tenderId == nil || file.tenderId == tender else { throw CLIError("the opening key was made for tender \(file.tenderId!), not \(tender)") }
        var share = try file.share(officialKey: privateKey, officialCertificate: certificate)
        defer { share.value.wipe() }
        guard share.index == request.index else { throw CLIError("the service names share \(request.index); your certificate holds share \(share.index)") }
        return try request.bids.map { bid in
            guard let bytes = Data(base64Encoded: bid.signedHeader) else { throw CLIError("bid \(bid.bidId): the header is not base64") }
            let header = try SealedBidHeader.verifySigned([UInt8](bytes), trust: trust, at: bid.receivedAt)
            guard header.tenderId == tender, header.suite == file.suite else {
                throw CLIError("bid \(bid.bidId) was sealed for \(header.tenderId) (\(header.suite.rawValue)): refusing to decrypt it for \(tender)")
            }
            return .init(bidId: bid.bidId, partial: try CommitteeOpening.partial(for: header, key: file, share: share.value, index: share.index))
        }
    }

    /// The record's description of a key must be the key file's (same threshold, public key and
    /// verification keys), so the record's committee openings are checked against the real key.
    static func checkKey(_ file: OpeningKeyFile, in record: OpeningRecord) throws {
        guard let ref = record.openingKeys.first(where: { $0.keyId == file.keyId }) else {
            throw CLIError("the record does not list opening key \(file.keyId.prefix(16))…")
        }
        guard ref.threshold == file.threshold, ref.publicKey == (try file.publicPoint().hex),
              ref.verificationKeys.map(\.point) == file.officials.map(\.verificationKey),
              ref.verificationKeys.map(\.certificateFingerprint) == file.officials.map(\.certificateFingerprint) else {
            throw CLIError("the record's \(ref.suite.rawValue) key does not match \(file.keyId.prefix(16))…: its verification keys or threshold differ")
        }
    }
}
