import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "A party record, by id, credit code or person id (administrators, supervisors).")

        @OptionGroup var client: ClientOptions
        @Option(name: .customLong("id"), help: "Party id, credit code or person id.") var option: String?
        @Argument(help: ArgumentHelp("The same as --id.", valueName: "id")) var positional: String?
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard option != nil || positional != nil else { throw ValidationError("give the party: --id ID") }
            if let option, let positional, option != positional { throw ValidationError("--id \(option) and the argument \(positional) name different parties") }
        }

        func run() async throws {
            try await reportingErrors {
                let state: RegistryState = try await client.login().get("/v1/parties/\(EBidClient.pathComponent(option ?? positional ?? ""))")
                try printParty(state, json: output.json)
            }
        }
    }
}
