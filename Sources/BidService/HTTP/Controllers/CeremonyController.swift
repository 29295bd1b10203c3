import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Key ceremonies: the agency starts one, the officials deal, check and confirm (or complain)
/// through the service, which relays their messages and signs the transcript.
struct CeremonyController: Sendable {
    let ceremonies: KeyCeremonyDesk
    static let participants = Access.roles([.tenderer, .agency, .official, .supervisor])

    struct ConfirmRequest: Decodable { var signature: String }
    struct ComplaintRequest: Decodable { var complaint: KeyCeremony.Complaint }
    struct DealingRequest: Decodable { var dealing: KeyCeremony.Dealing }

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/v1/tenders/:id/ceremonies", .roles([.tenderer, .agency]),
                   "Start the key ceremony {suite, section, threshold, officials} for a tender (its draft, or before it exists)") { request, context, caller in
            let (identity, role) = try caller.required
            let input = try await JSONBody.decode(KeyCeremonyDesk.StartInput.self, from: request, context: context)
            return try JSONBody.response(try await ceremonies.start(tender: try context.parameters.require("id"), input, by: identity, role: role,
                                                                    address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/ceremonies/:suite", Self.participants,
                   "The ceremony's state and parameters (its starter, its officials, supervisors)") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await ceremonies.view(tender: try context.parameters.require("id"), suite: try suite(context), for: identity))
        }
        routes.add(.post, "/v1/tenders/:id/ceremonies/:suite/dealings", .roles([.official]),
                   "Hand in your signed dealing {dealing}: commitments and shares encrypted to each official") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(DealingRequest.self, from: request, context: context)
            return try JSONBody.response(try await ceremonies.deal(tender: try context.parameters.require("id"), suite: try suite(context), body.dealing,
                                                                   by: identity, address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/ceremonies/:suite/dealings", .roles([.official]),
                   "Every dealing, once all officials have dealt (the ceremony's officials)") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await ceremonies.dealings(tender: try context.parameters.require("id"), suite: try suite(context), by: identity))
        }
        routes.add(.post, "/v1/tenders/:id/ceremonies/:suite/confirmations", .roles([.official]),
                   "Confirm {signature}: every share you received matched its commitments") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(ConfirmRequest.self, from: request, context: context)
            guard let signature = Data(base64Encoded: body.signature) else {
                throw ServiceError.badRequest("ceremony.confirmation-malformed", "signature must be base64")
            }
            return try JSONBody.response(try await ceremonies.confirm(tender: try context.parameters.require("id"), suite: try suite(context),
                                                                      signature: [UInt8](signature), by: identity, address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/ceremonies/:suite/complaints", .roles([.official]),
                   "Complain {complaint} about a dealer, with the evidence (upheld: the ceremony fails and names it)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(ComplaintRequest.self, from: request, context: context)
            return try JSONBody.response(try await ceremonies.complain(tender: try context.parameters.require("id"), suite: try suite(context), body.complaint,
                                                                       by: identity, address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/ceremonies/:suite/transcript", Self.participants,
                   "The signed transcript of a complete ceremony: the tender's opening key file") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await ceremonies.transcript(tender: try context.parameters.require("id"), suite: try suite(context), for: identity))
        }
    }

    private func suite(_ context: AppRequestContext) throws -> Suite {
        guard let text = context.parameters.get("suite"), let suite = Suite(caseInsensitive: text) else {
            throw ServiceError.notFound("ceremony.not-found", "a ceremony is for suite GM or NIST")
        }
        return suite
    }
}
