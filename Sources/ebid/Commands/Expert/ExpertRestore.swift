import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Expert {
    struct ExpertRestore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a suspended expert, with the reason (supervisors).")

        @OptionGroup var client: ClientOptions
        @Option(help: "Expert id.") var id: String
        @Option(help: "Why.") var reason: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors { try await changeExpertStatus(client, id: id, action: "restore", reason: reason, json: json, done: "is active again") }
        }
    }
}
