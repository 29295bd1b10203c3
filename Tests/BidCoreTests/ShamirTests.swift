@testable import BidCore
import Foundation
import TestSupport
import Testing

@Suite("Shamir secret sharing over GF(2^8)")
struct ShamirTests {
    @Test("field arithmetic: inverses and the AES example 0x57 · 0x83 = 0xc1")
    func field() {
        #expect(GF256.mul(0x57, 0x83) == 0xc1)
        for a in 1...255 {
            #expect(GF256.mul(UInt8(a), GF256.inverse(UInt8(a))) == 1)
        }
    }

    @Test("any k of n shares rebuild the secret", arguments: [(2, 3), (3, 5), (4, 4), (2, 7)])
    func anyKRebuild(threshold: Int, count: Int) throws {
        let secret = SecureRandom.bytes(32)
        let shares = try Shamir.split(secret, threshold: threshold, count: count)
        #expect(shares.count == count)
        #expect(Set(shares.map(\.x)).count == count)
        for subset in combinations(of: Array(shares.indices), size: threshold) {
            #expect(try Shamir.combine(subset.map { shares[$0] }) == secret)
        }
    }

    @Test("k−1 shares give no information: every secret is equally consistent with them")
    func perfectSecrecy() throws {
        // Threshold 2, one share: over all 256 choices of the random coefficient, share 1 takes
        // every value exactly once — whatever the secret.
        for secret in [0, 1, 0x5a, 255] as [UInt8] {
            var seen = Set<UInt8>()
            for coefficient in 0...255 {
                let shares = try Shamir.split([secret], threshold: 2, count: 2) { _ in [UInt8(coefficient)] }
                seen.insert(shares[0].y[0])
            }
            #expect(seen.count == 256, "secret \(secret)")
        }
        // Threshold 3, two shares: the 65,536 coefficient pairs map one-to-one onto share pairs.
        for secret in [0, 0xa5] as [UInt8] {
            var seen = Set<UInt16>()
            for a1 in 0...255 {
                for a2 in 0...255 {
                    let shares = try Shamir.split([secret], threshold: 3, count: 3) { _ in [UInt8(a1), UInt8(a2)] }
                    seen.insert(UInt16(shares[0].y[0]) << 8 | UInt16(shares[1].y[0]))
                }
            }
            #expect(seen.count == 65_536, "secret \(secret)")
        }
    }

    @Test("k−1 shares interpolate to something else than the secret")
    func tooFewShares() throws {
        let secret = SecureRandom.bytes(32)
        let shares = try Shamir.split(secret, threshold: 3, count: 5)
        #expect(try Shamir.combine(Array(shares.prefix(2))) != secret)
    }

    @Test("bad parameters and bad share sets are refused")
    func refusals() throws {
        #expect(throws: BidCoreError.self) { try Shamir.split([1], threshold: 1, count: 3) }
        #expect(throws: BidCoreError.self) { try Shamir.split([1], threshold: 4, count: 3) }
        #expect(throws: BidCoreError.self) { try Shamir.split([], threshold: 2, count: 3) }
        let shares = try Shamir.split([1, 2, 3], threshold: 2, count: 3)
        #expect(throws: BidCoreError.self) { try Shamir.combine([shares[0], shares[0]]) }
        #expect(throws: BidCoreError.self) { try Shamir.combine([shares[0], Shamir.Share(x: 0, y: [1, 2, 3])]) }
        #expect(throws: BidCoreError.self) { try Shamir.combine([shares[0], Shamir.Share(x: 9, y: [1])]) }
    }
}

func combinations<T>(of items: [T], size: Int) -> [[T]] {
    guard size > 0 else { return [[]] }
    guard let first = items.first else { return [] }
    let rest = Array(items.dropFirst())
    return combinations(of: rest, size: size - 1).map { [first] + $0 } + combinations(of: rest, size: size)
}
