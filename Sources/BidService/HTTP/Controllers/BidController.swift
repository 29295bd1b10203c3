import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Bid upload (streamed), withdrawal and the bidder's own status.
struct BidController: Sendable {
    let bids: BidDesk

    func addRoutes(to routes: RouteTable) {
        routes.add(.put, "/v1/tenders/:id/bid", .roles([.bidder]), "Upload a sealed bid (replaces the previous one); returns the signed receipt") { request, context, caller in
            let (identity, _) = try caller.required
            let length = request.headers[.contentLength].flatMap { Int64($0) }
            let result = try await bids.submit(tender: try context.parameters.require("id"), by: identity, contentType: request.headers[.contentType],
                                               contentLength: length, body: request.body, address: caller.address)
            return try JSONBody.response(result, status: .created)
        }
        routes.add(.delete, "/v1/tenders/:id/bid", .roles([.bidder]), "Withdraw the active bid before the deadline; returns the signed receipt") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await bids.withdraw(tender: try context.parameters.require("id"), by: identity, address: caller.address))
        }
        routes.add(.get, "/v1/tenders/:id/bid", .roles([.bidder]), "Your own bids and receipts for a tender") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await bids.status(tender: try context.parameters.require("id"), by: identity))
        }
    }
}
