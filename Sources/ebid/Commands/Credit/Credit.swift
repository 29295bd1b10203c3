import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

/// `ebid credit`: the credit / bad-behaviour register (信用 / 不良行为记录).
struct Credit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The credit register: decisions about parties, their publication, leads for supervisors.",
        subcommands: [Add.self, Query.self, Get.self, Import.self, Leads.self, Dismiss.self]
    )
}
