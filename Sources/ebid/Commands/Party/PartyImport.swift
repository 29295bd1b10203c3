import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    struct PartyImport: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Load a batch of parties with their certificates (administrators): all or nothing.",
            discussion: """
            FILE: {"format": "ebid-party-import", "version": 1, "parties": [{"party": {…a party record…},
            "certificates": ["-----BEGIN CERTIFICATE-----…"], "certificateFiles": ["certs/bidder-01.crt.pem"]}]}
            — certificateFiles are read here, relative to FILE's folder, and sent as PEM. Every entry is
            checked before any is written; one bad entry refuses the batch and names it. A party already
            registered is updated (its status and certificates kept); one that is unchanged is counted so.
            """
        )

        struct Entry: Decodable {
            var party: PartyRecord
            var certificates: [String]?
            var certificateFiles: [String]?
        }

        struct File: Decodable {
            var format: String
            var version: Int
            var parties: [Entry]
        }

        @OptionGroup var client: ClientOptions
        @Argument(help: "The import file (JSON).") var file: String
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reportingErrors {
                let input = try decodeJSON(File.self, from: file, what: "party import")
                let folder = URL(fileURLWithPath: file).deletingLastPathComponent().path
                var batch = PartyRegistry.ImportFile(parties: [])
                batch.format = input.format
                batch.version = input.version
                for entry in input.parties {
                    let files = (entry.certificateFiles ?? []).map { $0.hasPrefix("/") ? $0 : "\(folder)/\($0)" }
                    batch.parties.append(.init(party: entry.party, certificates: (entry.certificates ?? []) + (try certificatePEMs(files))))
                }
                let result: PartyRegistry.ImportResult = try await client.login().send("POST", "/v1/parties/import", json: batch)
                if output.json { return try printJSON(result) }
                print("imported \(file): \(result.created) registered, \(result.updated) updated, \(result.unchanged) unchanged")
            }
        }
    }
}
