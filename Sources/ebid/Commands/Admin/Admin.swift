import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Administration.", subcommands: [Init.self, Clock.self, CRL.self, Backup.self, Restore.self, Migrate.self])
}
