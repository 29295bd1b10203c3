import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct CeremonyCheck: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check the shares dealt to you and confirm — or complain about a faulty dealer (each official).",
            discussion: """
            Decrypts, here, the share each official dealt you and checks it against that dealer's
            commitments. All good: signs the transcript digest (your confirmation). A bad share: sends a
            complaint with evidence anyone can check, which names the dealer; the ceremony then fails
            and is started again without it (exit status 1).
            """
        )

        @OptionGroup var official: CeremonyOfficialOptions

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey, suite, trust) = try official.identity()
                let api = try await official.client.login()
                switch try await CeremonyWork.check(api, tender: official.tender, suite: suite, certificate: certificate, key: privateKey, trust: trust) {
                case .confirmed(let after, let digest, let publicKey):
                    print("every share you received matches its dealer's commitments; confirmed transcript \(Hex.encode(digest).prefix(16))…")
                    print("opening public key \(publicKey.hex.prefix(24))…")
                    printCeremony(after)
                case .complained(let after, let dealer, let reason):
                    printError("complaint filed against official \(dealer): \(reason)")
                    printCeremony(after)
                    throw ExitCode(1)
                }
            }
        }
    }
}
