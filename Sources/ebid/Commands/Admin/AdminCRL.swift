import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

extension Admin {
    struct CRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "crl", abstract: "Certificate revocation lists in force.", subcommands: [Load.self])
    }
}
