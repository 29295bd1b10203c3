import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Object: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Raise an objection (异议) to the opening, within the confirmation window (Reg. art. 44).")

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "The objection.")
        var text: String

        func run() async throws {
            try await reportingErrors {
                struct Body: Encodable { var text: String }
                let objection: Objection = try await client.login().send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/opening/objections", json: Body(text: text))
                print("objection \(objection.number) recorded; the host answers it")
            }
        }
    }
}
