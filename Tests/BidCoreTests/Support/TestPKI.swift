@testable import BidCore
import Foundation
import TestSupport

/// A throwaway PKI per suite, built in memory once per test process.
struct TestPKI: Sendable {
    struct Party: Sendable {
        let certificate: Certificate
        let key: PrivateKey
    }

    let suite: Suite
    let root: CertificateAuthority
    let trust: TrustStore
    let bidderA: Party
    let bidderB: Party
    let officials: [Party]

    static let gm = try! TestPKI(suite: .gm)
    static let nist = try! TestPKI(suite: .nist)
    static func forSuite(_ suite: Suite) -> TestPKI { suite == .gm ? gm : nist }

    static let validFrom = Date(timeIntervalSince1970: 1_735_689_600)  // 2025-01-01
    static let validTo = Date(timeIntervalSince1970: 2_082_758_400)    // 2036-01-01
    /// The time at which tests verify (inside every validity period).
    static let now = Date(timeIntervalSince1970: 1_795_000_000)        // 2026-11-18

    var keyType: KeyType { suite == .gm ? .sm2 : .p256 }

    init(suite: Suite) throws {
        self.suite = suite
        let type: KeyType = suite == .gm ? .sm2 : .p256
        let root = try CertificateAuthority.root(subject: DistinguishedName(commonName: "ebid Test \(suite.rawValue) Root", organization: "ebid tests"),
                                                 key: try PrivateKey.generate(type), notBefore: Self.validFrom, notAfter: Self.validTo)
        self.root = root
        trust = try TrustStore(anchors: [root.certificate])
        func party(_ name: String, _ code: String?) throws -> Party {
            let key = try PrivateKey.generate(type)
            let certificate = try root.issue(subject: DistinguishedName(commonName: name, organization: name, serialNumber: code),
                                             publicKey: key.publicKey, notBefore: Self.validFrom, notAfter: Self.validTo, profile: .dualUse)
            return Party(certificate: certificate, key: key)
        }
        bidderA = try party("甲建设工程有限公司", "91350100M000100Y43")
        bidderB = try party("乙路桥集团有限公司", nil)
        officials = try (1...3).map { try party("Official \($0)", nil) }
    }

    func issue(_ name: String, type: KeyType? = nil, notBefore: Date = validFrom, notAfter: Date = validTo,
               profile: CertificateProfile = .dualUse, by authority: CertificateAuthority? = nil) throws -> Party {
        let key = try PrivateKey.generate(type ?? keyType)
        let certificate = try (authority ?? root).issue(subject: DistinguishedName(commonName: name, organization: name),
                                                        publicKey: key.publicKey, notBefore: notBefore, notAfter: notAfter, profile: profile)
        return Party(certificate: certificate, key: key)
    }
}

