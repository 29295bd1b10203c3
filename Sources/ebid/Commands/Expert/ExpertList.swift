import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Expert {
    struct ExpertList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The expert pool with each expert's status (supervisors).")

        @OptionGroup var client: ClientOptions
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let experts: [ExpertRegistry.View] = try await client.login().get("/v1/experts")
                if json { return try printJSON(experts) }
                for expert in experts {
                    let relations = expert.relations.isEmpty ? "" : "  relations: " + expert.relations.map { "\($0.kind) \($0.name ?? $0.creditCode)" }.joined(separator: ", ")
                    print("\(expert.id)  \(expert.name)  \(expert.specialties.joined(separator: "/"))  \(expert.region)  \(expert.employer ?? "")  \(expert.status.rawValue)\(relations)")
                }
                print("\(experts.count) experts, \(experts.filter { $0.status == .suspended }.count) suspended")
            }
        }
    }
}
