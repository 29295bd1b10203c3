import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// The party registry (PartyRegistry): administrators manage it, supervisors read it, and a
/// company registers itself as a bidder for an administrator to approve.
struct PartyController: Sendable {
    let registry: PartyRegistry

    struct Reason: Decodable { var reason: String }
    struct OptionalReason: Decodable { var reason: String? }
    struct CertificateBody: Decodable { var certificate: String }

    func addRoutes(to routes: RouteTable) {
        let readers = Access.roles([.admin, .supervisor])
        let admins = Access.roles([.admin])
        routes.add(.get, "/v1/parties", readers, "The registry: every party record, optionally ?role= and ?status= (active, pending, suspended)") { request, _, _ in
            let query = request.uri.queryParameters
            let role = try query.get("role").map { value -> PartyRole in
                guard let role = PartyRole(rawValue: String(value)) else {
                    throw ServiceError.badRequest("request.invalid-query", "role is one of \(PartyRole.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return role
            }
            let status = try query.get("status").map { value -> PartyStatus in
                guard let status = PartyStatus(rawValue: String(value)) else {
                    throw ServiceError.badRequest("request.invalid-query", "status is active, pending or suspended")
                }
                return status
            }
            return try JSONBody.response(try await registry.list(role: role, status: status))
        }
        routes.add(.post, "/v1/parties", admins, "Register a new party {party, certificates: [PEM]}; 409 party.exists if the id is taken") { request, context, caller in
            let body = try await JSONBody.decode(PartyRegistry.Registration.self, from: request, context: context)
            return try JSONBody.response(try await registry.register(body, actor: try caller.actor(), create: true), status: .created)
        }
        routes.add(.post, "/v1/parties/import", admins, "Load a batch of parties {format: ebid-party-import, version: 1, parties: [{party, certificates}]}, all or nothing") { request, context, caller in
            let body = try await JSONBody.decode(PartyRegistry.ImportFile.self, from: request, context: context, limit: 64 << 20)
            return try JSONBody.response(try await registry.importBatch(body, actor: try caller.actor()))
        }
        routes.add(.get, "/v1/parties/:id", readers, "A party record, by id, credit code or person id") { _, context, _ in
            try JSONBody.response(try await registry.entry(try context.parameters.require("id")))
        }
        routes.add(.put, "/v1/parties/:id", admins, "Register or update a party {party, certificates: [PEM]}; status and certificates already registered are kept") { request, context, caller in
            let body = try await JSONBody.decode(PartyRegistry.Registration.self, from: request, context: context)
            guard body.party.id == (try context.parameters.require("id")) else {
                throw ServiceError.badRequest("party.id-mismatch", "the path and the body name different parties")
            }
            return try JSONBody.response(try await registry.register(body, actor: try caller.actor()))
        }
        routes.add(.post, "/v1/parties/:id/suspend", admins, "Suspend a party {reason}: its logins are refused and its sessions end") { request, context, caller in
            let body = try await JSONBody.decode(Reason.self, from: request, context: context)
            return try JSONBody.response(try await registry.setStatus(try context.parameters.require("id"), suspended: true, reason: body.reason, actor: try caller.actor()))
        }
        routes.add(.post, "/v1/parties/:id/restore", admins, "Restore a suspended party {reason}") { request, context, caller in
            let body = try await JSONBody.decode(Reason.self, from: request, context: context)
            return try JSONBody.response(try await registry.setStatus(try context.parameters.require("id"), suspended: false, reason: body.reason, actor: try caller.actor()))
        }
        routes.add(.post, "/v1/parties/:id/approve", admins, "Approve a pending self-registration {reason?}") { request, context, caller in
            let body = try await JSONBody.decode(OptionalReason.self, from: request, context: context)
            return try JSONBody.response(try await registry.approve(try context.parameters.require("id"), reason: body.reason, actor: try caller.actor()))
        }
        routes.add(.post, "/v1/parties/:id/certificates", admins, "Add a certificate {certificate: PEM}; it must chain to the trust store") { request, context, caller in
            let body = try await JSONBody.decode(CertificateBody.self, from: request, context: context)
            return try JSONBody.response(try await registry.addCertificate(try context.parameters.require("id"), pem: body.certificate, actor: try caller.actor()),
                                         status: .created)
        }
        routes.add(.post, "/v1/parties/:id/certificates/:fingerprint/retire", admins,
                   "Retire a certificate {reason}: it no longer logs in, its sessions end; what it signed still verifies") { request, context, caller in
            let body = try await JSONBody.decode(Reason.self, from: request, context: context)
            return try JSONBody.response(try await registry.retireCertificate(try context.parameters.require("id"), fingerprint: try context.parameters.require("fingerprint"),
                                                                              reason: body.reason, actor: try caller.actor()))
        }
        routes.add(.post, "/v1/registrations", .anyone,
                   "A company registers itself as a bidder {id, name, creditCode, legalRepresentative?, certificate, signature}; an administrator approves it") { request, context, caller in
            let body = try await JSONBody.decode(PartyRegistry.SelfRegistration.self, from: request, context: context)
            return try JSONBody.response(try await registry.selfRegister(body, address: caller.address), status: .created)
        }
    }
}
