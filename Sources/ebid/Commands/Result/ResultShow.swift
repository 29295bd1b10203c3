import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension ResultCommand {
    struct ResultShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "The published result (no login): candidates, objections, and after the award the notices, the committee and the draw record.",
            discussion: "--platform-cert checks the platform's signatures; --draw-out saves the draw record for `ebid draw verify`."
        )

        @Option(help: "The ebid service.") var server: String
        @Option(help: "Tender id.") var tender: String
        @Option(name: .customLong("platform-cert"), help: "Check the signatures with the platform certificate.") var platformCert: String?
        @Option(name: .customLong("draw-out"), help: "Save the draw record (after the award).") var drawOut: String?
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let view: EvaluationRoom.ResultView = try await EBidClient(server: server).get("\(EvalWork.tenderPath(tender))/result")
                if json { return try printJSON(view) }
                let platform = try platformCert.map { try Certificate(file: $0) }
                func check(_ wire: SignedDocument.Wire) throws -> SignedDocument {
                    guard let signed = wire.signed else { throw CLIError("a signed document is not well-formed") }
                    if let platform, try !signed.verify(with: platform) { throw CLIError("a result document's signature does not verify with the platform certificate") }
                    return signed
                }
                if let wire = view.publicity {
                    let publicity = try check(wire).decode(EvaluationRoom.Publicity.self)
                    print("candidates (公示 \(displayTime(publicity.from)) – \(displayTime(publicity.until))):")
                    for candidate in publicity.candidates { print("  \(candidate.rank). \(candidate.bidder) \(candidate.creditCode ?? "")  \(candidate.price)  \(candidate.total?.description ?? "")") }
                }
                for objection in view.objections ?? [] { print("objection \(objection.number): \(objection.text)\(objection.answer.map { " — answer: \($0)" } ?? " — not answered yet")") }
                if let wire = view.award {
                    let award = try check(wire).decode(EvaluationRoom.Award.self)
                    print("awarded \(displayTime(award.awardedAt)) to \(award.winner.bidder) at \(award.winner.price)\(award.reason.map { " (\($0))" } ?? "")")
                    print("committee: \(award.committee.map(\.name).joined(separator: ", "))")
                }
                if let record = view.drawRecord {
                    let members = try record.verify()
                    print("draw record verifies: \(members.count) experts drawn from \(record.pool.count)"
                          + ((record.representatives ?? []).isEmpty ? "" : ", with the tenderer's representative(s) \(record.representatives!.joined(separator: ", "))"))
                    if let drawOut { try JSONEncoder.ebidPretty.encode(record).write(to: URL(fileURLWithPath: drawOut)) }
                }
                if platform == nil { printError("note: signatures not checked (give --platform-cert)") }
            }
        }
    }
}
