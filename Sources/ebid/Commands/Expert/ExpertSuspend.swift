import ArgumentParser
import BidService
import Foundation

extension Expert {
    struct ExpertSuspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend an expert, with the reason: left out of every draw until restored (supervisors).")

        @OptionGroup var client: ClientOptions
        @Option(help: "Expert id.") var id: String
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let view: ExpertRegistry.View = try await client.login().send("POST", "/v1/experts/\(EBidClient.pathComponent(id))/suspend", json: ["reason": reason])
                if json { return try printJSON(view) }
                print("\(view.name) (\(view.id)) is suspended: \(reason)")
            }
        }
    }
}
