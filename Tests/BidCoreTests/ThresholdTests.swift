@testable import BidCore
import Foundation
import Testing
import TestSupport

/// Threshold decryption: the curve arithmetic, Shamir over Z_n, partial decryptions with proofs,
/// combination in the exponent and unwrapping with the combined point.
@Suite("Threshold decryption: known answers and properties")
struct ThresholdTests {
    struct VectorFile: Decodable {
        struct Partial: Decodable { let index: Int; let point: String; let proof: String }
        struct Subset: Decodable { let indices: [Int]; let lagrange: [String] }
        struct KDF: Decodable { let z: String; let length: Int; let output: String }
        struct Vector: Decodable {
            let suite: Suite
            let threshold: Int
            let coefficients: [String]
            let commitments: [String]
            let shares: [String]
            let verificationKeys: [String]
            let publicKey: String
            let keyId: String
            let tenderId: String
            let packageId: String
            let contentKey: String
            let algorithm: KeyWrapAlgorithm
            let wrappedKey: String
            let ephemeral: String
            let partials: [Partial]
            let combined: String
            let subsets: [Subset]
            let sm2kdf: KDF?
        }
        let suites: [Vector]
    }

    static let vectors: [VectorFile.Vector] = (try? loadVectors("threshold", as: VectorFile.self).suites) ?? []

    func scalar(_ text: String, _ curve: Curve) throws -> Scalar { try curve.scalar(hex(text)) }

    // MARK: Known answers (scripts/vectors/threshold-vectors.py: plain Python integers)

    @Test("fixed shares and a fixed E give the published Dᵢ, combined point and content key", arguments: Suite.allCases)
    func knownAnswers(suite: Suite) throws {
        let vector = try #require(Self.vectors.first { $0.suite == suite })
        let curve = Curve.of(suite)
        let polynomial = SecretPolynomial(curve: curve, coefficients: try vector.coefficients.map { try scalar($0, curve) })
        #expect(try polynomial.commitments().map(\.hex) == vector.commitments)
        let shares = try (1...5).map { try polynomial.evaluate(at: $0) }
        #expect(shares.map(\.hex) == vector.shares)
        #expect(try shares.map { try curve.multiplyGenerator($0).hex } == vector.verificationKeys)
        #expect(try curve.multiplyGenerator(try scalar(vector.coefficients[0], curve)).hex == vector.publicKey)
        // Feldman: each share's point follows from the commitments.
        let commitments = try vector.commitments.map { try curve.point(hex: $0) }
        for (index, key) in vector.verificationKeys.enumerated() {
            #expect(try ThresholdMath.expectedSharePoint(index: index + 1, commitments: commitments, curve: curve).hex == key)
        }
        // Dᵢ = sᵢ·E for the wrapped key's own ephemeral point.
        let wrapped = hex(vector.wrappedKey)
        let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: wrapped, algorithm: vector.algorithm)
        #expect(ephemeral.hex == vector.ephemeral)
        let context = PartialContext(keyId: vector.keyId, tenderId: vector.tenderId, packageId: hex(vector.packageId))
        for (share, expected) in zip(shares, vector.partials) {
            #expect(try curve.multiply(ephemeral, by: share).hex == expected.point)
            // The Python-made proof (fixed nonce) verifies here: the challenge hash is as specified.
            let partial = PartialDecryption(index: expected.index, point: expected.point, proof: expected.proof)
            #expect(try ThresholdDecryption.verify(partial, verificationKey: try curve.point(hex: vector.verificationKeys[expected.index - 1]),
                                                   ephemeral: ephemeral, context: context, curve: curve).hex == expected.point)
        }
        // Every 3 of the 5: the published Lagrange coefficients, the same combined point, the content key.
        for subset in vector.subsets {
            #expect(try ThresholdMath.lagrangeAtZero(subset.indices, curve: curve).map(\.hex) == subset.lagrange)
            let combined = try ThresholdDecryption.combine(subset.indices.map { (index: $0, point: try curve.point(hex: vector.partials[$0 - 1].point)) },
                                                           curve: curve)
            #expect(combined.hex == vector.combined)
            let key = try ThresholdDecryption.unwrap(wrapped, algorithm: vector.algorithm, sharedPoint: combined,
                                                     recipient: try curve.point(hex: vector.publicKey),
                                                     context: PayloadKeys.wrapContext(packageId: hex(vector.packageId)))
            #expect(hexString(key) == vector.contentKey)
        }
        // The wrapped key is what OpenSSL itself unwraps with the whole key d (made only here, in a test).
        let d = try PrivateKey.fromECScalar(hex(vector.coefficients[0]), type: curve.keyType)
        #expect(hexString(try KeyWrap.unwrap(wrapped, algorithm: vector.algorithm, with: d,
                                             context: PayloadKeys.wrapContext(packageId: hex(vector.packageId)))) == vector.contentKey)
        if let kdf = vector.sm2kdf {
            #expect(hexString(SM2Ciphertext.kdf(hex(kdf.z), length: kdf.length)) == kdf.output)
        }
    }

    @Test("an SM2 key wrapped by OpenSSL (EVP_PKEY_encrypt) unwraps with d·C1 computed by partials, for random keys")
    func sm2AgainstOpenSSL() throws {
        for _ in 0..<8 {
            let curve = Curve.sm2
            let polynomial = try SecretPolynomial(curve: curve, threshold: 2)
            let shares = try (1...3).map { try polynomial.evaluate(at: $0) }
            let key = try PrivateKey.fromECScalar(try polynomial.evaluate(atZeroForTests: ()).bytes, type: .sm2)
            let secret = SecureRandom.bytes(32)
            let (algorithm, wrapped) = try KeyWrap.wrap(secret, to: key.publicKey, context: [])
            let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: wrapped, algorithm: algorithm)
            let combined = try ThresholdDecryption.combine([(1, try curve.multiply(ephemeral, by: shares[0])), (3, try curve.multiply(ephemeral, by: shares[2]))],
                                                           curve: curve)
            #expect(try ThresholdDecryption.unwrap(wrapped, algorithm: algorithm, sharedPoint: combined,
                                                   recipient: try curve.point(try key.publicKey.ecPublicPoint()), context: []) == secret)
        }
    }

    // MARK: Properties

    @Test("any k of n partials give the same point, d·E; k−1 give a point that unwraps nothing", arguments: Suite.allCases)
    func anyKOfN(suite: Suite) throws {
        let curve = Curve.of(suite)
        for (k, n) in [(2, 3), (3, 5), (4, 4)] {
            let polynomial = try SecretPolynomial(curve: curve, threshold: k)
            let d = try polynomial.evaluate(atZeroForTests: ())
            let key = try PrivateKey.fromECScalar(d.bytes, type: curve.keyType)
            let recipient = try curve.point(try key.publicKey.ecPublicPoint())
            let secret = SecureRandom.bytes(32)
            let (algorithm, wrapped) = try KeyWrap.wrap(secret, to: key.publicKey, context: Array("ctx".utf8))
            let ephemeral = try ThresholdDecryption.ephemeralPoint(wrapped: wrapped, algorithm: algorithm)
            let partials = try (1...n).map { (index: $0, point: try curve.multiply(ephemeral, by: try polynomial.evaluate(at: $0))) }
            let expected = try curve.multiply(ephemeral, by: d)
            for subset in subsets(of: partials, size: k) {
                #expect(try ThresholdDecryption.combine(subset, curve: curve) == expected)
            }
            #expect(try ThresholdDecryption.unwrap(wrapped, algorithm: algorithm, sharedPoint: expected, recipient: recipient,
                                                   context: Array("ctx".utf8)) == secret)
            for subset in subsets(of: partials, size: k - 1) where k - 1 >= 1 {
                let point = try ThresholdDecryption.combine(subset, curve: curve)
                #expect(point != expected)
                #expect(throws: BidCoreError.self) {
                    _ = try ThresholdDecryption.unwrap(wrapped, algorithm: algorithm, sharedPoint: point, recipient: recipient, context: Array("ctx".utf8))
                }
            }
        }
    }

    @Test("a proof verifies only for its own share, point, base and context; forged points with valid-looking proofs are caught",
          arguments: Suite.allCases)
    func proofs(suite: Suite) throws {
        let curve = Curve.of(suite)
        let share = try curve.randomScalar()
        let other = try curve.randomScalar()
        let y = try curve.multiplyGenerator(share)
        let e = try curve.multiplyGenerator(try curve.randomScalar())
        let context = PartialContext(keyId: "k", tenderId: "T-1", packageId: SecureRandom.bytes(16))
        let partial = try ThresholdDecryption.partial(share: share, index: 2, verificationKey: y, ephemeral: e, context: context, curve: curve)
        #expect(try ThresholdDecryption.verify(partial, verificationKey: y, ephemeral: e, context: context, curve: curve) == curve.multiply(e, by: share))
        func refused(_ candidate: PartialDecryption, key: ECPoint? = nil, base: ECPoint? = nil, in bound: PartialContext? = nil) {
            expectCode(.partialInvalid) {
                _ = try ThresholdDecryption.verify(candidate, verificationKey: key ?? y, ephemeral: base ?? e, context: bound ?? context, curve: curve)
            }
        }
        // A valid point that is not sᵢ·E, with the honest proof or a proof made with another share.
        var forged = partial
        forged.point = try curve.multiply(e, by: other).hex
        refused(forged)
        let wrongShare = try ThresholdDecryption.partial(share: other, index: 2, verificationKey: y, ephemeral: e, context: context, curve: curve)
        refused(wrongShare)
        // The same partial for another bid (another E or another package), another index, another key.
        refused(partial, base: try curve.multiplyGenerator(try curve.randomScalar()))
        refused(partial, in: PartialContext(keyId: "k", tenderId: "T-1", packageId: SecureRandom.bytes(16)))
        refused(partial, in: PartialContext(keyId: "k", tenderId: "T-2", packageId: context.packageId))
        var renumbered = partial
        renumbered.index = 3
        refused(renumbered)
        refused(partial, key: try curve.multiplyGenerator(other))
        // Malformed: not hex, not on the curve, a proof value ≥ n.
        var garbage = partial
        garbage.point = "zz"
        refused(garbage)
        var offCurve = partial
        var bytes = hex(partial.point)
        bytes[64] ^= 1
        offCurve.point = hexString(bytes)
        refused(offCurve)
        var bigProof = partial
        bigProof.proof = String(repeating: "f", count: 128)
        refused(bigProof)
    }

    @Test("points off the curve, at infinity or badly encoded are refused; scalars ≥ n are refused or reduced where stated", arguments: Suite.allCases)
    func pointsAndScalars(suite: Suite) throws {
        let curve = Curve.of(suite)
        let g = curve.generator
        #expect(try curve.point(g.bytes) == g)
        var bad = g.bytes
        bad[40] ^= 0x55
        expectCode(.invalidPoint) { _ = try curve.point(bad) }
        expectCode(.invalidPoint) { _ = try curve.point([0x04] + [UInt8](repeating: 0, count: 64)) }   // (0, 0) is not on either curve
        expectCode(.invalidPoint) { _ = try curve.point([0x02] + g.x) }                                   // compressed: refused
        expectCode(.invalidPoint) { _ = try curve.point(Array(g.bytes.prefix(64))) }
        // The other curve's generator is not on this one.
        let other = suite == .gm ? Curve.p256 : Curve.sm2
        expectCode(.invalidPoint) { _ = try curve.point(other.generator.bytes) }
        // n − 1 + 1 = 0 mod n; (n − 1)·G + G is the point at infinity.
        let minusOne = try curve.subtract(curve.scalar(0), curve.scalar(1))
        #expect(try curve.add(minusOne, curve.scalar(1)).isZero)
        expectCode(.pointAtInfinity) { _ = try curve.add(try curve.multiplyGenerator(minusOne), g) }
        expectCode(.invalidScalar) { _ = try curve.scalar([UInt8](repeating: 0xff, count: 32)) }
        expectCode(.invalidScalar) { _ = try curve.scalar([1, 2, 3]) }
        #expect(try curve.reduce([UInt8](repeating: 0xff, count: 64)) != curve.scalar(0))
        #expect(try curve.multiply(try curve.inverse(curve.scalar(7)), curve.scalar(7)) == curve.scalar(1))
        // Lagrange at 0 for x = 1, 2: λ₁ = 2, λ₂ = −1.
        #expect(try ThresholdMath.lagrangeAtZero([1, 2], curve: curve) == [curve.scalar(2), minusOne])
        expectCode(.invalidInput) { _ = try ThresholdMath.lagrangeAtZero([1, 1], curve: curve) }
    }

    @Test("SM2 ciphertexts that are truncated, re-encoded or carry a point off the curve are refused")
    func sm2CiphertextParsing() throws {
        let key = try PrivateKey.generate(.sm2)
        let (_, wrapped) = try KeyWrap.wrap(SecureRandom.bytes(32), to: key.publicKey, context: [])
        _ = try SM2Ciphertext(der: wrapped)
        expectCode(.keyUnwrapFailed) { _ = try SM2Ciphertext(der: Array(wrapped.dropLast())) }
        expectCode(.keyUnwrapFailed) { _ = try SM2Ciphertext(der: wrapped + [0]) }
        var offCurve = wrapped
        offCurve[6] ^= 1   // inside x
        #expect(throws: BidCoreError.self) { _ = try SM2Ciphertext(der: offCurve) }
    }
}

extension SecretPolynomial {
    /// f(0): the secret itself. Only tests (and keygen's dealer) ever know it.
    func evaluate(atZeroForTests: Void) throws -> Scalar {
        // f(0) = Σ λᵢ f(i) for any k points.
        let indices = Array(1...threshold)
        let lambdas = try ThresholdMath.lagrangeAtZero(indices, curve: curve)
        var total = curve.scalar(0)
        for (index, lambda) in zip(indices, lambdas) { total = try curve.add(total, try curve.multiply(lambda, try evaluate(at: index))) }
        return total
    }
}
