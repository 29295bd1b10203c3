import ArgumentParser
import BidCore
import BidService
import Foundation
import BidDesks
import BidDomain

func printEvent(_ view: LedgerEventView, indent: String = "  ") {
    let event = view.event
    let checkpoint = view.checkpoint.map { "checkpoint \($0.number) (\(displayTime($0.at)))" } ?? "no checkpoint yet"
    print("\(indent)\(displayTime(event.at))  \(event.action)  \(event.object)  by \(event.actor.party) (\(event.actor.role), \(event.actor.address))  \(event.hash.prefix(12))…  — \(checkpoint)")
}
