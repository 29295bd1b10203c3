import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct CeremonyDeal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "deal",
            abstract: "Deal your part of the tender's opening key (each official, on its own machine).",
            discussion: """
            Draws a random polynomial of degree k−1 here, publishes its Feldman commitments and sends
            each official its share, encrypted to that official's certificate, the whole signed with
            your key. Nothing you send lets anyone — the service included — learn the key.
            """
        )

        @OptionGroup var official: CeremonyOfficialOptions

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey, suite, trust) = try official.identity()
                let api = try await official.client.login()
                let (index, after) = try await CeremonyWork.deal(api, tender: official.tender, suite: suite, certificate: certificate, key: privateKey, trust: trust)
                print("dealt as official \(index) of \(after.officials.count): \(after.officials.filter(\.dealt).count) have dealt")
                printCeremony(after)
            }
        }
    }
}
