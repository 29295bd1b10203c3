import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func printEvent(_ view: LedgerEventView, indent: String = "  ") {
    let event = view.event
    let checkpoint = view.checkpoint.map { "checkpoint \($0.number) (\(displayTime($0.at)))" } ?? "no checkpoint yet"
    print("\(indent)\(displayTime(event.at))  \(event.action)  \(event.object)  by \(event.actor.party) (\(event.actor.role), \(event.actor.address))  \(event.hash.prefix(12))…  — \(checkpoint)")
}
