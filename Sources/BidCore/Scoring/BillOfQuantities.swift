import Foundation

extension BidCoreError.Code {
    public static let billInvalid: Self = "bill.invalid"
}

/// A bill of quantities (工程量清单) in the plain CSV layout of docs/evaluation.md, "Bills of
/// quantities": UTF-8, comma-separated, no quoting, a header line naming the columns.
///
/// - The tender's bill: `code,name,unit,quantity,controlUnitPrice` (the control price's unit price
///   per item, 招标控制价).
/// - A bid's priced bill: `code,name,unit,quantity,unitPrice,total[,words]`, and one last line with
///   code `TOTAL` giving the bid's total in its `total` column (and, in words, in `words`).
public struct BillLine: Sendable, Equatable {
    public var code: String
    public var name: String
    public var unit: String
    public var quantity: ExactDecimal
    /// Tender: the control unit price. Bid: the unit price given.
    public var unitPrice: ExactDecimal
    /// Bid only: the line total given, and the same in words if given.
    public var total: ExactDecimal?
    public var words: String?
}

public struct BillOfQuantities: Sendable, Equatable {
    public var lines: [BillLine]
    /// A bid's TOTAL line: the figure and the words given.
    public var statedTotal: ExactDecimal?
    public var statedTotalWords: String?

    static let tenderColumns = ["code", "name", "unit", "quantity", "controlUnitPrice"]
    static let bidColumns = ["code", "name", "unit", "quantity", "unitPrice", "total"]
    public static let maxLines = 100_000

    /// Reads the tender's bill.
    public static func parseTenderBill(_ text: String) throws -> BillOfQuantities {
        try parse(text, columns: tenderColumns, priced: false)
    }

    /// Reads a bid's priced bill.
    public static func parseBidBill(_ text: String) throws -> BillOfQuantities {
        try parse(text, columns: bidColumns, priced: true)
    }

    /// Largest bill text accepted (100,000 lines of a few dozen characters).
    public static let maxBytes = 16 << 20

    /// A plain decimal of at most `digits` integer digits and `places` decimals, not negative.
    static func amount(_ text: String, digits: Int, places: Int) -> ExactDecimal? {
        guard let value = ExactDecimal(text), !value.isNegative, value.normalized.scale <= places else { return nil }
        let whole = text.split(separator: ".", maxSplits: 1).first.map { $0.drop { $0 == "0" }.count } ?? 0
        return whole <= digits ? value : nil
    }

    private static func parse(_ text: String, columns: [String], priced: Bool) throws -> BillOfQuantities {
        guard text.utf8.count <= maxBytes else { throw BidCoreError(.billInvalid, "a bill is at most \(maxBytes >> 20) MiB") }
        guard text.utf8.lazy.filter({ $0 == 0x0a }).count <= maxLines + 1 else { throw BidCoreError(.billInvalid, "at most \(maxLines) lines") }
        var rows = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).map(String.init)
        while rows.last?.isEmpty == true { rows.removeLast() }
        guard let header = rows.first else { throw BidCoreError(.billInvalid, "the bill is empty") }
        let names = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        let wordsColumn = priced && names.count == columns.count + 1 && names.last == "words"
        guard Array(names.prefix(columns.count)) == columns, names.count == columns.count || wordsColumn else {
            throw BidCoreError(.billInvalid, "the header must be \(columns.joined(separator: ","))\(priced ? "[,words]" : "")")
        }
        guard rows.count - 1 <= maxLines else { throw BidCoreError(.billInvalid, "at most \(maxLines) lines") }
        var bill = BillOfQuantities(lines: [])
        var codes = Set<String>()
        for (offset, row) in rows.dropFirst().enumerated() {
            let lineNumber = offset + 2
            func fail(_ what: String) -> BidCoreError { BidCoreError(.billInvalid, "line \(lineNumber): \(what)") }
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count == names.count else { throw fail("\(names.count) columns expected, \(cells.count) found") }
            guard bill.statedTotal == nil && bill.statedTotalWords == nil else { throw fail("nothing may follow the TOTAL line") }
            let code = cells[0]
            let words = wordsColumn && !cells[6].isEmpty ? cells[6] : nil
            if priced && code == "TOTAL" {
                guard let total = amount(cells[5], digits: 15, places: 2) else { throw fail("the TOTAL line needs the total in yuan (at most 15 digits, 2 decimals)") }
                bill.statedTotal = total
                bill.statedTotalWords = words
                continue
            }
            guard !code.isEmpty, code.count <= 64 else { throw fail("an item code is required (at most 64 characters)") }
            guard codes.insert(code).inserted else { throw fail("item \(code) appears twice") }
            guard let quantity = amount(cells[3], digits: 12, places: 6) else { throw fail("quantity must be a decimal of 0 or more (at most 12 digits and 6 decimals)") }
            guard let unitPrice = amount(cells[4], digits: 13, places: 6) else { throw fail("the unit price must be a decimal of 0 or more (at most 13 digits and 6 decimals)") }
            var line = BillLine(code: code, name: cells[1], unit: cells[2], quantity: quantity, unitPrice: unitPrice)
            if priced {
                guard let total = amount(cells[5], digits: 15, places: 2) else { throw fail("the line total must be a yuan amount (at most 15 digits, 2 decimals)") }
                line.total = total
                line.words = words
            }
            bill.lines.append(line)
        }
        guard !bill.lines.isEmpty else { throw BidCoreError(.billInvalid, "the bill has no items") }
        if priced && bill.statedTotal == nil { throw BidCoreError(.billInvalid, "a priced bill ends with a TOTAL line") }
        return bill
    }
}

/// One thing bid cleaning found: evidence for the committee, never a rejection by itself (RULES.md).
public struct CleaningFinding: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// The words differ from the figures; the words prevail.
        case wordsOverFigures = "words-over-figures"
        /// quantity × unit price ≠ line total; the unit price prevails and the total is corrected.
        case lineTotalCorrected = "line-total-corrected"
        /// The unit price's decimal point is plainly misplaced (the total is it shifted); the total prevails.
        case unitPriceDecimalMisplaced = "unit-price-decimal-misplaced"
        /// Σ lines ≠ stated total; the bid total is corrected to the sum.
        case totalCorrected = "total-corrected"
        /// 不平衡报价: a unit price above / below the control unit price by more than the rubric's percentage.
        case unbalancedHigh = "unbalanced-high"
        case unbalancedLow = "unbalanced-low"
        case itemMissing = "item-missing"
        case itemAdded = "item-added"
        case quantityChanged = "quantity-changed"
        case unitChanged = "unit-changed"
        case wordsUnreadable = "words-unreadable"
    }
    public var kind: Kind
    /// Item code, or TOTAL.
    public var item: String
    public var detail: String
    public var stated: ExactDecimal?
    public var corrected: ExactDecimal?
}

public struct CleaningReport: Codable, Sendable, Equatable {
    public var findings: [CleaningFinding]
    public var statedTotal: ExactDecimal
    /// The bid total after the corrections (Σ corrected line totals).
    public var correctedTotal: ExactDecimal
    /// For the bidder to confirm (RULES.md: obvious errors are corrected, and the bidder confirms).
    public var needsConfirmation: Bool { correctedTotal != statedTotal }
}

/// Bid cleaning (清标) of a priced bill against the tender's (评标委员会和评标方法暂行规定 art. 19).
public enum BidCleaning {
    public static func clean(bid: BillOfQuantities, tender: BillOfQuantities, unbalancedPercent: ExactDecimal) -> CleaningReport {
        var findings: [CleaningFinding] = []
        func find(_ kind: CleaningFinding.Kind, _ item: String, _ detail: String, stated: ExactDecimal? = nil, corrected: ExactDecimal? = nil) {
            findings.append(CleaningFinding(kind: kind, item: item, detail: detail, stated: stated, corrected: corrected))
        }
        let control = Dictionary(uniqueKeysWithValues: tender.lines.map { ($0.code, $0) })
        let given = Set(bid.lines.map(\.code))
        var sum = ExactDecimal.zero
        for line in bid.lines {
            var total = line.total!
            var unitPrice = line.unitPrice
            if let words = line.words {
                if let amount = ChineseAmount.parse(words) {
                    if amount != total {
                        find(.wordsOverFigures, line.code, "the words \(words) say \(amount); the figures say \(total)", stated: total, corrected: amount)
                        total = amount
                    }
                } else {
                    find(.wordsUnreadable, line.code, "the amount in words \(words) cannot be read; the figures stand")
                }
            }
            let computed = (line.quantity * unitPrice).rounded(places: 2)
            if computed != total {
                if let shifted = misplacedPoint(quantity: line.quantity, unitPrice: unitPrice, total: total, control: control[line.code]?.unitPrice) {
                    find(.unitPriceDecimalMisplaced, line.code,
                         "\(line.quantity) × \(unitPrice) = \(computed), but the total \(total) is \(line.quantity) × \(shifted): the unit price's decimal point is misplaced, the total prevails",
                         stated: unitPrice, corrected: shifted)
                    unitPrice = shifted
                } else {
                    find(.lineTotalCorrected, line.code, "\(line.quantity) × \(unitPrice) = \(computed), not \(total): the unit price prevails", stated: total, corrected: computed)
                    total = computed
                }
            }
            sum += total
            guard let item = control[line.code] else {
                find(.itemAdded, line.code, "item \(line.code) \(line.name) is not in the tender's bill")
                continue
            }
            if item.quantity != line.quantity {
                find(.quantityChanged, line.code, "the tender's bill gives \(item.quantity) \(item.unit), the bid \(line.quantity)", stated: line.quantity, corrected: item.quantity)
            }
            if item.unit != line.unit { find(.unitChanged, line.code, "the tender's unit is \(item.unit), the bid's \(line.unit)") }
            if item.unitPrice > .zero {
                let spread = (unitPrice - item.unitPrice) * .hundred
                if spread.magnitude > unbalancedPercent * item.unitPrice {
                    let percent = spread.divided(by: item.unitPrice, places: 2)!
                    find(spread.isNegative ? .unbalancedLow : .unbalancedHigh, line.code,
                         "unit price \(unitPrice) against the control \(item.unitPrice): \(percent) %, beyond ±\(unbalancedPercent) %", stated: unitPrice)
                }
            }
        }
        for item in tender.lines where !given.contains(item.code) {
            find(.itemMissing, item.code, "item \(item.code) \(item.name) of the tender's bill is not priced")
        }
        var stated = bid.statedTotal!
        if let words = bid.statedTotalWords {
            if let amount = ChineseAmount.parse(words) {
                if amount != stated {
                    find(.wordsOverFigures, "TOTAL", "the bid total in words \(words) says \(amount); the figures say \(stated)", stated: stated, corrected: amount)
                    stated = amount
                }
            } else {
                find(.wordsUnreadable, "TOTAL", "the bid total in words \(words) cannot be read; the figures stand")
            }
        }
        if sum != stated {
            find(.totalCorrected, "TOTAL", "the lines add up to \(sum), the bid states \(stated): the total is corrected", stated: stated, corrected: sum)
        }
        return CleaningReport(findings: findings, statedTotal: bid.statedTotal!, correctedTotal: sum)
    }

    /// The unit price with its decimal point moved (×10^±1…3) when that is plainly the error: the
    /// moved price gives exactly the stated total and lies nearer the control unit price (by
    /// ratio) than the price as written. Without a control price the unit price prevails.
    static func misplacedPoint(quantity: ExactDecimal, unitPrice: ExactDecimal, total: ExactDecimal, control: ExactDecimal?) -> ExactDecimal? {
        guard let control, control > .zero, !quantity.isZero, !unitPrice.isZero else { return nil }
        for exponent in [1, -1, 2, -2, 3, -3] {
            let factor = exponent > 0 ? ExactDecimal(significand: pow(exponent), scale: 0) : ExactDecimal(significand: 1, scale: -exponent)
            let shifted = (unitPrice * factor).normalized
            // Within the bounds a unit price may have (13 digits, 6 decimals), so no product overflows.
            guard shifted.scale <= 6, shifted < ExactDecimal(significand: 10_000_000_000_000, scale: 0),
                  (quantity * shifted).rounded(places: 2) == total else { continue }
            return nearer(shifted, than: unitPrice, to: control) ? shifted : nil
        }
        return nil
    }

    /// max(a,c)/min(a,c) < max(b,c)/min(b,c), cross-multiplied (all positive).
    static func nearer(_ a: ExactDecimal, than b: ExactDecimal, to c: ExactDecimal) -> Bool {
        ExactDecimal.max(a, c) * ExactDecimal.min(b, c) < ExactDecimal.max(b, c) * ExactDecimal.min(a, c)
    }

    private static func pow(_ exponent: Int) -> Int128 { (0..<exponent).reduce(Int128(1)) { value, _ in value * 10 } }
}
