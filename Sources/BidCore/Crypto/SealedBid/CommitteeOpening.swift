import Foundation

/// Threshold decryption of one sealed bid's content key (DESIGN.md, "The opening key"): the
/// officials each compute a partial decryption of the `opening` recipient's wrapped key on their
/// machines; k of them, checked and combined, unwrap that key and nothing else.
public enum CommitteeOpening {
    /// The bid's `opening` recipient entry for `key` and its ephemeral point.
    public static func ephemeral(of header: SealedBidHeader, key: OpeningKeyFile) throws -> (recipient: SealedBidHeader.Recipient, point: ECPoint) {
        guard let recipient = header.recipients.first(where: { $0.role == .opening && $0.keyId == key.keyId }) else {
            throw BidCoreError(.sealedNoRecipient, "package \(header.packageId) is not sealed to opening key \(key.keyId.prefix(16))…")
        }
        guard recipient.algorithm == KeyWrapAlgorithm.forKey(key.curve.keyType) else {
            throw BidCoreError(.sealedHeaderMalformed, "the opening recipient uses \(recipient.algorithm.rawValue), not the opening key's wrap")
        }
        guard let wrapped = Data(base64Encoded: recipient.wrappedKey) else { throw BidCoreError(.sealedHeaderMalformed, "wrapped key is not base64") }
        return (recipient, try ThresholdDecryption.ephemeralPoint(wrapped: [UInt8](wrapped), algorithm: recipient.algorithm))
    }

    /// What a partial decryption of this bid is bound to.
    public static func context(of header: SealedBidHeader, key: OpeningKeyFile) -> PartialContext {
        PartialContext(keyId: key.keyId, tenderId: header.tenderId, packageId: header.packageIdBytes)
    }

    /// An official's partial decryption of the bid (on the official's machine).
    public static func partial(for header: SealedBidHeader, key: OpeningKeyFile, share: Scalar, index: Int) throws -> PartialDecryption {
        let (_, point) = try ephemeral(of: header, key: key)
        return try ThresholdDecryption.partial(share: share, index: index, verificationKey: try key.verificationKey(index), ephemeral: point,
                                               context: context(of: header, key: key), curve: key.curve)
    }

    /// Checks one partial decryption of the bid against its official's verification key.
    public static func verify(_ partial: PartialDecryption, for header: SealedBidHeader, key: OpeningKeyFile) throws -> ECPoint {
        let (_, point) = try ephemeral(of: header, key: key)
        return try ThresholdDecryption.verify(partial, verificationKey: try key.verificationKey(partial.index), ephemeral: point,
                                              context: context(of: header, key: key), curve: key.curve)
    }

    /// Checks a committee opening from published values only (an opening record): every partial's
    /// proof, the combination of the lowest-numbered k, the unwrapped content key against the key
    /// commitment. Throws on the first thing that does not hold.
    public static func verifyEvidence(suite: Suite, tenderId: String, keyId: String, threshold: Int, publicKey: ECPoint,
                                      verificationKeys: [Int: ECPoint], packageId: [UInt8], keyCommitment: [UInt8],
                                      algorithm: KeyWrapAlgorithm, wrappedKey: [UInt8], partials: [PartialDecryption]) throws {
        let curve = Curve.of(suite)
        guard algorithm == KeyWrapAlgorithm.forKey(curve.keyType), packageId.count == SealedBidFormat.packageIdLength else {
            throw BidCoreError(.openingKeyMalformed, "the evidence does not describe a \(suite.rawValue) opening")
        }
        let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: wrappedKey, algorithm: algorithm)
        let context = PartialContext(keyId: keyId, tenderId: tenderId, packageId: packageId)
        var points: [Int: ECPoint] = [:]
        for partial in partials {
            guard let verificationKey = verificationKeys[partial.index] else {
                throw BidCoreError(.partialInvalid, "partial decryption \(partial.index) has no verification key")
            }
            guard points[partial.index] == nil else { throw BidCoreError(.partialInvalid, "two partial decryptions numbered \(partial.index)") }
            points[partial.index] = try ThresholdDecryption.verify(partial, verificationKey: verificationKey, ephemeral: ephemeral, context: context, curve: curve)
        }
        guard points.count >= threshold else { throw BidCoreError(.notEnoughShares, "\(points.count) of the \(threshold) partial decryptions needed") }
        let chosen = points.keys.sorted().prefix(threshold).map { (index: $0, point: points[$0]!) }
        let shared = try ThresholdDecryption.combine(chosen, curve: curve)
        var contentKey = try ThresholdDecryption.unwrap(wrappedKey, algorithm: algorithm, sharedPoint: shared, recipient: publicKey,
                                                        context: PayloadKeys.wrapContext(packageId: packageId))
        defer { wipe(&contentKey) }
        let keys = try PayloadKeys(contentKey: contentKey, packageId: packageId, suite: suite)
        guard constantTimeEqual(keys.commitment, keyCommitment) else {
            throw BidCoreError(.sealedContentKeyMismatch, "the combined partials unwrap a key that does not match the package's key commitment")
        }
    }

    /// Combines `key.threshold` partials (lowest share numbers first) and unwraps the content key;
    /// refuses it unless it matches the header's key commitment.
    ///
    /// The proofs are checked when partials are handed in; here the key commitment is the end-to-end
    /// check, so they are checked again only when the result does not match it — then they say whose
    /// fault it is: a partial that fails its proof (`threshold.partial-invalid`: someone altered it),
    /// or, with every proof good, a wrapped key that does not match the package (the bidder's).
    public static func contentKey(header: SealedBidHeader, key: OpeningKeyFile, partials: [PartialDecryption]) throws -> [UInt8] {
        var distinct: [Int: PartialDecryption] = [:]
        for partial in partials where distinct[partial.index] == nil { distinct[partial.index] = partial }
        guard distinct.count >= key.threshold else {
            throw BidCoreError(.notEnoughShares, "\(distinct.count) of the \(key.threshold) partial decryptions needed")
        }
        let chosen = distinct.keys.sorted().prefix(key.threshold).map { distinct[$0]! }
        do {
            let points = try chosen.map { partial -> (index: Int, point: ECPoint) in
                do { return (partial.index, try key.curve.point(hex: partial.point)) } catch {
                    throw BidCoreError(.partialInvalid, "partial decryption \(partial.index) is not a point on the curve")
                }
            }
            let shared = try ThresholdDecryption.combine(points, curve: key.curve)
            let (recipient, _) = try ephemeral(of: header, key: key)
            var contentKey = try ThresholdDecryption.unwrap([UInt8](Data(base64Encoded: recipient.wrappedKey) ?? Data()), algorithm: recipient.algorithm,
                                                            sharedPoint: shared, recipient: try key.publicPoint(),
                                                            context: PayloadKeys.wrapContext(packageId: header.packageIdBytes))
            guard SealedBidOpener.contentKeyMatches(contentKey, header: header) else {
                wipe(&contentKey)
                throw BidCoreError(.sealedContentKeyMismatch, "the key wrapped to the opening key does not match the package's key commitment")
            }
            return contentKey
        } catch {
            for partial in chosen { _ = try verify(partial, for: header, key: key) }
            throw error
        }
    }
}
