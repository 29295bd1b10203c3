import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func printTenderView(_ view: TenderView) {
    var rows: [(String, String)] = [
        ("tender", "\(view.id) section \(view.section)\(view.sectionName.map { " (\($0))" } ?? "")"),
        ("title", view.title),
        ("status", view.status.rawValue),
        ("tenderer", view.tenderer.map { "\($0.name) \($0.creditCode ?? "")" } ?? "-"),
    ]
    if let agency = view.agency { rows.append(("agency", "\(agency.name) \(agency.creditCode ?? "")")) }
    rows += [
        ("maximum price", view.maximumPrice.map { "\($0) 元" } ?? "none"),
        ("documents on issue", "\(displayTime(view.documentIssueStart)) … \(displayTime(view.documentIssueEnd))"),
        ("bid deadline", displayTime(view.deadline)),
        ("decryption", view.decryptionPolicy.rawValue),
        ("suites", view.acceptedSuites.map(\.rawValue).joined(separator: ", ")),
    ]
    for key in view.openingKeys {
        rows.append(("opening key", "\(key.suite.rawValue) \(key.keyId.prefix(16))…, \(key.threshold) of \(key.officials.count) officials"))
    }
    for document in view.documents {
        rows.append(("document", "\(document.name)\(document.amendment > 0 ? " (amendment \(document.amendment))" : ""), \(formatBytes(UInt64(document.size)))"))
    }
    for amendment in view.amendments {
        rows.append(("amendment \(amendment.number)", "\(amendment.title) [\(amendment.status.rawValue)]"))
    }
    if let notice = view.notice { rows.append(("notice", notice)) }
    printTable(rows, indent: "  ")
}
