import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func printOpening(_ view: OpeningView) {
    var rows: [(String, String)] = [
        ("tender", view.tenderId),
        ("status", view.status.rawValue),
        ("decryption", view.decryptionPolicy.rawValue),
        ("started", displayTime(view.startedAt)),
        ("window ends", displayTime(view.windowEndsAt)),
        ("bids", "\(view.bidCount)"),
    ]
    if let completed = view.completedAt { rows.append(("completed", displayTime(completed))) }
    if let ends = view.confirmationEndsAt { rows.append(("objections until", displayTime(ends))) }
    if let partials = view.partialsFrom, let threshold = view.threshold {
        rows.append(("partials from", partials.sorted { $0.key < $1.key }.map { suite, officials in
            "\(suite) \(officials.count)/\(threshold)" + (officials.isEmpty ? "" : " (officials \(officials.map(String.init).joined(separator: ", ")))")
        }.joined(separator: "; ")))
    }
    printTable(rows, indent: "  ")
    for bid in view.bids ?? [] {
        let how = bid.openedBy.map { " by \($0.rawValue)" } ?? ""
        let cause = bid.failure.map { " — \($0.fault.rawValue): \($0.detail)" } ?? ""
        let refused = bid.refusedAttempts > 0 ? " (\(bid.refusedAttempts) wrong key(s) refused)" : ""
        print("  \(bid.bidderParty.padding(toLength: 12, withPad: " ", startingAt: 0)) \(bid.state.rawValue)\(how)\(refused)\(cause)")
    }
}

/// The opening record as a readable table.
func printRecord(_ record: OpeningRecord) {
    printTable([
        ("tender", "\(record.tender.id) section \(record.tender.section): \(record.tender.title)"),
        ("tenderer", record.tender.tenderer ?? "—"),
        ("maximum price", record.tender.maximumPrice.map { "\($0) yuan" } ?? "—"),
        ("deadline", displayTime(record.tender.deadline)),
        ("decryption", record.tender.decryptionPolicy.rawValue),
        ("outcome", record.outcome == .failed ? "FAILED (流标): \(record.failureReason ?? "")" : record.outcome.rawValue),
        ("opened", "\(displayTime(record.startedAt)) → \(displayTime(record.completedAt))"),
        ("bids", "\(record.bidCount)"),
    ], indent: "  ")
    guard !record.bids.isEmpty else { return }
    let items = record.tender.openingRecordItems
    let labels = ["price": "price (yuan)", "durationDays": "duration (days)", "quality": "quality", "projectManager": "project manager",
                  "bidSecurityAccount": "bid security account"]
    var rows = [["#", "bidder", "received", "state", "opened by"] + items.map { labels[$0] ?? $0 } + ["package"]]
    for (index, bid) in record.bids.enumerated() {
        rows.append(["\(index + 1)", bid.bidderName, displayTime(bid.receivedAt), bid.state.rawValue, bid.openedBy?.rawValue ?? "—"]
                    + items.map { bid.items[$0] ?? "—" } + [String(bid.packageDigest.prefix(20)) + "…"])
    }
    printGrid(rows, indent: "  ")
    for bid in record.bids {
        if let failure = bid.failure { print("  \(bid.bidderName): \(bid.state.rawValue) (\(failure.fault.rawValue)'s fault, \(failure.code)): \(failure.detail)") }
    }
}

func printSignals(_ signals: [CollusionSignal]) {
    if signals.isEmpty { print("no collusion signals") }
    for signal in signals {
        print("  [\(signal.kind.rawValue)] \(signal.bidders.joined(separator: ", "))")
        print("      \(signal.evidence)")
    }
}

func printObjection(_ objection: Objection) {
    print("  #\(objection.number) by \(objection.party) at \(displayTime(objection.raisedAt)): \(objection.text)")
    if let answer = objection.answer {
        print("      answered by \(objection.answeredBy ?? "?") at \(objection.answeredAt.map(displayTime) ?? "?"): \(answer)")
    } else {
        print("      (not answered yet)")
    }
}
