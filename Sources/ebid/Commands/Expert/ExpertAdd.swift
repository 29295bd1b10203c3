import ArgumentParser
import BidDesks
import BidDomain
import BidService
import Foundation

extension Expert {
    struct ExpertAdd: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a registered expert to the pool, or update its profile (supervisors).",
            discussion: #"FILE: {"id", "specialties": [...], "region", "registeredBy", "relations": [{"creditCode", "name", "kind"}]} — kinds: former-employee, relative-of-principal, shareholder, consultant, other."#
        )

        @OptionGroup var client: ClientOptions
        @Option(help: "The expert's profile (JSON).") var file: String
        @OptionGroup var output: OutputOptions
        var json: Bool { output.json }

        func run() async throws {
            try await reportingErrors {
                let profile = try decodeJSON(ExpertProfile.self, from: file, what: "expert profile")
                let view: ExpertRegistry.View = try await client.login().send("POST", "/v1/experts", json: profile)
                if json { return try printJSON(view) }
                print("\(view.name) (\(view.id)) is in the pool: \(view.specialties.joined(separator: ", ")), region \(view.region), \(view.status.rawValue)")
            }
        }
    }
}
