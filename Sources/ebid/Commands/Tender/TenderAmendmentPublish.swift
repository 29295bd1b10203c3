import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender.TenderAmendment {
    struct TenderAmendmentPublish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "publish",
            abstract: "Publish a draft amendment, optionally with a later deadline (Law art. 23: 15 days must remain).",
            discussion: "Refused with amendment.deadline-must-move, it names the earliest deadline to give with --new-deadline."
        )

        @OptionGroup var client: ClientOptions
        @OptionGroup var selection: TenderSelection
        @Option(help: "The amendment's number (ebid tender draft show / tender show lists them).") var number: Int
        @Option(name: .customLong("new-deadline"), help: "A later bid deadline: ISO 8601 or +20d / +2h / +30m / +45s.") var newDeadline: String?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                struct Options: Encodable { var newDeadline: Date? }
                let view: TenderView = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(selection.id))/amendments/\(number)/publish",
                                                                     json: Options(newDeadline: try newDeadline.map { try parseTimeOrOffset($0) }))
                if output.json { return try printJSON(view) }
                print("amendment \(number) published; the deadline is \(displayTime(view.deadline))")
            }
        }
    }
}
