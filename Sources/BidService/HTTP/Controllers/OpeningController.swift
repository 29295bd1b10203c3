import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// The opening (开标): start, remote decryption by bidders, partial decryptions from officials,
/// the signed record, confirmations and objections, collusion signals.
struct OpeningController: Sendable {
    let room: OpeningRoom
    static let hosts = Access.roles([.tenderer, .agency, .official])

    struct DecryptRequest: Decodable { var contentKey: String }
    struct TextRequest: Decodable { var text: String }

    /// The record with its signature, as served.
    struct RecordResponse: Encodable {
        var record: OpeningRecord
        var signed: SignedDocument.Wire
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.post, "/v1/tenders/:id/opening", Self.hosts, "Start the opening at or after the deadline (host only; fewer than 3 bids: failed)") { _, context, caller in
            let (identity, role) = try caller.required
            let view = try await room.start(tender: try context.parameters.require("id"), by: identity, role: role, address: caller.address)
            return try JSONBody.response(view, status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/opening", .anyone, "The opening's state (bids: host, officials, supervisors; a bidder its own)") { _, context, caller in
            try JSONBody.response(try await room.view(tender: try context.parameters.require("id"), for: caller.identity))
        }
        routes.add(.get, "/v1/tenders/:id/opening/my-bid-header", .roles([.bidder]), "The header of your own bid (wrapped content keys) for remote decryption") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.sealedHeader(tender: try context.parameters.require("id"), by: identity))
        }
        routes.add(.post, "/v1/tenders/:id/opening/decrypt", .roles([.bidder]), "Open your own bid with {contentKey} (base64), unwrapped on your machine") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(DecryptRequest.self, from: request, context: context)
            guard let key = Data(base64Encoded: body.contentKey), key.count == 32 else {
                throw ServiceError.badRequest("opening.content-key-malformed", "contentKey must be 32 bytes in base64")
            }
            return try JSONBody.response(try await room.decrypt(tender: try context.parameters.require("id"), contentKey: [UInt8](key), by: identity, address: caller.address))
        }
        routes.add(.get, "/v1/tenders/:id/opening/committee", .roles([.official]),
                   "For a shareholder: the bids waiting for the committee, with their headers, per opening key") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.committeeRequests(tender: try context.parameters.require("id"), by: identity))
        }
        routes.add(.post, "/v1/tenders/:id/opening/partials", .roles([.official]),
                   "Hand in partial decryptions with proofs {keyId, index, partials: [{bidId, partial}]} (never a share)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(OpeningRoom.PartialsInput.self, from: request, context: context)
            return try JSONBody.response(try await room.submitPartials(tender: try context.parameters.require("id"), body, by: identity, address: caller.address),
                                         status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/opening/close", Self.hosts, "After the window: count the bids still waiting as revoked and complete") { _, context, caller in
            let (identity, role) = try caller.required
            return try JSONBody.response(try await room.close(tender: try context.parameters.require("id"), by: identity, role: role, address: caller.address))
        }
        routes.add(.get, "/v1/tenders/:id/opening/record", .anyone, "The signed opening record (开标记录), once published") { _, context, _ in
            let (record, signed) = try await room.record(tender: try context.parameters.require("id"))
            return try JSONBody.response(RecordResponse(record: record, signed: signed.wire))
        }
        routes.add(.post, "/v1/tenders/:id/opening/confirmation", .roles([.bidder]), "Confirm the opening record (within the confirmation window)") { _, context, caller in
            let (identity, _) = try caller.required
            try await room.confirm(tender: try context.parameters.require("id"), by: identity, address: caller.address)
            return Response(status: .noContent)
        }
        routes.add(.post, "/v1/tenders/:id/opening/objections", .roles([.bidder]), "Raise an objection {text} to the opening (异议, Reg. art. 44)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(TextRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.object(tender: try context.parameters.require("id"), text: body.text, by: identity, address: caller.address),
                                         status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/opening/objections", .roles([.bidder, .tenderer, .agency, .official, .supervisor]),
                   "Objections and answers (participants and supervisors)") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.objections(tender: try context.parameters.require("id"), for: identity))
        }
        routes.add(.post, "/v1/tenders/:id/opening/objections/:number/answer", Self.hosts, "Answer an objection {text} (host)") { request, context, caller in
            let (identity, role) = try caller.required
            guard let number = context.parameters.get("number", as: Int.self) else {
                throw ServiceError.badRequest("objection.number-malformed", "the objection number must be an integer")
            }
            let body = try await JSONBody.decode(TextRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.answer(tender: try context.parameters.require("id"), number: number, text: body.text,
                                                               by: identity, role: role, address: caller.address))
        }
        routes.add(.get, "/v1/tenders/:id/opening/signals", .roles([.tenderer, .agency, .official, .supervisor]),
                   "Collusion signals with their evidence (Reg. art. 40; never shown to bidders)") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.signals(tender: try context.parameters.require("id"), for: identity))
        }
    }
}
