import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Open data (OCDS 1.1, 信息全公开): release packages, per-tender record packages, the bulk file,
/// and the `ebid` extension's schema.
struct OpenDataController: Sendable {
    let openData: OpenData

    static func base(_ request: Request) -> String { "http://" + (request.head.authority ?? "127.0.0.1") }

    static func json(_ value: JSONValue, download: String? = nil) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let download { headers[.contentDisposition] = "attachment; filename=\"\(download)\"" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try JSONEncoder.ebid.encode(value))))
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/v1/ocds/releases", .anyone, "OCDS 1.1 release package of the public tenders, the latest published first; ?offset ?limit (tenders, ≤100)") { request, _, _ in
            let query = try Query(request)
            let limit = Int(try query.integer("limit") ?? 50)
            guard (1...100).contains(limit) else { throw query.invalid("limit", String(limit)) }
            return try Self.json(try await openData.releases(base: Self.base(request), offset: Int(try query.integer("offset") ?? 0), limit: limit))
        }
        routes.add(.get, "/v1/ocds/releases.json", .anyone, "OCDS bulk download: every release of every public tender in one package") { request, _, _ in
            try Self.json(try await openData.releases(base: Self.base(request), offset: 0, limit: Int.max), download: "ebid-ocds-releases.json")
        }
        routes.add(.get, "/v1/ocds/tenders/:id/record", .anyone, "OCDS 1.1 record package of one tender (its releases embedded)") { request, context, _ in
            try Self.json(try await openData.record(tender: try context.parameters.require("id"), base: Self.base(request)))
        }
        routes.add(.get, "/v1/ocds/extension/extension.json", .anyone, "The ebid OCDS extension (section, decryption at the opening)") { _, _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenData.extensionManifest)))
        }
        routes.add(.get, "/v1/ocds/extension/release-schema.json", .anyone, "The ebid OCDS extension's release schema patch") { _, _, _ in
            Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: OpenData.extensionSchema)))
        }
    }
}
