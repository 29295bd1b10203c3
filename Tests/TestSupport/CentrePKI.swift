import BidCore
import Foundation

/// A trading centre's own PKI, not the demo one: what `ebid serve` needs outside the demo profile.
/// Writes `ca.crt.pem`, `platform.crt.pem` and `platform.key.pem` (0600) into a directory.
public struct CentrePKI {
    public let directory: String
    public let ca: CertificateAuthority

    public init(in directory: String, suite: Suite = .gm) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let type: KeyType = suite == .gm ? .sm2 : .p256
        let now = Date()
        ca = try CertificateAuthority.root(subject: DistinguishedName([.init("C", "CN"), .init("O", "福州市公共资源交易中心 (test)"), .init("CN", "Test Centre CA")]),
                                           key: try PrivateKey.generate(type), notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(3650 * 86_400))
        let key = try PrivateKey.generate(type)
        let platform = try ca.issue(subject: DistinguishedName([.init("C", "CN"), .init("O", "福州市公共资源交易中心 (test)"), .init("CN", "Test platform signing key")]),
                                    publicKey: key.publicKey, notBefore: now.addingTimeInterval(-86_400), notAfter: now.addingTimeInterval(365 * 86_400), profile: .signingOnly)
        _ = FileManager.default.createFile(atPath: "\(directory)/ca.crt.pem", contents: Data(ca.certificate.pem.utf8))
        _ = FileManager.default.createFile(atPath: "\(directory)/platform.crt.pem", contents: Data(platform.pem.utf8))
        _ = FileManager.default.createFile(atPath: "\(directory)/platform.key.pem", contents: Data(try key.pemPKCS8().utf8), attributes: [.posixPermissions: 0o600])
    }

    /// `ebid serve` options for this PKI.
    public var serveOptions: [String] {
        ["--trust", "\(directory)/ca.crt.pem", "--platform-cert", "\(directory)/platform.crt.pem", "--platform-key", "\(directory)/platform.key.pem"]
    }

    /// Issues a certificate for a party of this centre and writes `<name>.crt.pem` and `<name>.key.pem`;
    /// `serialNumber` is the credit code or person id. Returns the two paths.
    @discardableResult
    public func issue(_ name: String, commonName: String, serialNumber: String?, organization: String? = nil, validFor days: Double = 365,
                      suite: Suite = .gm) throws -> (certificate: String, key: String) {
        let key = try PrivateKey.generate(suite == .gm ? .sm2 : .p256)
        var attributes: [DistinguishedName.Attribute] = [.init("C", "CN")]
        if let organization { attributes.append(.init("O", organization)) }
        if let serialNumber { attributes.append(.init("serialNumber", serialNumber)) }
        attributes.append(.init("CN", commonName))
        let now = Date()
        let certificate = try ca.issue(subject: DistinguishedName(attributes), publicKey: key.publicKey, notBefore: now.addingTimeInterval(-3600),
                                       notAfter: now.addingTimeInterval(days * 86_400), profile: .dualUse)
        let paths = ("\(directory)/\(name).crt.pem", "\(directory)/\(name).key.pem")
        _ = FileManager.default.createFile(atPath: paths.0, contents: Data(certificate.pem.utf8))
        _ = FileManager.default.createFile(atPath: paths.1, contents: Data(try key.pemPKCS8().utf8), attributes: [.posixPermissions: 0o600])
        return paths
    }
}
