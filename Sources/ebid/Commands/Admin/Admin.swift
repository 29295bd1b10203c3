import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Administration.", subcommands: [Init.self, Clock.self, CRL.self, Backup.self, Restore.self, Migrate.self])
}
