import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer an objection (the host; Reg. art. 44).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "The objection's number.")
        var number: Int

        @Option(help: "The answer.")
        var text: String

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var text: String }
                let objection: Objection = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/objections/\(number)/answer",
                                                                         json: Body(text: text))
                printObjection(objection)
            }
        }
    }
}
