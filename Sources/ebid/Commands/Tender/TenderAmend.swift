import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Tender {
    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish an amendment (澄清/修改) with its documents; may move the deadline later.",
            discussion: "Less than 15 days (statutory) before the deadline an amendment must move the deadline (Law art. 23)."
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @Option(help: "Title of the amendment.")
        var title: String

        @Option(help: "Text of the amendment.")
        var text: String

        @Option(name: .customLong("new-deadline"), help: "A later bid deadline: ISO 8601 or +20d / +2h / +30m / +45s.")
        var newDeadline: String?

        @Option(name: .customLong("document"), help: "A document of the amendment; repeat for each.")
        var documents: [String] = []

        func run() async throws {
            try await reportingErrors {
                let api = try await client.login()
                struct Input: Encodable { var title: String; var text: String; var newDeadline: Date? }
                let amendment: Amendment = try await api.send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/amendments",
                                                              json: Input(title: title, text: text, newDeadline: try newDeadline.map { try parseTimeOrOffset($0) }))
                for path in documents {
                    let name = URL(fileURLWithPath: path).lastPathComponent
                    struct Created: Decodable { var name: String }
                    let _: Created = try await api.upload("PUT", "/v1/tenders/\(EBidClient.pathComponent(tender))/amendments/\(amendment.number)/documents/\(EBidClient.pathComponent(name))",
                                                          file: path, contentType: contentType(for: path))
                }
                let view: TenderView
                do {
                    view = try await api.send("POST", "/v1/tenders/\(EBidClient.pathComponent(tender))/amendments/\(amendment.number)/publish")
                } catch {
                    printError("note: amendment \(amendment.number) stays a draft: publish it with ebid tender amendment publish --tender \(tender) --number \(amendment.number) [--new-deadline …], or discard it with ebid tender amendment discard --tender \(tender) --number \(amendment.number)")
                    throw error
                }
                print("amendment \(amendment.number) published; the deadline is \(displayTime(view.deadline))")
            }
        }
    }
}
