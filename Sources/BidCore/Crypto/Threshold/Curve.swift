internal import COpenSSL
import Foundation

/// Owns one EC_GROUP. A group is never changed after it is made, and OpenSSL's point and scalar
/// functions only read it (each call here brings its own BN_CTX), so sharing it between threads is
/// safe: hence `@unchecked Sendable`.
final class ECGroupBox: @unchecked Sendable {
    let group: OpaquePointer
    /// The group order n (owned by the group).
    let order: OpaquePointer

    init(nid: Int32) {
        guard let group = EC_GROUP_new_by_curve_name(nid), let order = EC_GROUP_get0_order(group) else {
            fatalError("OpenSSL lacks curve \(nid): \(OpenSSLErrors.drain())")
        }
        self.group = group
        self.order = order
    }

    deinit { EC_GROUP_free(group) }
}

/// One of the two curves of the opening key (SM2's sm2p256v1 for `GM`, P-256 for `NIST`), with the
/// group arithmetic that threshold decryption and the key ceremony need.
///
/// Everything is OpenSSL's EC_POINT / BIGNUM arithmetic — no field arithmetic is written here.
/// Every scalar is reduced modulo the group order n; every point that comes from outside is
/// decoded with `point(_:)`, which refuses anything not on the curve and the point at infinity.
/// Single-term multiplications (s·G, s·P: the ones with secret scalars) use OpenSSL's
/// constant-time ladder; two-term ones (a·G + b·P) are only used on public values, to verify.
public struct Curve: Sendable {
    public let keyType: KeyType
    let box: ECGroupBox

    private init(_ keyType: KeyType) {
        self.keyType = keyType
        box = ECGroupBox(nid: keyType == .sm2 ? NID_sm2 : NID_X9_62_prime256v1)
    }

    public static let sm2 = Curve(.sm2)
    public static let p256 = Curve(.p256)

    /// The opening key's curve for a suite.
    public static func of(_ suite: Suite) -> Curve { suite == .gm ? .sm2 : .p256 }

    /// The curve of an SM2 or P-256 key.
    public static func of(_ type: KeyType) throws -> Curve {
        switch type {
        case .sm2: return .sm2
        case .p256: return .p256
        case .rsa: throw BidCoreError(.unsupportedKey, "RSA keys have no curve")
        }
    }

    public var suite: Suite { keyType.suite }

    /// Uncompressed points are 65 bytes; scalars 32.
    public static let pointSize = 65
    public static let scalarSize = 32

    // MARK: Points

    /// Decodes an uncompressed point, refusing anything that is not on the curve or is the point
    /// at infinity.
    public func point(_ bytes: [UInt8]) throws -> ECPoint {
        guard bytes.count == Self.pointSize, bytes[0] == 0x04 else {
            throw BidCoreError(.invalidPoint, "a point is 65 bytes, uncompressed (04 ‖ x ‖ y)")
        }
        try withPoint(bytes) { _, _ in }
        return ECPoint(bytes: bytes)
    }

    /// Decodes a point written in hex.
    public func point(hex: String) throws -> ECPoint {
        guard let bytes = Hex.decode(hex) else { throw BidCoreError(.invalidPoint, "a point is written in hex") }
        return try point(bytes)
    }

    /// The generator G.
    public var generator: ECPoint {
        // EC_GROUP_get0_generator is never NULL for a named curve.
        (try? encode(EC_GROUP_get0_generator(box.group)!, ctx: nil)) ?? ECPoint(bytes: [])
    }

    /// s·G.
    public func multiplyGenerator(_ s: Scalar) throws -> ECPoint {
        try withScalar(s) { k, ctx in
            try result { r in try OpenSSLErrors.check(EC_POINT_mul(box.group, r, k, nil, nil, ctx), "s·G") }
        }
    }

    /// s·P.
    public func multiply(_ p: ECPoint, by s: Scalar) throws -> ECPoint {
        try withPoint(p.bytes) { point, ctx in
            try withScalar(s, ctx: ctx) { k, _ in
                try result(ctx: ctx) { r in try OpenSSLErrors.check(EC_POINT_mul(box.group, r, nil, point, k, ctx), "s·P") }
            }
        }
    }

    /// a·G + b·P, for verification (public scalars only: not constant time).
    public func multiplyGenerator(_ a: Scalar, adding p: ECPoint, times b: Scalar) throws -> ECPoint {
        try withPoint(p.bytes) { point, ctx in
            try withScalar(a, ctx: ctx) { ka, _ in
                try withScalar(b, ctx: ctx) { kb, _ in
                    try result(ctx: ctx) { r in try OpenSSLErrors.check(EC_POINT_mul(box.group, r, ka, point, kb, ctx), "a·G + b·P") }
                }
            }
        }
    }

    /// P + Q.
    public func add(_ p: ECPoint, _ q: ECPoint) throws -> ECPoint {
        try withPoint(p.bytes) { a, ctx in
            try withPoint(q.bytes, ctx: ctx) { b, _ in
                try result(ctx: ctx) { r in try OpenSSLErrors.check(EC_POINT_add(box.group, r, a, b, ctx), "P + Q") }
            }
        }
    }

    /// Σ sᵢ·Pᵢ (public scalars and points: Lagrange combinations, Feldman checks).
    public func linearCombination(_ terms: [(Scalar, ECPoint)]) throws -> ECPoint {
        guard !terms.isEmpty else { throw BidCoreError(.invalidInput, "an empty combination") }
        let ctx = try Self.newContext()
        defer { BN_CTX_free(ctx) }
        guard let sum = EC_POINT_new(box.group), let term = EC_POINT_new(box.group) else { throw OpenSSLErrors.failure(.openssl, "EC_POINT_new") }
        defer { EC_POINT_free(sum); EC_POINT_free(term) }
        try OpenSSLErrors.check(EC_POINT_set_to_infinity(box.group, sum), "the point at infinity")
        for (s, p) in terms {
            try withPoint(p.bytes, ctx: ctx) { point, _ in
                try withScalar(s, ctx: ctx) { k, _ in
                    try OpenSSLErrors.check(EC_POINT_mul(box.group, term, nil, point, k, ctx), "s·P")
                    try OpenSSLErrors.check(EC_POINT_add(box.group, sum, sum, term, ctx), "P + Q")
                }
            }
        }
        return try encode(sum, ctx: ctx)
    }

    // MARK: Scalars

    /// The scalar `value` (a small non-negative integer: share indices, powers).
    public func scalar(_ value: Int) -> Scalar {
        precondition(value >= 0)
        var bytes = [UInt8](repeating: 0, count: Self.scalarSize)
        var v = UInt64(value)
        for i in stride(from: Self.scalarSize - 1, through: Self.scalarSize - 8, by: -1) {
            bytes[i] = UInt8(v & 0xff)
            v >>= 8
        }
        return (try? reduce(bytes)) ?? Scalar(bytes: bytes)
    }

    /// A 32-byte big-endian scalar that must already be below n (refused otherwise: a share or a
    /// proof value out of range is malformed, never silently reduced).
    public func scalar(_ bytes: [UInt8]) throws -> Scalar {
        guard bytes.count == Self.scalarSize else { throw BidCoreError(.invalidScalar, "a scalar is 32 bytes") }
        let below = try withBN(bytes) { bn, _ in BN_cmp(bn, box.order) < 0 }
        guard below else { throw BidCoreError(.invalidScalar, "the scalar is not below the group order") }
        return Scalar(bytes: bytes)
    }

    /// Any big-endian byte string, reduced modulo n (hash outputs).
    public func reduce(_ bytes: [UInt8]) throws -> Scalar {
        try withBN(bytes) { bn, ctx in
            try output(ctx) { r in BN_nnmod(r, bn, box.order, ctx) }
        }
    }

    /// A uniformly random scalar in [1, n).
    public func randomScalar() throws -> Scalar {
        let ctx = try Self.newContext()
        defer { BN_CTX_free(ctx) }
        guard let r = BN_secure_new() else { throw OpenSSLErrors.failure(.openssl, "BN_secure_new") }
        defer { BN_clear_free(r) }
        repeat {
            try OpenSSLErrors.check(BN_priv_rand_range(r, box.order), "BN_priv_rand_range")
        } while BN_is_zero(r) == 1
        return try Self.bytes(r)
    }

    public func add(_ a: Scalar, _ b: Scalar) throws -> Scalar { try binary(a, b) { r, x, y, n, ctx in BN_mod_add(r, x, y, n, ctx) } }
    public func subtract(_ a: Scalar, _ b: Scalar) throws -> Scalar { try binary(a, b) { r, x, y, n, ctx in BN_mod_sub(r, x, y, n, ctx) } }
    public func multiply(_ a: Scalar, _ b: Scalar) throws -> Scalar { try binary(a, b) { r, x, y, n, ctx in BN_mod_mul(r, x, y, n, ctx) } }

    /// a⁻¹ mod n (a ≠ 0).
    public func inverse(_ a: Scalar) throws -> Scalar {
        guard !a.isZero else { throw BidCoreError(.invalidScalar, "zero has no inverse") }
        return try withScalar(a) { x, ctx in
            try output(ctx) { r in BN_mod_inverse(r, x, box.order, ctx) == nil ? 0 : 1 }
        }
    }

    // MARK: OpenSSL plumbing

    static func newContext() throws -> OpaquePointer {
        guard let ctx = BN_CTX_secure_new() else { throw OpenSSLErrors.failure(.openssl, "BN_CTX_secure_new") }
        return ctx
    }

    /// Runs `body` with the point decoded into an EC_POINT (checked on the curve, not infinity).
    private func withPoint<T>(_ bytes: [UInt8], ctx given: OpaquePointer? = nil, _ body: (OpaquePointer, OpaquePointer) throws -> T) throws -> T {
        let ctx = try given ?? Self.newContext()
        defer { if given == nil { BN_CTX_free(ctx) } }
        guard let point = EC_POINT_new(box.group) else { throw OpenSSLErrors.failure(.openssl, "EC_POINT_new") }
        defer { EC_POINT_free(point) }
        guard bytes.count == Self.pointSize,
              bytes.withUnsafeBufferPointer({ EC_POINT_oct2point(box.group, point, $0.baseAddress, $0.count, ctx) }) == 1,
              EC_POINT_is_on_curve(box.group, point, ctx) == 1, EC_POINT_is_at_infinity(box.group, point) == 0 else {
            OpenSSLErrors.clear()
            throw BidCoreError(.invalidPoint, "not a point on \(keyType == .sm2 ? "the SM2 curve" : "P-256") (or the point at infinity)")
        }
        return try body(point, ctx)
    }

    /// Runs `body` with the scalar as a BIGNUM (reduced mod n; cleared afterwards).
    private func withScalar<T>(_ s: Scalar, ctx given: OpaquePointer? = nil, _ body: (OpaquePointer, OpaquePointer) throws -> T) throws -> T {
        try withBN(s.bytes, ctx: given, body)
    }

    private func withBN<T>(_ bytes: [UInt8], ctx given: OpaquePointer? = nil, _ body: (OpaquePointer, OpaquePointer) throws -> T) throws -> T {
        let ctx = try given ?? Self.newContext()
        defer { if given == nil { BN_CTX_free(ctx) } }
        guard let bn = BN_secure_new() else { throw OpenSSLErrors.failure(.openssl, "BN_secure_new") }
        defer { BN_clear_free(bn) }
        guard bytes.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress, Int32($0.count), bn) }) != nil else {
            throw OpenSSLErrors.failure(.openssl, "BN_bin2bn")
        }
        // Constant-time paths inside OpenSSL for values that may be secret.
        BN_set_flags(bn, BN_FLG_CONSTTIME)
        return try body(bn, ctx)
    }

    /// Makes a point, lets `fill` compute into it, and encodes it (refusing infinity).
    private func result(ctx given: OpaquePointer? = nil, _ fill: (OpaquePointer) throws -> Void) throws -> ECPoint {
        let ctx = try given ?? Self.newContext()
        defer { if given == nil { BN_CTX_free(ctx) } }
        guard let r = EC_POINT_new(box.group) else { throw OpenSSLErrors.failure(.openssl, "EC_POINT_new") }
        defer { EC_POINT_free(r) }
        try fill(r)
        return try encode(r, ctx: ctx)
    }

    private func encode(_ point: OpaquePointer, ctx: OpaquePointer?) throws -> ECPoint {
        guard EC_POINT_is_at_infinity(box.group, point) == 0 else {
            throw BidCoreError(.pointAtInfinity, "the result is the point at infinity")
        }
        var out = [UInt8](repeating: 0, count: Self.pointSize)
        guard EC_POINT_point2oct(box.group, point, POINT_CONVERSION_UNCOMPRESSED, &out, out.count, ctx) == Self.pointSize else {
            throw OpenSSLErrors.failure(.openssl, "encoding a point")
        }
        return ECPoint(bytes: out)
    }

    private func output(_ ctx: OpaquePointer, _ fill: (OpaquePointer) -> Int32) throws -> Scalar {
        guard let r = BN_secure_new() else { throw OpenSSLErrors.failure(.openssl, "BN_secure_new") }
        defer { BN_clear_free(r) }
        try OpenSSLErrors.check(fill(r), "scalar arithmetic")
        return try Self.bytes(r)
    }

    private func binary(_ a: Scalar, _ b: Scalar,
                        _ op: (OpaquePointer, OpaquePointer, OpaquePointer, OpaquePointer, OpaquePointer) -> Int32) throws -> Scalar {
        try withScalar(a) { x, ctx in
            try withScalar(b, ctx: ctx) { y, _ in
                try output(ctx) { r in op(r, x, y, box.order, ctx) }
            }
        }
    }

    private static func bytes(_ bn: OpaquePointer) throws -> Scalar {
        var out = [UInt8](repeating: 0, count: scalarSize)
        guard BN_bn2binpad(bn, &out, Int32(scalarSize)) == Int32(scalarSize) else { throw OpenSSLErrors.failure(.openssl, "BN_bn2binpad") }
        return Scalar(bytes: out)
    }
}

/// A point on one of the curves, uncompressed (65 bytes). Only `Curve` makes them, after checking
/// that the point is on the curve and not the point at infinity.
public struct ECPoint: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var hex: String { Hex.encode(bytes) }
    /// The x coordinate (what ECDH gives).
    public var x: [UInt8] { Array(bytes[1..<33]) }
    public var y: [UInt8] { Array(bytes[33..<65]) }
    public var description: String { hex }
}

/// A scalar modulo a curve's group order: 32 bytes big-endian, always below n. Shares, polynomial
/// coefficients and proof nonces are secrets: call `wipe()` when done with them.
public struct Scalar: Sendable, Equatable {
    public internal(set) var bytes: [UInt8]

    init(bytes: [UInt8]) { self.bytes = bytes }

    public var isZero: Bool { bytes.allSatisfy { $0 == 0 } }
    public var hex: String { Hex.encode(bytes) }

    /// Overwrites the value in place.
    public mutating func wipe() { BidCore.wipe(&bytes) }

    /// Constant-time comparison.
    public static func == (lhs: Scalar, rhs: Scalar) -> Bool { constantTimeEqual(lhs.bytes, rhs.bytes) }
}

extension BidCoreError.Code {
    public static let invalidPoint: Self = "threshold.invalid-point"
    public static let pointAtInfinity: Self = "threshold.point-at-infinity"
    public static let invalidScalar: Self = "threshold.invalid-scalar"
}
