import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Login by certificate challenge-response, and who am I.
struct AuthController: Sendable {
    let identities: IdentityDesk

    struct ChallengeRequest: Decodable { var certificate: String }
    struct TokenRequest: Decodable { var challengeId: String; var signature: String }

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/v1/auth/challenge", .anyone, "Present a certificate (PEM); get a nonce to sign") { request, context, _ in
            let body = try await JSONBody.decode(ChallengeRequest.self, from: request, context: context)
            return try JSONBody.response(try await identities.challenge(certificatePEM: body.certificate), status: .created)
        }
        routes.add(.post, "/v1/auth/token", .anyone, "Return the signed challenge; get a bearer token") { request, context, caller in
            let body = try await JSONBody.decode(TokenRequest.self, from: request, context: context)
            guard let signature = Data(base64Encoded: body.signature) else {
                throw ServiceError.badRequest("auth.signature-malformed", "signature must be base64")
            }
            return try JSONBody.response(try await identities.login(challengeId: body.challengeId, signature: [UInt8](signature), address: caller.address),
                                         status: .created)
        }
        routes.add(.get, "/v1/me", .everyRole, "The logged-in party and its roles") { _, _, caller in
            let (identity, _) = try caller.required
            struct Me: Encodable { var party: IdentityDesk.PartyView; var certificateFingerprint: String; var tokenExpiresAt: Date }
            return try JSONBody.response(Me(party: .init(identity.party), certificateFingerprint: identity.certificateFingerprint,
                                            tokenExpiresAt: identity.tokenExpiresAt))
        }
    }
}
