import ArgumentParser
import BidService
import Foundation

extension Expert {
    struct ExpertRestore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a suspended expert, with the reason (supervisors).")

        @OptionGroup var client: ClientOptions
        @Option(help: "Expert id.") var id: String
        @Option(help: "Why.") var reason: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await reportingErrors {
                let view: ExpertRegistry.View = try await client.login().send("POST", "/v1/experts/\(EBidClient.pathComponent(id))/restore", json: ["reason": reason])
                if json { return try printJSON(view) }
                print("\(view.name) (\(view.id)) is active again: \(reason)")
            }
        }
    }
}
