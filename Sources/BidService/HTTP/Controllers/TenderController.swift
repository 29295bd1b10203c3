import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Tenders: drafts, documents, publication, amendments, public reading and anonymous download.
struct TenderController: Sendable {
    let tenders: TenderDesk
    static let publishers = Access.roles([.tenderer, .agency])

    struct CreateRequest: Decodable {
        var spec: TenderSpec
        /// Opening key files (ceremony transcripts or keygen files); a suite without one uses the
        /// tender's completed key ceremony.
        var openingKeys: [JSONValue]?

        /// Each file read and checked as `ebid-opening-key` (a retired version-1 file says so).
        func keyFiles() throws -> [OpeningKeyFile] {
            try (openingKeys ?? []).map { value in
                do { return try OpeningKeyFile.load(try JSONEncoder.ebid.encode(value)) } catch let error as BidCoreError {
                    throw ServiceError.unprocessable(error.code.rawValue, error.reason)
                }
            }
        }
    }

    func addRoutes(to routes: RouteTable) {
        routes.add(.get, "/v1/tenders", .anyone, "Published tenders") { _, _, _ in
            try JSONBody.response(try await tenders.list())
        }
        routes.add(.post, "/v1/tenders", Self.publishers, "Create a draft tender with its opening key(s)") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(CreateRequest.self, from: request, context: context)
            let view = try await tenders.createDraft(body.spec, openingKeys: try body.keyFiles(), by: identity, role: role, address: caller.address)
            return try JSONBody.response(view, status: .created)
        }
        routes.add(.get, "/v1/tenders/:id", .anyone, "A published tender (drafts: their owner only)") { _, context, caller in
            try JSONBody.response(try await tenders.view(try context.parameters.require("id"), for: caller.identity))
        }
        routes.add(.put, "/v1/tenders/:id", Self.publishers, "Edit a draft: replace its tender file {spec} (owner; opening keys and documents kept)") { request, context, caller in
            let (identity, role) = try caller.required
            struct Edit: Decodable { var spec: TenderSpec }
            let body = try await JSONBody.decode(Edit.self, from: request, context: context)
            guard body.spec.id == (try context.parameters.require("id")) else {
                throw ServiceError.badRequest("tender.id-mismatch", "the path and the tender file name different tenders")
            }
            return try JSONBody.response(try await tenders.editDraft(body.spec, by: identity, role: role, address: caller.address))
        }
        routes.add(.delete, "/v1/tenders/:id", Self.publishers, "Discard a draft (owner); its id may be used again") { _, context, caller in
            let (identity, role) = try caller.required
            try await tenders.discardDraft(try context.parameters.require("id"), by: identity, role: role, address: caller.address)
            return Response(status: .noContent)
        }
        routes.add(.put, "/v1/tenders/:id/documents/:name", Self.publishers, "Add a document to a draft tender (streamed body)") { request, context, caller in
            let (identity, role) = try caller.required
            let document = try await tenders.addDocument(tender: try context.parameters.require("id"), name: try documentName(context), contentType: request.headers[.contentType] ?? "",
                                                         body: request.body, by: identity, role: role, address: caller.address)
            return try JSONBody.response(DocumentCreated(document), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/documents/:name", .anyone, "Download a document; no login, nothing recorded") { _, context, caller in
            let (path, document) = try await tenders.document(tender: try context.parameters.require("id"), name: try documentName(context), for: caller.identity)
            // The document is recorded but its file is gone: the platform's failure, not a missing route.
            guard FileManager.default.fileExists(atPath: path) else {
                throw ServiceError(status: 500, code: "document.file-missing", title: "Internal error",
                                   detail: "the document \(document.name) is recorded but its stored file is missing; the failure was logged")
            }
            let body = try await FileIO().loadFile(path: path, context: context)
            let encoded = document.name.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "document"
            return Response(status: .ok, headers: [
                .contentType: document.contentType, .contentLength: String(document.size), .eTag: "\"\(document.digest)\"",
                .contentDisposition: "attachment; filename*=UTF-8''\(encoded)",
            ], body: body)
        }
        routes.add(.post, "/v1/tenders/:id/publish", Self.publishers, "Publish a draft (statutory periods checked)") { _, context, caller in
            let (identity, role) = try caller.required
            return try JSONBody.response(try await tenders.publish(try context.parameters.require("id"), by: identity, role: role, address: caller.address))
        }
        routes.add(.get, "/v1/tenders/:id/opening-keys", .anyone, "The tender's opening keys (public keys, encrypted shares, verification keys; ceremony transcripts)") { _, context, _ in
            try JSONBody.response(try await tenders.openingKeys(tender: try context.parameters.require("id")))
        }
        routes.add(.post, "/v1/tenders/:id/amendments", Self.publishers, "Open a draft amendment") { request, context, caller in
            let (identity, role) = try caller.required
            let input = try await JSONBody.decode(TenderDesk.AmendmentInput.self, from: request, context: context)
            let amendment = try await tenders.createAmendment(tender: try context.parameters.require("id"), input, by: identity, role: role, address: caller.address)
            return try JSONBody.response(amendment, status: .created)
        }
        routes.add(.put, "/v1/tenders/:id/amendments/:number/documents/:name", Self.publishers, "Add a document to a draft amendment") { request, context, caller in
            let (identity, role) = try caller.required
            let document = try await tenders.addDocument(tender: try context.parameters.require("id"), amendment: try amendmentNumber(context),
                                                         name: try documentName(context), contentType: request.headers[.contentType] ?? "",
                                                         body: request.body, by: identity, role: role, address: caller.address)
            return try JSONBody.response(DocumentCreated(document), status: .created)
        }
        routes.add(.delete, "/v1/tenders/:id/amendments/:number", Self.publishers, "Discard a draft amendment and its documents (owner)") { _, context, caller in
            let (identity, role) = try caller.required
            return try JSONBody.response(try await tenders.discardAmendment(tender: try context.parameters.require("id"), number: try amendmentNumber(context),
                                                                            by: identity, role: role, address: caller.address))
        }
        routes.add(.post, "/v1/tenders/:id/amendments/:number/publish", Self.publishers, "Publish an amendment, optionally with {newDeadline} (Law art. 23 checked)") { request, context, caller in
            let (identity, role) = try caller.required
            struct Options: Decodable { var newDeadline: Date? }
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let options = buffer.readableBytes == 0 ? Options() : try JSONDecoder.ebid.decodeStrict(Options.self, from: Data(buffer: buffer))
            let view = try await tenders.publishAmendment(tender: try context.parameters.require("id"), number: try amendmentNumber(context),
                                                          newDeadline: options.newDeadline, by: identity, role: role, address: caller.address)
            return try JSONBody.response(view)
        }
    }

    func addObjectionRoutes(to routes: RouteTable) {
        struct Text: Decodable { var text: String }
        routes.add(.post, "/v1/tenders/:id/document-objections", .roles([.bidder]),
                   "Object to the documents, at least 10 days before the deadline (Reg. art. 22): {text}") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(Text.self, from: request, context: context)
            return try JSONBody.response(try await tenders.raiseDocumentObjection(tender: try context.parameters.require("id"), text: body.text, by: identity,
                                                                                address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/document-objections", .roles([.tenderer, .agency, .bidder]),
                   "Objections to the documents: the owner sees all without who raised them, an objector its own") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await tenders.documentObjections(tender: try context.parameters.require("id"), for: identity))
        }
        routes.add(.post, "/v1/tenders/:id/document-objections/:number/answer", Self.publishers,
                   "Answer an objection to the documents (within 3 days, Reg. art. 22): {text}") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(Text.self, from: request, context: context)
            return try JSONBody.response(try await tenders.answerDocumentObjection(tender: try context.parameters.require("id"), number: try amendmentNumber(context),
                                                                                 text: body.text, by: identity, role: role, address: caller.address))
        }
    }

    struct DocumentCreated: Encodable {
        var name: String, amendment: Int, size: Int64, sha256: String
        init(_ document: TenderDocument) {
            name = document.name
            amendment = document.amendment
            size = document.size
            sha256 = document.digest
        }
    }

    private func documentName(_ context: AppRequestContext) throws -> String {
        try context.parameters.require("name")  // percent-decoded by the route table
    }

    private func amendmentNumber(_ context: AppRequestContext) throws -> Int {
        guard let number = context.parameters.get("number", as: Int.self), number > 0 else {
            throw ServiceError.notFound("amendment.not-found", "numbers are 1, 2, …")
        }
        return number
    }
}
