import Foundation

/// Who did something: the certificate they logged in with, their party, the role they acted in,
/// and their network address. System actions use `Actor.platform`.
public struct Actor: Sendable, Equatable, Codable {
    public var certificateFingerprint: String
    public var party: String
    public var role: String
    public var address: String

    public init(certificateFingerprint: String, party: String, role: String, address: String) {
        self.certificateFingerprint = certificateFingerprint
        self.party = party
        self.role = role
        self.address = address
    }

    public static func platform(_ fingerprint: String) -> Actor {
        Actor(certificateFingerprint: fingerprint, party: "platform", role: "system", address: "local")
    }
}
