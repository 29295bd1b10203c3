import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension ResultCommand {
    struct ResultAward: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "award",
            abstract: "Issue the award notice and the result notices (host; Law art. 45), after the publicity.",
            discussion: "The first candidate wins unless --rank names another, with --reason (Reg. art. 55: the first gave up, cannot perform, or broke the rules). The committee list and the draw record become public."
        )

        @OptionGroup var options: EvalOptions
        @Option(help: "The candidate's rank (default 1).") var rank: Int?
        @Option(help: "Why not the first candidate.") var reason: String?
        @Flag(help: "Print JSON (the award).") var json = false

        func run() async throws {
            try await reportingErrors {
                let (client, _, _) = try await options.login()
                struct Body: Encodable { var rank: Int?; var reason: String? }
                struct Served: Decodable { var signed: SignedDocument.Wire }
                let served: Served = try await client.send("POST", "\(options.path)/result/award", json: Body(rank: rank, reason: reason))
                let award = try served.signed.signed!.decode(EvaluationRoom.Award.self)
                if json { return try printJSON(award) }
                print("awarded to \(award.winner.bidder) at \(award.winner.price); \(award.notices.count) result notices issued; the committee is now public")
            }
        }
    }
}
