import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension PartyCommand {
    /// `ebid party cert add|retire`.
    struct PartyCertificate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cert",
            abstract: "A party's certificates: add a renewal or a second suite's, retire a lost or replaced one (administrators).",
            subcommands: [PartyCertificateAdd.self, PartyCertificateRetire.self]
        )
    }
}
