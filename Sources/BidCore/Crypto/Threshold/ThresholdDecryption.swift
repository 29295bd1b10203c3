import Foundation

/// One official's partial decryption of one wrapped key: Dᵢ = sᵢ·E, where E is the wrapped key's
/// ephemeral point and sᵢ the official's share, with a proof that the same sᵢ lies behind the
/// official's verification key Yᵢ = sᵢ·G. It opens nothing by itself; k of them, combined, give
/// d·E for that one wrapped key and nothing else.
public struct PartialDecryption: Codable, Sendable, Equatable {
    /// The official's share number (its x coordinate).
    public var index: Int
    /// Dᵢ, uncompressed, hex.
    public var point: String
    /// The Chaum–Pedersen proof c ‖ z, hex (`EqualityProof`).
    public var proof: String

    public init(index: Int, point: String, proof: String) {
        self.index = index
        self.point = point
        self.proof = proof
    }
}

/// What a partial decryption is bound to: the opening key, the tender and the package. It enters
/// the proof's hash, so that a proof made for one bid is worthless for any other.
public struct PartialContext: Sendable, Equatable {
    public var keyId: String
    public var tenderId: String
    /// The package's 16 random bytes (`packageId`).
    public var packageId: [UInt8]

    public init(keyId: String, tenderId: String, packageId: [UInt8]) {
        self.keyId = keyId
        self.tenderId = tenderId
        self.packageId = packageId
    }

    /// `lp(keyId) ‖ lp(tenderId) ‖ lp(packageId) ‖ u32(index)`.
    func bytes(index: Int) -> [UInt8] {
        lengthPrefixed(keyId) + lengthPrefixed(tenderId) + lengthPrefixed(packageId) + .uint32(UInt32(index))
    }
}

/// Threshold decryption of wrapped keys (DESIGN.md, "The opening key"). Both key wraps of the
/// `opening` recipient are Diffie–Hellman on a curve: SM2-ENC derives its key from d·C1, ECIES
/// from d·E. Whoever has d·E (here: k partials combined) can unwrap that one key; d itself, and any
/// share sᵢ, never leave the officials' machines.
public enum ThresholdDecryption {
    /// The ephemeral point of a wrapped key: C1 of an SM2 ciphertext, E of an ECIES one.
    public static func ephemeralPoint(wrapped: [UInt8], algorithm: KeyWrapAlgorithm) throws -> ECPoint {
        switch algorithm {
        case .sm2: return try SM2Ciphertext(der: wrapped).c1
        case .eciesP256:
            guard wrapped.count > 65 else { throw BidCoreError(.keyUnwrapFailed, "ECIES wrapped key is too short") }
            return try Curve.p256.point(Array(wrapped.prefix(65)))
        case .rsaOAEP:
            throw BidCoreError(.unsupportedKey, "RSA-OAEP has no threshold decryption: an opening key is SM2 or P-256")
        }
    }

    /// Computes Dᵢ = sᵢ·E and its proof (on the official's machine).
    public static func partial(share: Scalar, index: Int, verificationKey: ECPoint, ephemeral: ECPoint,
                               context: PartialContext, curve: Curve) throws -> PartialDecryption {
        let point = try curve.multiply(ephemeral, by: share)
        let proof = try EqualityProof.prove(secret: share, base: ephemeral, publicPoint: verificationKey, result: point,
                                            label: "partial", context: context.bytes(index: index), curve: curve)
        return PartialDecryption(index: index, point: point.hex, proof: proof.hex)
    }

    /// Checks a partial decryption against the official's verification key; returns Dᵢ.
    public static func verify(_ partial: PartialDecryption, verificationKey: ECPoint, ephemeral: ECPoint,
                              context: PartialContext, curve: Curve) throws -> ECPoint {
        let point: ECPoint
        let proof: EqualityProof
        do {
            point = try curve.point(hex: partial.point)
            proof = try EqualityProof(hex: partial.proof, curve: curve)
        } catch let error as BidCoreError {
            throw BidCoreError(.partialInvalid, "partial decryption \(partial.index) is malformed: \(error.reason)")
        }
        guard proof.verify(base: ephemeral, publicPoint: verificationKey, result: point, label: "partial",
                           context: context.bytes(index: partial.index), curve: curve) else {
            throw BidCoreError(.partialInvalid, "the proof of partial decryption \(partial.index) does not verify against its verification key")
        }
        return point
    }

    /// d·E from any k partials (Lagrange interpolation in the exponent).
    public static func combine(_ partials: [(index: Int, point: ECPoint)], curve: Curve) throws -> ECPoint {
        try ThresholdMath.combineAtZero(partials, curve: curve)
    }

    /// Unwraps a key with the shared point d·E instead of the private key d.
    /// - Parameters:
    ///   - recipient: the recipient's public point (ECIES mixes it into the key derivation).
    ///   - context: the wrap's context (ECIES only).
    public static func unwrap(_ wrapped: [UInt8], algorithm: KeyWrapAlgorithm, sharedPoint: ECPoint, recipient: ECPoint,
                              context: [UInt8]) throws -> [UInt8] {
        switch algorithm {
        case .sm2: return try SM2Ciphertext(der: wrapped).decrypt(sharedPoint: sharedPoint)
        case .eciesP256:
            let ephemeral = try ephemeralPoint(wrapped: wrapped, algorithm: algorithm)
            return try KeyWrap.eciesOpen(Array(wrapped.dropFirst(65)), sharedX: sharedPoint.x, ephemeral: ephemeral.bytes,
                                         recipient: recipient.bytes, context: context)
        case .rsaOAEP:
            throw BidCoreError(.unsupportedKey, "RSA-OAEP has no threshold decryption")
        }
    }
}

/// An SM2 public-key ciphertext as OpenSSL writes it (GB/T 32918.4, DER C1C3C2):
/// `SEQUENCE { x INTEGER, y INTEGER, hash OCTET STRING (32), ciphertext OCTET STRING }`.
///
/// Decryption with the shared point (x₂, y₂) = d·C1, as the standard defines it: t = KDF(x₂ ‖ y₂,
/// len(C2)) with SM3, refuse t = 0, M = C2 ⊕ t, and C3 must equal SM3(x₂ ‖ M ‖ y₂).
struct SM2Ciphertext {
    let c1: ECPoint
    let c3: [UInt8]
    let c2: [UInt8]

    init(der: [UInt8]) throws {
        func malformed() -> BidCoreError { BidCoreError(.keyUnwrapFailed, "not an SM2 ciphertext (DER C1C3C2)") }
        guard let sequence = DER.element(in: der, at: 0), sequence.tag == 0x30, sequence.range.upperBound == der.count,
              let x = DER.element(in: der, at: sequence.valueRange.lowerBound), x.tag == 0x02,
              let y = DER.element(in: der, at: x.range.upperBound), y.tag == 0x02,
              let hash = DER.element(in: der, at: y.range.upperBound), hash.tag == 0x04, hash.valueRange.count == 32,
              let text = DER.element(in: der, at: hash.range.upperBound), text.tag == 0x04, !text.valueRange.isEmpty,
              text.range.upperBound == sequence.range.upperBound else { throw malformed() }
        func coordinate(_ element: DER.Element) throws -> [UInt8] {
            var value = Array(der[element.valueRange].drop { $0 == 0 })
            guard value.count <= 32 else { throw malformed() }
            value.insert(contentsOf: [UInt8](repeating: 0, count: 32 - value.count), at: 0)
            return value
        }
        c1 = try Curve.sm2.point([0x04] + coordinate(x) + coordinate(y))
        c3 = Array(der[hash.valueRange])
        c2 = Array(der[text.valueRange])
    }

    func decrypt(sharedPoint: ECPoint) throws -> [UInt8] {
        var t = Self.kdf(sharedPoint.x + sharedPoint.y, length: c2.count)
        defer { wipe(&t) }
        guard t.contains(where: { $0 != 0 }) else { throw BidCoreError(.keyUnwrapFailed, "SM2 decryption: the derived key is zero") }
        var message = zip(c2, t).map { $0 ^ $1 }
        let check = StreamingDigest.hash(sharedPoint.x + message + sharedPoint.y, using: .sm3)
        guard constantTimeEqual(check, c3) else {
            wipe(&message)
            throw BidCoreError(.keyUnwrapFailed, "SM2 decryption failed: wrong key, or the wrapped key was altered")
        }
        return message
    }

    /// The SM2 key derivation function (GB/T 32918.4 §5.4.3): SM3(Z ‖ u32(ct)) for ct = 1, 2, …
    static func kdf(_ z: [UInt8], length: Int) -> [UInt8] {
        var out: [UInt8] = []
        var counter: UInt32 = 1
        while out.count < length {
            out += StreamingDigest.hash(z + [UInt8].uint32(counter), using: .sm3)
            counter += 1
        }
        return Array(out.prefix(length))
    }
}

extension BidCoreError.Code {
    public static let partialInvalid: Self = "threshold.partial-invalid"
}
