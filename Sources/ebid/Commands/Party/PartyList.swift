import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyStatus: ExpressibleByArgument {}
extension PartyRole: ExpressibleByArgument {}

extension PartyCommand {
    struct PartyList: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "The registry, a line per party (administrators, supervisors).")

        @OptionGroup var client: ClientOptions
        @Option(help: "Only parties with this role.") var role: PartyRole?
        @Option(help: "Only parties with this status: active, pending (self-registered, waiting for approval) or suspended.") var status: PartyStatus?
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                var query: [String] = []
                if let role { query.append("role=\(role.rawValue)") }
                if let status { query.append("status=\(status.rawValue)") }
                let states: [RegistryState] = try await client.login().get("/v1/parties" + (query.isEmpty ? "" : "?" + query.joined(separator: "&")))
                if output.json { return try printJSON(states) }
                for state in states {
                    let active = state.certificates.filter { $0.retiredAt == nil }.count
                    print("\(state.record.id)\t\(state.status.rawValue)\t\(state.record.roles.map(\.rawValue).joined(separator: ","))\t\(state.record.name)\t\(active) certificate\(active == 1 ? "" : "s")")
                }
                print("\(states.count) part\(states.count == 1 ? "y" : "ies")")
            }
        }
    }
}
