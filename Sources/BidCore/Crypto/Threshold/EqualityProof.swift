import Foundation

/// A Chaum–Pedersen proof that two points have the same discrete logarithm: for the public Y = s·G
/// and D = s·E, it shows that one s lies behind both without revealing it (made non-interactive
/// with the Fiat–Shamir transform; docs/sealed-bid-format.md, "Proofs").
///
/// Prover: random r; A = r·G, B = r·E; c = Hₙ(label, context, G, Y, E, D, A, B); z = r + c·s mod n.
/// Verifier: A' = z·G − c·Y, B' = z·E − c·D, and c = Hₙ(label, context, G, Y, E, D, A', B').
///
/// Hₙ is the suite hash H widened to 512 bits and reduced mod n:
/// `Hₙ(m) = (H(00 ‖ m) ‖ H(01 ‖ m)) mod n` with
/// `m = "ebid-dleq1" ‖ lp(label) ‖ lp(context) ‖ G ‖ Y ‖ E ‖ D ‖ A ‖ B` (points uncompressed,
/// `lp(x) = u32(len(x)) ‖ x`). The label names what is proven (`partial`, `complaint`); the context
/// binds the proof to its bid or ceremony message, so that it cannot be replayed elsewhere.
public struct EqualityProof: Sendable, Equatable {
    public let challenge: Scalar
    public let response: Scalar

    /// 64 bytes: c ‖ z.
    public var bytes: [UInt8] { challenge.bytes + response.bytes }
    public var hex: String { Hex.encode(bytes) }

    public init(bytes: [UInt8], curve: Curve) throws {
        guard bytes.count == 2 * Curve.scalarSize else { throw BidCoreError(.proofInvalid, "a proof is 64 bytes (c ‖ z)") }
        do {
            challenge = try curve.scalar(Array(bytes.prefix(32)))
            response = try curve.scalar(Array(bytes.suffix(32)))
        } catch {
            throw BidCoreError(.proofInvalid, "a proof value is not below the group order")
        }
    }

    public init(hex: String, curve: Curve) throws {
        guard let bytes = Hex.decode(hex) else { throw BidCoreError(.proofInvalid, "a proof is written in hex") }
        try self.init(bytes: bytes, curve: curve)
    }

    init(challenge: Scalar, response: Scalar) {
        self.challenge = challenge
        self.response = response
    }

    /// Proves that `secret` is the logarithm of both `publicPoint` (base G) and `result` (base `base`).
    public static func prove(secret: Scalar, base: ECPoint, publicPoint: ECPoint, result: ECPoint,
                             label: String, context: [UInt8], curve: Curve) throws -> EqualityProof {
        var nonce = try curve.randomScalar()
        defer { nonce.wipe() }
        let a = try curve.multiplyGenerator(nonce)
        let b = try curve.multiply(base, by: nonce)
        let c = try challenge(curve: curve, label: label, context: context, points: [curve.generator, publicPoint, base, result, a, b])
        let z = try curve.add(nonce, try curve.multiply(c, secret))
        return EqualityProof(challenge: c, response: z)
    }

    /// Whether the proof shows log_G(publicPoint) = log_base(result).
    public func verify(base: ECPoint, publicPoint: ECPoint, result: ECPoint, label: String, context: [UInt8], curve: Curve) -> Bool {
        do {
            let minusC = try curve.subtract(curve.scalar(0), challenge)
            let a = try curve.multiplyGenerator(response, adding: publicPoint, times: minusC)
            let b = try curve.add(try curve.multiply(base, by: response), try curve.multiply(result, by: minusC))
            let expected = try Self.challenge(curve: curve, label: label, context: context,
                                              points: [curve.generator, publicPoint, base, result, a, b])
            return expected == challenge
        } catch {
            // A point at infinity on the way (A' or B'): no valid proof leads there.
            return false
        }
    }

    static func challenge(curve: Curve, label: String, context: [UInt8], points: [ECPoint]) throws -> Scalar {
        var message = Array("ebid-dleq1".utf8)
        message += lengthPrefixed(Array(label.utf8))
        message += lengthPrefixed(context)
        for point in points { message += point.bytes }
        let hash = curve.suite.hash
        let wide = StreamingDigest.hash([0x00] + message, using: hash) + StreamingDigest.hash([0x01] + message, using: hash)
        return try curve.reduce(wide)
    }
}

/// `u32(len(x)) ‖ x`: how variable-length fields enter hashes and signed messages.
func lengthPrefixed(_ bytes: [UInt8]) -> [UInt8] { .uint32(UInt32(bytes.count)) + bytes }
func lengthPrefixed(_ text: String) -> [UInt8] { lengthPrefixed(Array(text.utf8)) }

extension BidCoreError.Code {
    public static let proofInvalid: Self = "threshold.proof-invalid"
}
