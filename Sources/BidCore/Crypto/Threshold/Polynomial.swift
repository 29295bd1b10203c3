import Foundation

/// A secret polynomial f(x) = a₀ + a₁x + … + a_{k−1}x^{k−1} over Z_n (Shamir's scheme over the
/// curve's group order, never byte-wise): shares are f(1), …, f(m); Feldman commitments Aₗ = aₗ·G
/// let anyone check a share s against them (s·G = Σ iˡ·Aₗ) without learning it.
///
/// Used by `ebid opening keygen` (one machine: a₀ is the opening private key) and by each dealer
/// of the key ceremony (a₀ is its contribution, which nobody ever sees).
public struct SecretPolynomial: Sendable {
    public let curve: Curve
    private var coefficients: [Scalar]

    /// A random polynomial of degree `threshold − 1` (non-zero coefficients).
    public init(curve: Curve, threshold: Int, constant: Scalar? = nil) throws {
        guard threshold >= 1 else { throw BidCoreError(.invalidInput, "a threshold is at least 1") }
        self.curve = curve
        var coefficients = [try constant ?? curve.randomScalar()]
        for _ in 1..<threshold { coefficients.append(try curve.randomScalar()) }
        self.coefficients = coefficients
    }

    /// For known-answer tests only: fixed coefficients a₀, a₁, ….
    init(curve: Curve, coefficients: [Scalar]) {
        self.curve = curve
        self.coefficients = coefficients
    }

    public var threshold: Int { coefficients.count }

    /// f(x) mod n, by Horner's rule.
    public func evaluate(at x: Int) throws -> Scalar {
        precondition(x > 0, "share indices start at 1: f(0) is the secret")
        let point = curve.scalar(x)
        var value = coefficients[coefficients.count - 1]
        for coefficient in coefficients.dropLast().reversed() {
            value = try curve.add(try curve.multiply(value, point), coefficient)
        }
        return value
    }

    /// Feldman commitments aₗ·G, l = 0…k−1 (A₀ is the public key of the constant term).
    public func commitments() throws -> [ECPoint] {
        try coefficients.map { try curve.multiplyGenerator($0) }
    }

    /// Overwrites the coefficients.
    public mutating func wipe() {
        for index in coefficients.indices { coefficients[index].wipe() }
    }
}

/// Public arithmetic on shares: Lagrange coefficients and Feldman checks.
public enum ThresholdMath {
    /// Lagrange coefficients at x = 0 for the given distinct, non-zero indices:
    /// λᵢ = Π_{j≠i} xⱼ / (xⱼ − xᵢ) mod n, so that f(0) = Σ λᵢ·f(xᵢ).
    public static func lagrangeAtZero(_ indices: [Int], curve: Curve) throws -> [Scalar] {
        guard !indices.isEmpty, Set(indices).count == indices.count, indices.allSatisfy({ $0 > 0 }) else {
            throw BidCoreError(.invalidInput, "share indices must be distinct and non-zero")
        }
        return try indices.map { i in
            var numerator = curve.scalar(1)
            var denominator = curve.scalar(1)
            for j in indices where j != i {
                numerator = try curve.multiply(numerator, curve.scalar(j))
                denominator = try curve.multiply(denominator, curve.subtract(curve.scalar(j), curve.scalar(i)))
            }
            return try curve.multiply(numerator, curve.inverse(denominator))
        }
    }

    /// Σ iˡ·Aₗ: what s·G must be for the share s = f(i) of a polynomial committed to by `commitments`.
    public static func expectedSharePoint(index: Int, commitments: [ECPoint], curve: Curve) throws -> ECPoint {
        var power = curve.scalar(1)
        var terms: [(Scalar, ECPoint)] = []
        for commitment in commitments {
            terms.append((power, commitment))
            power = try curve.multiply(power, curve.scalar(index))
        }
        return try curve.linearCombination(terms)
    }

    /// Σ λᵢ·Pᵢ over the given (index, point) pairs: interpolation in the exponent at x = 0.
    public static func combineAtZero(_ points: [(index: Int, point: ECPoint)], curve: Curve) throws -> ECPoint {
        let lambdas = try lagrangeAtZero(points.map(\.index), curve: curve)
        return try curve.linearCombination(Array(zip(lambdas, points.map(\.point))))
    }
}
