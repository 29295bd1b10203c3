import Foundation

/// The key ceremony (distributed key generation, joint-Feldman / Pedersen): the opening officials
/// make the tender's opening key themselves, and no machine ever holds the whole private key.
///
/// Each official j (a *dealer*) draws a random polynomial fⱼ of degree k−1, publishes Feldman
/// commitments Aⱼₗ = aⱼₗ·G, and sends every official i the share fⱼ(i), encrypted to i's
/// certificate; the dealing is signed with j's key. Each official checks what it received against
/// the commitments and either confirms the transcript (a signature over its digest) or files a
/// complaint with evidence that anyone can check, naming the faulty dealer. The opening key is
/// d = Σⱼ aⱼ₀ (never computed), its public key Y = Σⱼ Aⱼ₀, official i's share sᵢ = Σⱼ fⱼ(i), and
/// its verification key Yᵢ = sᵢ·G = Σⱼ Σₗ iˡ·Aⱼₗ — all public values computed from commitments.
///
/// Every message is bound to the ceremony's context (tender, section, suite, k, attempt and the
/// officials' certificates): docs/sealed-bid-format.md, "The key ceremony", gives the bytes.
public enum KeyCeremony {
    /// One official taking part: its share number and certificate.
    public struct Participant: Codable, Sendable, Equatable {
        public var index: Int
        /// Its id in the trading centre's registry.
        public var party: String?
        public var subject: String
        /// SHA-256 of the certificate (DER), hex.
        public var certificateFingerprint: String
        /// Base64 DER.
        public var certificate: String

        public init(index: Int, party: String?, certificate: Certificate) {
            self.index = index
            self.party = party
            subject = certificate.subject.description
            certificateFingerprint = certificate.fingerprint
            self.certificate = Data(certificate.der).base64EncodedString()
        }

        /// The certificate, checked against its fingerprint.
        public func parsedCertificate() throws -> Certificate {
            guard let der = Data(base64Encoded: certificate), let parsed = try? Certificate(der: [UInt8](der)),
                  parsed.fingerprint == certificateFingerprint else {
                throw BidCoreError(.openingKeyMalformed, "official \(index)'s certificate is malformed or does not match its fingerprint")
            }
            return parsed
        }
    }

    /// What the ceremony is for and who takes part: the context every message is bound to.
    public struct Parameters: Codable, Sendable, Equatable {
        public var origin: OpeningKeyOrigin
        public var tenderId: String?
        public var section: String?
        public var suite: Suite
        public var threshold: Int
        /// The ceremony's attempt number for this tender and suite (a failed one is run again).
        public var attempt: Int
        public var participants: [Participant]

        public init(origin: OpeningKeyOrigin = .ceremony, tenderId: String?, section: String?, suite: Suite, threshold: Int, attempt: Int,
                    participants: [Participant]) {
            self.origin = origin
            self.tenderId = tenderId
            self.section = section
            self.suite = suite
            self.threshold = threshold
            self.attempt = attempt
            self.participants = participants
        }

        public var curve: Curve { .of(suite) }
        public var count: Int { participants.count }

        /// Checks the shape: k of n, distinct share numbers 1…n, distinct certificates on the suite's curve.
        public func validate() throws {
            func malformed(_ reason: String) -> BidCoreError { BidCoreError(.openingKeyMalformed, reason) }
            guard (2...64).contains(participants.count) else { throw malformed("an opening key has 2 to 64 officials, not \(participants.count)") }
            guard threshold >= 2, threshold <= participants.count else {
                throw malformed("threshold \(threshold) does not fit \(participants.count) officials")
            }
            guard participants.map(\.index) == Array(1...participants.count) else { throw malformed("share numbers must be 1…n in order") }
            guard Set(participants.map(\.certificateFingerprint)).count == participants.count else { throw malformed("one official holds two shares") }
            for participant in participants {
                let key = try participant.parsedCertificate().publicKey
                guard key.type == curve.keyType else {
                    throw malformed("official \(participant.index) (\(participant.subject)) has a \(key.type.rawValue) certificate; a \(suite.rawValue) opening key needs \(curve.keyType.rawValue)")
                }
            }
            if let tenderId { try SealedBidHeader.validateIdentifier(tenderId, what: "tenderId", maxLength: 128) }
            if let section { try SealedBidHeader.validateIdentifier(section, what: "section", maxLength: 64) }
        }

        /// ctx = H("ebid-dkg1 context" ‖ lp(origin) ‖ lp(tenderId) ‖ lp(section) ‖ lp(suite) ‖ u32(k) ‖
        /// u32(attempt) ‖ u32(n) ‖ for each official: u32(index) ‖ lp(certificate DER)).
        public func contextDigest() throws -> [UInt8] {
            var message = Array("ebid-dkg1 context".utf8)
            message += lengthPrefixed(origin.rawValue) + lengthPrefixed(tenderId ?? "") + lengthPrefixed(section ?? "") + lengthPrefixed(suite.rawValue)
            message += [UInt8].uint32(UInt32(threshold)) + .uint32(UInt32(attempt)) + .uint32(UInt32(participants.count))
            for participant in participants {
                message += [UInt8].uint32(UInt32(participant.index)) + lengthPrefixed(try participant.parsedCertificate().der)
            }
            return StreamingDigest.hash(message, using: suite.hash)
        }

        /// The key-wrap context of dealer j's share for official i: "ebid-dkg1 share" ‖ ctx ‖ u32(j) ‖ u32(i).
        func shareContext(context: [UInt8], dealer: Int, recipient: Int) -> [UInt8] {
            Array("ebid-dkg1 share".utf8) + context + .uint32(UInt32(dealer)) + .uint32(UInt32(recipient))
        }
    }

    /// One dealer's contribution: commitments and the encrypted shares, signed by the dealer.
    public struct Dealing: Codable, Sendable, Equatable {
        public struct Share: Codable, Sendable, Equatable {
            public var recipient: Int
            public var algorithm: KeyWrapAlgorithm
            /// fⱼ(recipient), 32 bytes big-endian, wrapped to the recipient's certificate; base64.
            public var wrapped: String
        }

        /// The dealer's share number (0: the single machine of `ebid opening keygen`).
        public var dealer: Int
        /// Aⱼ₀ … Aⱼ,k−1, hex.
        public var commitments: [String]
        public var shares: [Share]
        /// The dealer's signature over the dealing message, base64 (ceremony only).
        public var signature: String?

        /// "ebid-dkg1 dealing" ‖ ctx ‖ u32(dealer) ‖ u32(k) ‖ commitments ‖ u32(n) ‖
        /// for each share: u32(recipient) ‖ lp(algorithm) ‖ lp(wrapped bytes).
        public func message(context: [UInt8]) throws -> [UInt8] {
            var message = Array("ebid-dkg1 dealing".utf8) + context + .uint32(UInt32(dealer)) + .uint32(UInt32(commitments.count))
            for commitment in commitments {
                guard let bytes = Hex.decode(commitment), bytes.count == Curve.pointSize else {
                    throw BidCoreError(.openingKeyMalformed, "dealer \(dealer)'s commitments are not points")
                }
                message += bytes
            }
            message += [UInt8].uint32(UInt32(shares.count))
            for share in shares {
                message += [UInt8].uint32(UInt32(share.recipient)) + lengthPrefixed(share.algorithm.rawValue) + lengthPrefixed(try share.wrappedBytes())
            }
            return message
        }

        public func commitmentPoints(_ curve: Curve) throws -> [ECPoint] {
            do { return try commitments.map { try curve.point(hex: $0) } } catch {
                throw BidCoreError(.openingKeyMalformed, "dealer \(dealer)'s commitments are not points on the curve")
            }
        }
    }

    /// A complaint against a dealer: the complainant reveals the Diffie–Hellman point of the share
    /// it received (its certificate key times the share's ephemeral point) with a proof that it is
    /// the right one, so that anyone can decrypt that one share and see that it does not match the
    /// dealer's commitments. Nothing else of the complainant's key or shares is revealed.
    public struct Complaint: Codable, Sendable, Equatable {
        public var dealer: Int
        public var complainant: Int
        /// The shared point, hex.
        public var sharedPoint: String
        /// EqualityProof (label `complaint`), hex: log_G(complainant's key) = log_E(sharedPoint).
        public var proof: String
        /// The complainant's signature over the complaint message, base64.
        public var signature: String

        func message(context: [UInt8]) -> [UInt8] {
            Array("ebid-dkg1 complaint".utf8) + context + .uint32(UInt32(dealer)) + .uint32(UInt32(complainant))
                + (Hex.decode(sharedPoint) ?? []) + (Hex.decode(proof) ?? [])
        }

        static func proofContext(_ context: [UInt8], dealer: Int, complainant: Int) -> [UInt8] {
            context + .uint32(UInt32(dealer)) + .uint32(UInt32(complainant))
        }
    }

    /// What a complaint shows once checked.
    public enum Verdict: Sendable, Equatable {
        /// The dealer's share for the complainant is bad; the reason says how.
        case upheld(String)
        /// The share decrypts and matches the commitments: the complaint is unfounded.
        case unfounded
    }

    /// What an official's check of the dealings gives: a confirmation to sign, or a complaint.
    public enum CheckOutcome: Sendable {
        /// Every share matched; the signature over the transcript digest, and that digest.
        case confirmed(signature: [UInt8], transcriptDigest: [UInt8], publicKey: ECPoint, verificationKey: ECPoint)
        case complaint(Complaint, reason: String)
    }

    // MARK: Dealing

    /// Makes dealer `index`'s dealing (on the dealer's machine): a fresh polynomial, commitments,
    /// one encrypted share per official, signed with the dealer's key.
    public static func deal(_ parameters: Parameters, as index: Int, key: PrivateKey) throws -> Dealing {
        try parameters.validate()
        guard let me = parameters.participants.first(where: { $0.index == index }) else {
            throw BidCoreError(.notAShareholder, "there is no official \(index) in this ceremony")
        }
        guard try me.parsedCertificate().publicKey == key.publicKey else {
            throw BidCoreError(.invalidKey, "the private key does not belong to official \(index) (\(me.subject))")
        }
        var dealing = try makeDealing(parameters, dealer: index, constant: nil)
        dealing.signature = Data(try key.sign(try dealing.message(context: try parameters.contextDigest()))).base64EncodedString()
        return dealing
    }

    /// A dealing by `dealer` with a fresh polynomial (constant term given for `ebid opening keygen`).
    static func makeDealing(_ parameters: Parameters, dealer: Int, constant: Scalar?) throws -> Dealing {
        let curve = parameters.curve
        let context = try parameters.contextDigest()
        var polynomial = try SecretPolynomial(curve: curve, threshold: parameters.threshold, constant: constant)
        defer { polynomial.wipe() }
        var shares: [Dealing.Share] = []
        for participant in parameters.participants {
            var value = try polynomial.evaluate(at: participant.index)
            defer { value.wipe() }
            let (algorithm, wrapped) = try KeyWrap.wrap(value.bytes, to: try participant.parsedCertificate().publicKey,
                                                        context: parameters.shareContext(context: context, dealer: dealer, recipient: participant.index))
            shares.append(.init(recipient: participant.index, algorithm: algorithm, wrapped: Data(wrapped).base64EncodedString()))
        }
        return Dealing(dealer: dealer, commitments: try polynomial.commitments().map(\.hex), shares: shares, signature: nil)
    }

    /// Checks a dealing's shape and its dealer's signature (anyone, e.g. the service as it relays it).
    public static func verifyDealing(_ dealing: Dealing, _ parameters: Parameters) throws {
        func malformed(_ reason: String) -> BidCoreError { BidCoreError(.dealingInvalid, "dealing of official \(dealing.dealer): \(reason)") }
        guard let dealer = parameters.participants.first(where: { $0.index == dealing.dealer }) else { throw malformed("no such official") }
        guard dealing.commitments.count == parameters.threshold else { throw malformed("\(dealing.commitments.count) commitments, \(parameters.threshold) expected") }
        do { _ = try dealing.commitmentPoints(parameters.curve) } catch { throw malformed("a commitment is not a point on the curve") }
        guard dealing.shares.map(\.recipient) == parameters.participants.map(\.index) else { throw malformed("one share per official, in order") }
        for share in dealing.shares {
            let recipient = try parameters.participants[share.recipient - 1].parsedCertificate().publicKey
            guard share.algorithm == KeyWrapAlgorithm.forKey(recipient.type) else { throw malformed("share \(share.recipient) uses \(share.algorithm.rawValue)") }
            guard (try? share.wrappedBytes())?.isEmpty == false else { throw malformed("share \(share.recipient) is not base64") }
        }
        guard let signature = dealing.signature.flatMap({ Data(base64Encoded: $0) }) else { throw malformed("it is not signed") }
        let certificate = try dealer.parsedCertificate()
        let key = try certificate.publicKey
        guard try key.isValidSignature([UInt8](signature), for: try dealing.message(context: try parameters.contextDigest()),
                                       scheme: .preferred(for: key.type)) else {
            throw BidCoreError(.dealingInvalid, "the signature on official \(dealing.dealer)'s dealing is not \(dealer.subject)'s")
        }
    }

    // MARK: Checking and confirming

    /// Official `index` checks every dealing's share for it against the dealer's commitments (on
    /// its own machine). All good: signs the transcript digest. Otherwise: a complaint against the
    /// first bad dealer, with evidence.
    public static func check(_ parameters: Parameters, dealings: [Dealing], as index: Int, key: PrivateKey) throws -> CheckOutcome {
        try parameters.validate()
        guard let me = parameters.participants.first(where: { $0.index == index }) else {
            throw BidCoreError(.notAShareholder, "there is no official \(index) in this ceremony")
        }
        guard try me.parsedCertificate().publicKey == key.publicKey else {
            throw BidCoreError(.invalidKey, "the private key does not belong to official \(index) (\(me.subject))")
        }
        let ordered = try completeDealings(dealings, parameters)
        for dealing in ordered { try verifyDealing(dealing, parameters) }
        let curve = parameters.curve
        let context = try parameters.contextDigest()
        var total = curve.scalar(0)
        defer { total.wipe() }
        for dealing in ordered {
            if let reason = try shareProblem(dealing, recipient: index, parameters: parameters, context: context, key: key, sum: &total) {
                return .complaint(try complaint(against: dealing, parameters: parameters, context: context, as: index, key: key), reason: reason)
            }
        }
        let (publicKey, verificationKeys) = try derivedKeys(ordered, parameters)
        guard try curve.multiplyGenerator(total) == verificationKeys[index - 1] else {
            throw BidCoreError(.openingKeyMalformed, "the shares do not add up to official \(index)'s verification key")
        }
        let digest = try transcriptDigest(parameters, dealings: ordered, publicKey: publicKey, verificationKeys: verificationKeys)
        return .confirmed(signature: try key.sign(confirmationMessage(index: index, digest: digest)), transcriptDigest: digest,
                          publicKey: publicKey, verificationKey: verificationKeys[index - 1])
    }

    /// Why dealer j's share for `recipient` is bad, or nil (adding the share to `sum`).
    private static func shareProblem(_ dealing: Dealing, recipient: Int, parameters: Parameters, context: [UInt8], key: PrivateKey,
                                     sum: inout Scalar) throws -> String? {
        let curve = parameters.curve
        let share = dealing.shares[recipient - 1]
        var plain: [UInt8]
        do {
            plain = try KeyWrap.unwrap(try share.wrappedBytes(), algorithm: share.algorithm, with: key,
                                       context: parameters.shareContext(context: context, dealer: dealing.dealer, recipient: recipient))
        } catch {
            return "the share from official \(dealing.dealer) does not decrypt"
        }
        defer { wipe(&plain) }
        guard var value = try? curve.scalar(plain) else { return "the share from official \(dealing.dealer) is not a scalar below the group order" }
        defer { value.wipe() }
        let expected = try ThresholdMath.expectedSharePoint(index: recipient, commitments: try dealing.commitmentPoints(curve), curve: curve)
        guard (try? curve.multiplyGenerator(value)) == expected else { return "the share from official \(dealing.dealer) does not match its commitments" }
        sum = try curve.add(sum, value)
        return nil
    }

    private static func complaint(against dealing: Dealing, parameters: Parameters, context: [UInt8], as index: Int, key: PrivateKey) throws -> Complaint {
        let curve = parameters.curve
        let share = dealing.shares[index - 1]
        let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: try share.wrappedBytes(), algorithm: share.algorithm)
        var secret = try curve.scalar(try key.ecPrivateScalar())
        defer { secret.wipe() }
        let shared = try curve.multiply(ephemeral, by: secret)
        let proof = try EqualityProof.prove(secret: secret, base: ephemeral, publicPoint: try curve.point(try key.publicKey.ecPublicPoint()),
                                            result: shared, label: "complaint",
                                            context: Complaint.proofContext(context, dealer: dealing.dealer, complainant: index), curve: curve)
        var complaint = Complaint(dealer: dealing.dealer, complainant: index, sharedPoint: shared.hex, proof: proof.hex, signature: "")
        complaint.signature = Data(try key.sign(complaint.message(context: context))).base64EncodedString()
        return complaint
    }

    /// Checks a complaint (anyone): the complainant's signature and proof, then the share itself.
    /// Throws when the complaint is not genuine; otherwise says whether the dealer is at fault.
    public static func verifyComplaint(_ complaint: Complaint, dealings: [Dealing], _ parameters: Parameters) throws -> Verdict {
        let curve = parameters.curve
        let context = try parameters.contextDigest()
        guard let complainant = parameters.participants.first(where: { $0.index == complaint.complainant }),
              let dealing = dealings.first(where: { $0.dealer == complaint.dealer }), complaint.dealer != complaint.complainant else {
            throw BidCoreError(.complaintInvalid, "the complaint names no dealing of this ceremony")
        }
        try verifyDealing(dealing, parameters)
        let certificate = try complainant.parsedCertificate()
        let key = try certificate.publicKey
        guard let signature = Data(base64Encoded: complaint.signature),
              try key.isValidSignature([UInt8](signature), for: complaint.message(context: context), scheme: .preferred(for: key.type)) else {
            throw BidCoreError(.complaintInvalid, "the complaint is not signed by official \(complaint.complainant)")
        }
        let share = dealing.shares[complaint.complainant - 1]
        let wrapped = try share.wrappedBytes()
        let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: wrapped, algorithm: share.algorithm)
        let recipientPoint = try curve.point(try key.ecPublicPoint())
        let shared: ECPoint
        let proof: EqualityProof
        do {
            shared = try curve.point(hex: complaint.sharedPoint)
            proof = try EqualityProof(hex: complaint.proof, curve: curve)
        } catch {
            throw BidCoreError(.complaintInvalid, "the complaint's evidence is malformed")
        }
        guard proof.verify(base: ephemeral, publicPoint: recipientPoint, result: shared, label: "complaint",
                           context: Complaint.proofContext(context, dealer: complaint.dealer, complainant: complaint.complainant), curve: curve) else {
            throw BidCoreError(.complaintInvalid, "the complaint's proof does not verify: its shared point is not the complainant's")
        }
        var plain: [UInt8]
        do {
            plain = try ThresholdDecryption.unwrap(wrapped, algorithm: share.algorithm, sharedPoint: shared, recipient: recipientPoint,
                                                   context: parameters.shareContext(context: context, dealer: complaint.dealer, recipient: complaint.complainant))
        } catch {
            return .upheld("official \(complaint.dealer)'s share for official \(complaint.complainant) does not decrypt")
        }
        defer { wipe(&plain) }
        guard let value = try? curve.scalar(plain) else {
            return .upheld("official \(complaint.dealer)'s share for official \(complaint.complainant) is not a scalar below the group order")
        }
        let expected = try ThresholdMath.expectedSharePoint(index: complaint.complainant, commitments: try dealing.commitmentPoints(curve), curve: curve)
        guard (try? curve.multiplyGenerator(value)) == expected else {
            return .upheld("official \(complaint.dealer)'s share for official \(complaint.complainant) does not match its commitments")
        }
        return .unfounded
    }

    // MARK: The transcript

    /// The dealings in dealer order, one per official (ceremony) or the single dealer 0 (keygen).
    static func completeDealings(_ dealings: [Dealing], _ parameters: Parameters) throws -> [Dealing] {
        let ordered = dealings.sorted { $0.dealer < $1.dealer }
        let expected = parameters.origin == .dealer ? [0] : parameters.participants.map(\.index)
        guard ordered.map(\.dealer) == expected else {
            throw BidCoreError(.openingKeyMalformed, "dealings from \(ordered.map(\.dealer)) where \(expected) are needed")
        }
        return ordered
    }

    /// Y = Σⱼ Aⱼ₀ and Yᵢ = Σⱼ Σₗ iˡ·Aⱼₗ, from the commitments alone.
    public static func derivedKeys(_ dealings: [Dealing], _ parameters: Parameters) throws -> (publicKey: ECPoint, verificationKeys: [ECPoint]) {
        let curve = parameters.curve
        let commitments = try dealings.map { try $0.commitmentPoints(curve) }
        guard commitments.allSatisfy({ $0.count == parameters.threshold }) else {
            throw BidCoreError(.openingKeyMalformed, "every dealing has \(parameters.threshold) commitments")
        }
        let one = curve.scalar(1)
        let publicKey = try curve.linearCombination(commitments.map { (one, $0[0]) })
        let verificationKeys = try parameters.participants.map { participant in
            try curve.linearCombination(try commitments.map {
                (one, try ThresholdMath.expectedSharePoint(index: participant.index, commitments: $0, curve: curve))
            })
        }
        return (publicKey, verificationKeys)
    }

    /// T = H("ebid-dkg1 transcript" ‖ ctx ‖ u32(#dealings) ‖ H(each dealing message) ‖ Y ‖ Y₁ … Yₙ).
    public static func transcriptDigest(_ parameters: Parameters, dealings: [Dealing], publicKey: ECPoint, verificationKeys: [ECPoint]) throws -> [UInt8] {
        let hash = parameters.suite.hash
        let context = try parameters.contextDigest()
        var message = Array("ebid-dkg1 transcript".utf8) + context + .uint32(UInt32(dealings.count))
        for dealing in dealings { message += StreamingDigest.hash(try dealing.message(context: context), using: hash) }
        message += publicKey.bytes
        for key in verificationKeys { message += key.bytes }
        return StreamingDigest.hash(message, using: hash)
    }

    /// What official i signs to confirm: "ebid-dkg1 confirm" ‖ u32(i) ‖ T.
    public static func confirmationMessage(index: Int, digest: [UInt8]) -> [UInt8] {
        Array("ebid-dkg1 confirm".utf8) + .uint32(UInt32(index)) + digest
    }

    /// What the platform signs: "ebid-dkg1 platform" ‖ T.
    public static func platformMessage(digest: [UInt8]) -> [UInt8] { Array("ebid-dkg1 platform".utf8) + digest }
}

extension KeyCeremony.Dealing.Share {
    func wrappedBytes() throws -> [UInt8] {
        guard let data = Data(base64Encoded: wrapped) else { throw BidCoreError(.openingKeyMalformed, "share \(recipient) is not base64") }
        return [UInt8](data)
    }
}

extension BidCoreError.Code {
    public static let dealingInvalid: Self = "ceremony.dealing-invalid"
    public static let complaintInvalid: Self = "ceremony.complaint-invalid"
}
