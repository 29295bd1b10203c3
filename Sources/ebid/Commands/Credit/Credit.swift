import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// `ebid credit`: the credit / bad-behaviour register (信用 / 不良行为记录).
struct Credit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The credit register: decisions about parties, their publication, leads for supervisors.",
        subcommands: [Add.self, Query.self, Get.self, Import.self, Leads.self, Dismiss.self]
    )
}
