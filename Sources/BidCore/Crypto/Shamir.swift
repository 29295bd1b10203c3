import Foundation

/// Shamir's secret sharing over GF(2^8), byte by byte (as HashiCorp Vault's `shamir` package):
/// each byte of the secret is the constant term of its own random polynomial of degree k−1.
///
/// Field arithmetic is constant-time (no table lookups indexed by secret data). Any k shares
/// rebuild the secret; k−1 shares are consistent with every possible secret, equally often.
public enum Shamir {
    public struct Share: Sendable, Hashable, Codable {
        /// The x coordinate, 1…255 (never 0, which would be the secret itself).
        public let x: UInt8
        /// The polynomial values at x, one per secret byte.
        public let y: [UInt8]

        public init(x: UInt8, y: [UInt8]) {
            self.x = x
            self.y = y
        }
    }

    /// Splits `secret` into `count` shares, any `threshold` of which rebuild it.
    public static func split(_ secret: [UInt8], threshold: Int, count: Int,
                             random: (Int) -> [UInt8] = SecureRandom.bytes) throws -> [Share] {
        guard threshold >= 2 else { throw BidCoreError(.invalidInput, "threshold must be at least 2, got \(threshold)") }
        guard count >= threshold else { throw BidCoreError(.invalidInput, "cannot make \(count) shares with threshold \(threshold)") }
        guard count <= 255 else { throw BidCoreError(.invalidInput, "at most 255 shares") }
        guard !secret.isEmpty else { throw BidCoreError(.invalidInput, "empty secret") }
        // coefficients[b] = random coefficients a1…a(k−1) for secret byte b.
        var coefficients = random(secret.count * (threshold - 1))
        defer { wipe(&coefficients) }
        return (1...count).map { index in
            let x = UInt8(index)
            let y = secret.indices.map { byteIndex -> UInt8 in
                // Horner: (((a(k−1)·x + a(k−2))·x + …) + a1)·x + secret
                var value: UInt8 = 0
                for degree in stride(from: threshold - 1, through: 1, by: -1) {
                    value = GF256.mul(value, x) ^ coefficients[byteIndex * (threshold - 1) + degree - 1]
                }
                return GF256.mul(value, x) ^ secret[byteIndex]
            }
            return Share(x: x, y: y)
        }
    }

    /// Rebuilds the secret by Lagrange interpolation at x = 0 over all given shares. Give exactly
    /// the threshold number of shares (more work as well if they are consistent).
    public static func combine(_ shares: [Share]) throws -> [UInt8] {
        guard shares.count >= 2 else { throw BidCoreError(.invalidInput, "need at least 2 shares") }
        let length = shares[0].y.count
        guard shares.allSatisfy({ $0.y.count == length }), length > 0 else {
            throw BidCoreError(.invalidInput, "shares have different lengths")
        }
        guard Set(shares.map(\.x)).count == shares.count, !shares.contains(where: { $0.x == 0 }) else {
            throw BidCoreError(.invalidInput, "shares must have distinct, non-zero x coordinates")
        }
        // Lagrange basis at 0: l_i = Π_{j≠i} x_j / (x_j − x_i); subtraction is XOR in GF(2^8).
        let basis = shares.indices.map { i -> UInt8 in
            var numerator: UInt8 = 1
            var denominator: UInt8 = 1
            for j in shares.indices where j != i {
                numerator = GF256.mul(numerator, shares[j].x)
                denominator = GF256.mul(denominator, shares[j].x ^ shares[i].x)
            }
            return GF256.mul(numerator, GF256.inverse(denominator))
        }
        return (0..<length).map { byteIndex in
            var value: UInt8 = 0
            for (i, share) in shares.enumerated() { value ^= GF256.mul(share.y[byteIndex], basis[i]) }
            return value
        }
    }
}

/// GF(2^8) with the AES polynomial x^8 + x^4 + x^3 + x + 1, constant-time.
enum GF256 {
    @inline(__always)
    static func mul(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        for _ in 0..<8 {
            product ^= a & (0 &- (b & 1))
            let carry = a >> 7
            a = (a << 1) ^ (0x1b & (0 &- carry))
            b >>= 1
        }
        return product
    }

    /// a^254 = a^−1 for a ≠ 0 (and 0 for 0), by square-and-multiply with a fixed schedule.
    static func inverse(_ a: UInt8) -> UInt8 {
        var result: UInt8 = 1
        var base = a
        var exponent = 254
        while exponent > 0 {
            let factor = (exponent & 1) == 1 ? base : 1
            result = mul(result, factor)
            base = mul(base, base)
            exponent >>= 1
        }
        return result
    }
}
