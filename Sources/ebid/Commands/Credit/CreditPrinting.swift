import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

func penaltyText(_ penalty: CreditRecordInput.Penalty) -> String {
    switch penalty.kind {
    case .none: return "none"
    case .warning: return "warning"
    case .fine: return "fine \(penalty.fineAmount ?? "?") yuan"
    default:
        let from = penalty.start.map { displayDate($0) } ?? "?"
        let until = penalty.permanent == true ? "permanently" : "until \(penalty.end.map { displayDate($0) } ?? "?")"
        return "\(penalty.kind.rawValue) from \(from) \(until)"
    }
}

func printRecordInput(_ input: CreditRecordInput, id: String) { printTable(recordRows(input, id: id), indent: "  ") }

func recordRows(_ input: CreditRecordInput, id: String) -> [(String, String)] {
    var rows: [(String, String)] = [
        ("record", "\(id) (\(input.kind.rawValue)\(input.outcome.map { ": " + $0.rawValue } ?? ""))"),
        ("subject", "\(input.subject.name) \(input.subject.code)"),
        ("category", input.category.rawValue),
        ("decision", "\(input.decisionNumber), \(input.authority), \(displayDate(input.decisionDate))"),
        ("legal basis", input.legalBasis),
        ("penalty", penaltyText(input.penalty)),
        ("facts", input.facts),
    ]
    if let references = input.references { rows.insert(("references", references), at: 1) }
    if let tender = input.tenderId { rows.append(("tender", tender)) }
    return rows
}

func printEntries(_ entries: [CreditEntry]) {
    if entries.isEmpty { print("  no records") }
    var rows = [["record", "subject", "category", "decision", "penalty", "status"]]
    for entry in entries {
        let input = entry.current
        let status = entry.status.rawValue + (entry.restricting ? ", restricting now" : "") + (entry.listed ? "" : ", not listed")
        rows.append([entry.id, "\(input.subject.name) \(input.subject.code)", input.category.rawValue,
                     "\(input.decisionNumber) \(displayDate(input.decisionDate))", penaltyText(input.penalty), status])
    }
    if !entries.isEmpty { printGrid(rows, indent: "  ") }
}

func printSubjectPage(_ page: SubjectPage) {
    print("\(page.name ?? page.subject) (\(page.subject)), \(displayTime(page.at))")
    if page.activeRestrictions.isEmpty {
        print("  no restriction in force")
    } else {
        for restriction in page.activeRestrictions {
            let penalty = CreditRecordInput.Penalty(kind: restriction.kind, start: restriction.start, end: restriction.end, permanent: restriction.permanent)
            print("  IN FORCE: \(penaltyText(penalty)) — decision \(restriction.decisionNumber) of \(restriction.authority) (record \(restriction.id))")
        }
    }
    print("  published decisions:")
    printEntries(page.records)
    for entry in page.records where entry.history != nil {
        print("  history of \(entry.id):")
        for record in entry.history ?? [] {
            print("    \(record.id)  \(record.input.kind.rawValue)\(record.input.outcome.map { " (\($0.rawValue))" } ?? "")  \(record.input.decisionNumber)  \(displayDate(record.input.decisionDate))  \(penaltyText(record.input.penalty))")
        }
    }
}

func printSupervisorFile(_ file: SupervisorSubjectFile) {
    print("supervisor's file on \(file.subject), \(displayTime(file.at))")
    if file.decisions.isEmpty { print("  no decisions") }
    for decision in file.decisions {
        let entry = decision.entry
        print("")
        printTable(recordRows(entry.current, id: entry.id) + [
            ("status", entry.status.rawValue + (entry.restricting ? ", restricting now" : "")),
            ("published", (entry.listed ? "listed" : "not listed") + " \(displayDate(entry.listedFrom)) → \(entry.listedUntil.map(displayDate) ?? "permanent")"),
        ], indent: "  ")
        print("  history:")
        for record in entry.history ?? [] {
            print("    \(record.id)  \(record.input.kind.rawValue)  recorded \(displayTime(record.recordedAt)) by \(record.recordedBy)  \(penaltyText(record.input.penalty))")
        }
        print("  ledger:")
        for view in decision.events { printEvent(view, indent: "    ") }
    }
    if !file.leads.isEmpty {
        print("")
        print("  leads:")
        for lead in file.leads { printLead(lead, indent: "    ") }
    }
}

func printLead(_ lead: CreditLead, indent: String = "  ") {
    print("\(indent)\(lead.id)  [\(lead.kind.rawValue), \(lead.status.rawValue)]  \(lead.subject.name) \(lead.subject.code)\(lead.tenderId.map { "  tender \($0)" } ?? "")")
    print("\(indent)    \(lead.summary)")
    if let resolution = lead.resolution { print("\(indent)    → \(resolution) (\(lead.resolvedBy ?? "?"))") }
}
