import Foundation

/// Builds the demo PKI committed under `keys/` (FOR DEMOS AND TESTS ONLY): per suite a root CA, a
/// platform signing certificate, one certificate per party of `seeds/parties.json`, a CRL listing
/// the parties marked `revoked`, and expired certificates for those marked `expired`.
///
/// Layout (a contract): `<out>/<suite>/ca.crt.pem`, `ca.key.pem`, `crl.pem`, `platform.crt.pem`,
/// `platform.key.pem`, and `<party-id>.crt.pem` / `<party-id>.key.pem`; suite is `gm` or `nist`.
public enum DemoPKI {
    public static let validFrom = Date(timeIntervalSince1970: 1_735_689_600)   // 2025-01-01T00:00:00Z
    public static let validTo = Date(timeIntervalSince1970: 2_082_758_400)     // 2036-01-01T00:00:00Z
    public static let caValidTo = Date(timeIntervalSince1970: 2_366_841_600)   // 2045-01-01T00:00:00Z
    public static let expiredFrom = Date(timeIntervalSince1970: 1_577_836_800) // 2020-01-01T00:00:00Z
    public static let expiredTo = Date(timeIntervalSince1970: 1_609_459_200)   // 2021-01-01T00:00:00Z
    public static let revokedAt = Date(timeIntervalSince1970: 1_767_225_600)   // 2026-01-01T00:00:00Z

    /// The organisation named by the demo CAs: how a demo certificate is told apart.
    public static let organization = "ebid demo PKI - NOT FOR PRODUCTION"

    /// Whether `certificate` is a demo CA or was issued by one (its private keys are public).
    public static func isDemo(_ certificate: Certificate) -> Bool {
        certificate.subject.organization == organization || certificate.issuer.organization == organization
    }

    public static func directoryName(_ suite: Suite) -> String { suite == .gm ? "gm" : "nist" }

    /// Writes the demo PKI for both suites; returns the files written.
    @discardableResult
    public static func generate(parties: PartiesFile, into directory: String) throws -> [String] {
        var written: [String] = []
        for suite in Suite.allCases {
            let folder = "\(directory)/\(directoryName(suite))"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            func save(_ name: String, _ text: String, secret: Bool = false) throws {
                let path = "\(folder)/\(name)"
                let output = try FileOutput(path: path, mode: secret ? 0o600 : 0o644)
                try output.write(Array(text.utf8))
                try output.close(sync: true)
                written.append(path)
            }
            let type: KeyType = suite == .gm ? .sm2 : .p256
            let label = suite == .gm ? "GM (SM2)" : "NIST (P-256)"
            let caKey = try PrivateKey.generate(type)
            let ca = try CertificateAuthority.root(
                subject: DistinguishedName([.init("C", "CN"), .init("O", organization),
                                            .init("CN", "ebid Demo \(label) Root CA")]),
                key: caKey, notBefore: validFrom, notAfter: caValidTo)
            try save("ca.crt.pem", ca.certificate.pem)
            try save("ca.key.pem", try caKey.pemPKCS8(), secret: true)

            let platformKey = try PrivateKey.generate(type)
            let platform = try ca.issue(subject: DistinguishedName([.init("C", "CN"), .init("O", "ebid 电子招标投标交易平台 (demo)"),
                                                                    .init("CN", "ebid platform signing key (demo)")]),
                                        publicKey: platformKey.publicKey, notBefore: validFrom, notAfter: validTo, profile: .signingOnly)
            try save("platform.crt.pem", platform.pem)
            try save("platform.key.pem", try platformKey.pemPKCS8(), secret: true)

            var revoked: [(Certificate, Date)] = []
            for party in parties.parties {
                let (certificate, key) = try issue(party, by: ca, type: type)
                if party.certificate == .revoked { revoked.append((certificate, revokedAt)) }
                try save("\(party.id).crt.pem", certificate.pem)
                try save("\(party.id).key.pem", try key.pemPKCS8(), secret: true)
            }
            let crl = try ca.issueCRL(revoked: revoked, thisUpdate: revokedAt.addingTimeInterval(86_400), nextUpdate: validTo, number: 1)
            try save("crl.pem", crl.pem)
        }
        return written
    }

    /// A demo certificate and key for one party, as `generate` makes them.
    static func issue(_ party: PartyRecord, by ca: CertificateAuthority, type: KeyType) throws -> (Certificate, PrivateKey) {
        let key = try PrivateKey.generate(type)
        var attributes: [DistinguishedName.Attribute] = [.init("C", "CN")]
        switch party.kind {
        case .organization:
            attributes.append(.init("O", party.name))
        case .person:
            if let organization = party.organization { attributes.append(.init("O", organization)) }
        }
        if let serial = party.subjectSerialNumber { attributes.append(.init("serialNumber", serial)) }
        attributes.append(.init("CN", party.name))
        let expired = party.certificate == .expired
        let certificate = try ca.issue(subject: DistinguishedName(attributes), publicKey: key.publicKey,
                                       notBefore: expired ? expiredFrom : validFrom, notAfter: expired ? expiredTo : validTo, profile: .dualUse)
        return (certificate, key)
    }

    /// Issues demo certificates, with the existing demo CA of each suite, for the parties that
    /// have none yet in `directory` (new parties added to the seeds); everything else stays as it
    /// is, so sealed fixtures keep verifying. Revoked parties must be made with `generate`.
    @discardableResult
    public static func addMissing(parties: PartiesFile, into directory: String) throws -> [String] {
        var written: [String] = []
        for suite in Suite.allCases {
            let folder = "\(directory)/\(directoryName(suite))"
            let ca = try CertificateAuthority(certificate: try Certificate(file: "\(folder)/ca.crt.pem"), key: try PrivateKey(pemFile: "\(folder)/ca.key.pem"))
            for party in parties.parties where !FileManager.default.fileExists(atPath: "\(folder)/\(party.id).crt.pem") {
                guard party.certificate != .revoked else { throw BidCoreError(.invalidInput, "\(party.id) is to be revoked: regenerate the whole demo PKI") }
                let (certificate, key) = try issue(party, by: ca, type: suite == .gm ? .sm2 : .p256)
                for (name, text, secret) in [("\(party.id).crt.pem", certificate.pem, false), ("\(party.id).key.pem", try key.pemPKCS8(), true)] {
                    let output = try FileOutput(path: "\(folder)/\(name)", mode: secret ? 0o600 : 0o644)
                    try output.write(Array(text.utf8))
                    try output.close(sync: true)
                    written.append("\(folder)/\(name)")
                }
            }
        }
        return written
    }

    /// A newer CRL of the demo CA in `directory/<suite>` (FOR DEMOS AND TESTS ONLY): the parties of
    /// `parties` marked `revoked` and those named in `revoking` (by their `<id>.crt.pem` there),
    /// revoked a minute before `time`, issued at `time` (so it is newer than `crl.pem`), valid 30 days.
    public static func crl(directory: String, suite: Suite, parties: PartiesFile, revoking: [String], at time: Date) throws -> CertificateRevocationList {
        let folder = "\(directory)/\(directoryName(suite))"
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(folder)/ca.crt.pem"), key: try PrivateKey(pemFile: "\(folder)/ca.key.pem"))
        var revoked = try parties.parties.filter { $0.certificate == .revoked }.map { (try Certificate(file: "\(folder)/\($0.id).crt.pem"), revokedAt) }
        for id in revoking where !parties.parties.contains(where: { $0.id == id && $0.certificate == .revoked }) {
            guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), FileManager.default.fileExists(atPath: "\(folder)/\(id).crt.pem") else {
                throw BidCoreError(.invalidInput, "no demo certificate \(folder)/\(id).crt.pem")
            }
            revoked.append((try Certificate(file: "\(folder)/\(id).crt.pem"), time.addingTimeInterval(-60)))
        }
        return try ca.issueCRL(revoked: revoked, thisUpdate: time, nextUpdate: time.addingTimeInterval(30 * 86_400), number: Int(time.timeIntervalSince1970))
    }
}
