import BidCore
import BidDesks
import BidDomain
import Foundation
import Hummingbird

/// Sealed evaluation: the expert pool, the draw, the members' workspace, the report, the result.
struct EvaluationController: Sendable {
    let experts: ExpertRegistry
    let room: EvaluationRoom

    static let supervisors = Access.roles([.supervisor])
    static let hosts = Access.roles([.tenderer, .agency])
    /// Inside the evaluation: the host, supervisors, members (each route checks which of them).
    static let inside = Access.roles([.expert, .tenderer, .agency, .supervisor])
    static let members = Access.roles([.expert])

    struct StatusRequest: Decodable { var reason: String }
    struct HexRequest: Decodable { var commitment: String? ; var value: String? }
    struct ReplaceRequest: Decodable { var expert: String; var reason: String }
    struct StatementRequest: Decodable { var statement: MemberStatement }
    struct ComplianceRequest: Decodable { var opinions: [ComplianceOpinion] }
    struct ReportRequest: Decodable { var deadlineMinutes: Int? }
    struct PublicityRequest: Decodable { var days: Int? }
    struct TextRequest: Decodable { var text: String }
    struct AwardRequest: Decodable { var rank: Int?; var reason: String? }
    struct SignedResponse: Encodable { var signed: SignedDocument.Wire; var final: SignedDocument.Wire? }
    struct CleaningLine: Encodable { var code: String; var report: CleaningReport }

    func addRoutes(to routes: RouteTable) {
        // The pool
        routes.add(.get, "/v1/experts", Self.supervisors, "The expert pool with each expert's status (supervisors)") { _, _, _ in
            try JSONBody.response(try await experts.list())
        }
        routes.add(.post, "/v1/experts", Self.supervisors, "Add an expert of the registry to the pool, or update it {id, specialties, region, relations}") { request, context, caller in
            let profile = try await JSONBody.decode(ExpertProfile.self, from: request, context: context)
            return try JSONBody.response(try await experts.add(profile, by: try caller.actor()), status: .created)
        }
        routes.add(.post, "/v1/experts/:id/suspend", Self.supervisors, "Suspend an expert {reason}: left out of draws") { request, context, caller in
            let body = try await JSONBody.decode(StatusRequest.self, from: request, context: context)
            return try JSONBody.response(try await experts.setStatus(try context.parameters.require("id"), .suspended, reason: body.reason, by: try caller.actor()))
        }
        routes.add(.post, "/v1/experts/:id/restore", Self.supervisors, "Restore a suspended expert {reason}") { request, context, caller in
            let body = try await JSONBody.decode(StatusRequest.self, from: request, context: context)
            return try JSONBody.response(try await experts.setStatus(try context.parameters.require("id"), .active, reason: body.reason, by: try caller.actor()))
        }

        // The draw
        routes.add(.post, "/v1/tenders/:id/draw", Self.hosts,
                   "Start the expert draw after the opening {representatives?: [party id]}: pool snapshot and exclusions fixed (host)") { request, context, caller in
            let (identity, role) = try caller.required
            struct Body: Decodable { var representatives: [String]? }
            let buffer = try await request.body.collect(upTo: 64 << 10)
            let body = buffer.readableBytes == 0 ? Body() : try JSONDecoder.ebid.decodeStrict(Body.self, from: Data(buffer: buffer))
            return try JSONBody.response(try await room.startDraw(tender: try context.parameters.require("id"), representatives: body.representatives ?? [],
                                                                  by: identity, role: role, address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/draw", Access.roles([.tenderer, .agency, .supervisor]), "The draw and its record with the committee (host and supervisors, until the award)") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.draw(tender: try context.parameters.require("id"), for: identity))
        }
        routes.add(.post, "/v1/tenders/:id/draw/commitments", Access.roles([.tenderer, .agency, .supervisor]),
                   "Commit to a secret value {commitment} (hex H(…), docs/evaluation.md) before anyone reveals") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(HexRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.commitDraw(tender: try context.parameters.require("id"), commitment: body.commitment ?? "", by: identity, role: role,
                                                                   address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/draw/reveals", Access.roles([.tenderer, .agency, .supervisor]), "Reveal the committed value {value}; the last reveal draws the committee") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(HexRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.revealDraw(tender: try context.parameters.require("id"), value: body.value ?? "", by: identity, role: role, address: caller.address))
        }
        routes.add(.post, "/v1/tenders/:id/draw/replacements", Self.hosts, "Replace a member who declined, is absent or unreachable {expert, reason}, drawn the same way") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(ReplaceRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.replaceMember(tender: try context.parameters.require("id"), expert: body.expert, reason: body.reason, by: identity, role: role,
                                                                      address: caller.address), status: .created)
        }

        // The members' workspace
        routes.add(.get, "/v1/evaluation/tasks", Self.members, "The tenders you evaluate, with what is still to do (members)") { _, _, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.tasks(for: identity))
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/declaration", Self.members, "Sign the no-conflict declaration or recuse {statement} (members)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(StatementRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.declare(tender: try context.parameters.require("id"), body.statement, by: identity, address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/evaluation/bids", Self.inside, "The bids under codes (technical parts only until the technical scores are locked)") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.bids(tender: try context.parameters.require("id"), for: identity))
        }
        routes.add(.get, "/v1/tenders/:id/evaluation/bids/:code/parts/:index", Self.inside, "Download a bid part by its code") { _, context, caller in
            let (identity, _) = try caller.required
            guard let index = context.parameters.get("index", as: Int.self) else { throw ServiceError.badRequest("evaluation.part-index", "the part index is an integer") }
            let (path, name) = try await room.part(tender: try context.parameters.require("id"), code: try context.parameters.require("code"), index: index, for: identity)
            guard FileManager.default.fileExists(atPath: path) else {
                throw ServiceError(status: 500, code: "evaluation.part-missing", title: "Internal error", detail: "the stored part is missing")
            }
            let body = try await FileIO().loadFile(path: path, context: context)
            return Response(status: .ok, headers: [.contentType: "application/octet-stream", .contentDisposition: "attachment; filename=\"\(name)\""], body: body)
        }
        routes.add(.get, "/v1/tenders/:id/evaluation/cleaning", Self.inside, "Bid cleaning of the priced bills (once names are shown)") { _, context, caller in
            let (identity, _) = try caller.required
            let id = try context.parameters.require("id")
            let view = try await room.bids(tender: id, for: identity)
            guard view.namesShown else { throw ServiceError.forbidden("evaluation.part-sealed", "bills are shown once the technical scores are locked") }
            let reports = try await room.cleaningReports(tender: id)
            let codes = try await room.codes(tender: id)
            return try JSONBody.response(reports.compactMap { bid, report in codes[bid].map { CleaningLine(code: $0, report: report) } }.sorted { $0.code < $1.code })
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/commitments", Self.members, "Commit to a round's scores {statement} (signed hash of sheet and salt)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(StatementRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.commit(tender: try context.parameters.require("id"), body.statement, by: identity, address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/reveals", Self.members, "Reveal a round's sheet {round, sheet (base64), salt (hex)} once every member committed") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(EvaluationRoom.RevealInput.self, from: request, context: context, limit: 8 << 20)
            return try JSONBody.response(try await room.reveal(tender: try context.parameters.require("id"), body, by: identity, address: caller.address))
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/compliance", Self.members, "Your compliance review {opinions: [{code, reject, reasons}]} (Reg. art. 51)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(ComplianceRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.compliance(tender: try context.parameters.require("id"), body.opinions, by: identity, address: caller.address), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/evaluation/scores", Self.inside, "Revealed scores of the locked rounds, deviation flags, explanations, re-scores") { _, context, caller in
            let (identity, _) = try caller.required
            return try JSONBody.response(try await room.scores(tender: try context.parameters.require("id"), for: identity))
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/explanations", Self.members, "Explain a flagged score {round, code, criterion, text}") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(EvaluationRoom.ExplanationInput.self, from: request, context: context)
            return try JSONBody.response(try await room.explain(tender: try context.parameters.require("id"), body, by: identity, address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/rescores", Self.members, "Change a revealed score with the reason {round, code, criterion, score, reason}") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(EvaluationRoom.RescoreInput.self, from: request, context: context)
            return try JSONBody.response(try await room.rescore(tender: try context.parameters.require("id"), body, by: identity, address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/report", Self.hosts, "Generate and sign the report {deadlineMinutes} once the rounds are locked (host)") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(ReportRequest.self, from: request, context: context)
            let signed = try await room.generateReport(tender: try context.parameters.require("id"), deadlineMinutes: body.deadlineMinutes ?? 1440, by: identity, role: role, address: caller.address)
            return try JSONBody.response(SignedResponse(signed: signed.wire, final: nil), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/evaluation/report", Self.inside, "The signed report, and once closed the final one with every member's opinion") { _, context, caller in
            let (identity, _) = try caller.required
            let (report, final) = try await room.report(tender: try context.parameters.require("id"), for: identity)
            return try JSONBody.response(SignedResponse(signed: report.wire, final: final?.wire))
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/report/signatures", Self.members, "Sign the report: agree, or dissent with reasons {statement} (Reg. art. 53)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(StatementRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.signReport(tender: try context.parameters.require("id"), body.statement, by: identity, address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/report/final", Self.hosts, "Close the signing: all signed, or the deadline passed (silence agrees, Reg. art. 53)") { _, context, caller in
            let (identity, role) = try caller.required
            let final = try await room.finalizeReport(tender: try context.parameters.require("id"), by: identity, role: role, address: caller.address)
            return try JSONBody.response(SignedResponse(signed: final.wire, final: nil), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/evaluation/leads", Access.roles([.tenderer, .agency, .supervisor]),
                   "Refer a member to the credit register {expert, summary, evidence} (host, supervisors)") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(EvaluationRoom.LeadInput.self, from: request, context: context)
            return try JSONBody.response(try await room.referExpert(tender: try context.parameters.require("id"), body, by: identity, role: role, address: caller.address), status: .created)
        }

        // The result
        routes.add(.post, "/v1/tenders/:id/result/publicity", Self.hosts, "Publish the candidates {days} (公示, at least 3 days, Reg. art. 54)") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(PublicityRequest.self, from: request, context: context)
            let signed = try await room.publish(tender: try context.parameters.require("id"), days: body.days ?? 3, by: identity, role: role, address: caller.address)
            return try JSONBody.response(SignedResponse(signed: signed.wire, final: nil), status: .created)
        }
        routes.add(.get, "/v1/tenders/:id/result", .anyone, "The published result: candidates, objections, and after the award the notices, the committee and the draw record") { _, context, _ in
            try JSONBody.response(try await room.result(tender: try context.parameters.require("id")))
        }
        routes.add(.post, "/v1/tenders/:id/result/objections", Access.roles([.bidder]), "Object to the candidates {text} during the publicity (bidders of the tender)") { request, context, caller in
            let (identity, _) = try caller.required
            let body = try await JSONBody.decode(TextRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.objectToResult(tender: try context.parameters.require("id"), text: body.text, by: identity, address: caller.address), status: .created)
        }
        routes.add(.post, "/v1/tenders/:id/result/objections/:number/answer", Self.hosts, "Answer an objection to the candidates {text} (host)") { request, context, caller in
            let (identity, role) = try caller.required
            guard let number = context.parameters.get("number", as: Int.self) else { throw ServiceError.badRequest("objection.number-malformed", "the objection number must be an integer") }
            let body = try await JSONBody.decode(TextRequest.self, from: request, context: context)
            return try JSONBody.response(try await room.answerResultObjection(tender: try context.parameters.require("id"), number: number, text: body.text, by: identity, role: role,
                                                                              address: caller.address))
        }
        routes.add(.post, "/v1/tenders/:id/result/award", Self.hosts, "Award after the publicity {rank?, reason?}: the award notice and result notices (Law art. 45)") { request, context, caller in
            let (identity, role) = try caller.required
            let body = try await JSONBody.decode(AwardRequest.self, from: request, context: context)
            let signed = try await room.award(tender: try context.parameters.require("id"), winnerRank: body.rank, reason: body.reason, by: identity, role: role, address: caller.address)
            return try JSONBody.response(SignedResponse(signed: signed.wire, final: nil), status: .created)
        }
    }
}
