import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// Columns padded to their widest cell (counting CJK characters as two columns).
func printGrid(_ rows: [[String]], indent: String = "") {
    func width(_ text: String) -> Int { text.unicodeScalars.reduce(0) { $0 + ($1.value >= 0x1100 ? 2 : 1) } }
    let columns = rows.map(\.count).max() ?? 0
    let widths = (0..<columns).map { column in rows.map { column < $0.count ? width($0[column]) : 0 }.max() ?? 0 }
    for row in rows {
        let cells = row.enumerated().map { column, cell in cell + String(repeating: " ", count: max(0, widths[column] - width(cell))) }
        print(indent + cells.joined(separator: "  ").trimmingCharacters(in: .whitespaces))
    }
}
