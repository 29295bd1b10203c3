import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Expert {
    struct ExpertSuspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "suspend", abstract: "Suspend an expert, with the reason: left out of every draw until restored (supervisors).")

        @OptionGroup var client: ClientOptions
        @Option(help: "Expert id.") var id: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors { try await changeExpertStatus(client, id: id, action: "suspend", reason: reason, json: json, done: "is suspended") }
        }
    }
}

/// `expert suspend` and `expert restore`: the same call, and a line saying what became of the expert.
func changeExpertStatus(_ client: ClientOptions, id: String, action: String, reason: String, json: Bool, done: String) async throws {
    let view: ExpertRegistry.View = try await client.login().send("POST", "/v1/experts/\(EBidClient.pathComponent(id))/\(action)", json: ["reason": reason])
    if json { return try printJSON(view) }
    print("\(view.name) (\(view.id)) \(done): \(reason)")
}
