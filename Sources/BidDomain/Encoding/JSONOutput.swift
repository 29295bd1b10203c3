import Foundation

/// A small JSON writer for hot responses, producing exactly the bytes `JSONEncoder.ebid` would
/// (sorted keys, slashes unescaped, ISO 8601 dates in UTC to the second, nil optionals left out)
/// at a fraction of its cost. `JSONOutputTests` holds it to that, byte for byte.
package struct JSONOutput {
    package private(set) var bytes: [UInt8] = []
    /// Whether the next item at the current level needs a comma before it. No stack is needed:
    /// a container just closed was itself an item of its parent.
    private var comma = false
    /// The last date written, for runs of events in the same second.
    private var lastSecond = Int.min
    private var lastDate: [UInt8] = []

    /// `afterItem`: the output continues a container that already holds an item (a fragment).
    package init(capacity: Int = 4096, afterItem: Bool = false) {
        bytes.reserveCapacity(capacity)
        comma = afterItem
    }

    /// Bytes written as they are (a fragment's opening or closing), not an item.
    package mutating func literal(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    package mutating func object(_ body: (inout JSONOutput) throws -> Void) rethrows { try container("{", "}", body) }

    package mutating func array(_ body: (inout JSONOutput) throws -> Void) rethrows { try container("[", "]", body) }

    private mutating func container(_ open: StaticString, _ close: StaticString, _ body: (inout JSONOutput) throws -> Void) rethrows {
        separate()
        literal(open)
        comma = false
        try body(&self)
        literal(close)
        comma = true
    }

    /// A key (a literal needing no escapes); the value follows. Callers give keys in sorted order.
    package mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        bytes.append(UInt8(ascii: ":"))
        comma = false
    }

    package mutating func string(_ value: String) {
        separate()
        var text = value
        text.withUTF8 { writeString($0) }
    }

    /// A string given as its UTF-8 bytes.
    package mutating func string(utf8 value: UnsafeBufferPointer<UInt8>) {
        separate()
        writeString(value)
    }

    /// A value already encoded as JSON.
    package mutating func raw(_ json: [UInt8]) {
        separate()
        bytes.append(contentsOf: json)
    }

    package mutating func integer(_ value: Int64) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    package mutating func bool(_ value: Bool) {
        separate()
        literal(value ? "true" : "false")
    }

    package mutating func date(_ value: Date) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        let second = Int(value.timeIntervalSince1970.rounded(.down))
        if second != lastSecond {
            lastDate.removeAll(keepingCapacity: true)
            Self.iso8601(value, into: &lastDate)
            lastSecond = second
        }
        bytes.append(contentsOf: lastDate)
        bytes.append(UInt8(ascii: "\""))
    }

    package mutating func field(_ name: StaticString, _ value: String) { key(name); string(value) }
    package mutating func field(_ name: StaticString, _ value: String?) { if let value { field(name, value) } }
    package mutating func field(_ name: StaticString, utf8 value: UnsafeBufferPointer<UInt8>) { key(name); string(utf8: value) }
    package mutating func field(_ name: StaticString, _ value: Int64) { key(name); integer(value) }
    package mutating func field(_ name: StaticString, _ value: Date) { key(name); date(value) }
    package mutating func field(_ name: StaticString, _ value: Date?) { if let value { field(name, value) } }
    package mutating func field(_ name: StaticString, _ value: Bool) { key(name); bool(value) }
    package mutating func field(_ name: StaticString, _ value: Bool?) { if let value { field(name, value) } }

    private mutating func separate() {
        if comma { bytes.append(UInt8(ascii: ",")) }
        comma = true
    }

    private mutating func writeString(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        // Most strings (ids, hashes, names) need no escaping: copy them whole.
        if !Self.needsEscaping(buffer) {
            bytes.append(contentsOf: buffer)
        } else {
            for byte in buffer {
                switch byte {
                case 0x22: bytes.append(contentsOf: [0x5C, 0x22])
                case 0x5C: bytes.append(contentsOf: [0x5C, 0x5C])
                case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                default: bytes.append(byte)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any byte is a control character, a quote or a backslash: eight bytes at a time
    /// (the exact SWAR tests "has a byte less than n" and "has a zero byte"), the rest one by one.
    package static func needsEscaping(_ buffer: UnsafeBufferPointer<UInt8>) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ word: UInt64) -> Bool { (word &- ones) & ~word & highs != 0 }
        var index = 0
        if let base = buffer.baseAddress {
            let raw = UnsafeRawPointer(base)
            while buffer.count - index >= 8 {
                let word = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: index, as: UInt64.self))
                if (word &- ones &* 0x20) & ~word & highs != 0 || hasZero(word ^ (ones &* 0x22)) || hasZero(word ^ (ones &* 0x5C)) { return true }
                index += 8
            }
        }
        while index < buffer.count {
            let byte = buffer[index]
            if byte < 0x20 || byte == 0x22 || byte == 0x5C { return true }
            index += 1
        }
        return false
    }

    /// `yyyy-MM-ddTHH:mm:ssZ`, as `JSONEncoder`'s `.iso8601` strategy writes it.
    package static func iso8601(_ date: Date, into bytes: inout [UInt8]) {
        var time = time_t(Int(date.timeIntervalSince1970.rounded(.down)))
        var parts = tm()
        gmtime_r(&time, &parts)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(48 + (value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2)
        bytes.append(UInt8(ascii: "Z"))
    }
}

extension JSONOutput {
    /// A ledger event as `JSONEncoder.ebid` encodes `LedgerEventSummary`, from the bytes the store holds.
    package mutating func ledgerEvent(_ row: LedgerRow) {
        object { out in
            out.field("action", utf8: row.action)
            out.key("actor")
            out.object { out in
                out.field("address", utf8: row.address)
                out.field("certificateFingerprint", utf8: row.actorFingerprint)
                out.field("party", utf8: row.actorParty)
                out.field("role", utf8: row.role)
            }
            out.field("at", row.at)
            out.field("hash", utf8: row.hash)
            out.field("object", utf8: row.object)
            out.field("payloadDigest", utf8: row.payloadDigest)
            if let tender = row.tenderId { out.field("tenderId", utf8: tender) }
        }
    }
}

/// A published decision as a subject page shows it: what varies with time, and the decision as
/// it stands already as JSON (written when the decision last changed).
public struct CreditPageRow: Sendable {
    public var id: String
    public var head: String
    public var status: CreditChainStatus
    public var listedFrom: Date
    public var listedUntil: Date?
    public var penalty: CreditRecordInput.Penalty
    public var decisionNumber: String
    public var authority: String
    public var subjectName: String
    public var currentJSON: [UInt8]

    package var state: CreditDecisionState {
        // Enough of the state for the time-dependent answers (restricting, listed): SubjectPageSource.
        CreditDecisionState(id: id, current: CreditRecordInput(subject: .init(kind: .organization, code: "", name: subjectName), category: .other, facts: "",
                                                               legalBasis: "", decisionNumber: decisionNumber, authority: authority, decisionDate: listedFrom,
                                                               penalty: penalty),
                            status: status, listedFrom: listedFrom, listedUntil: listedUntil, head: head)
    }

    package init(id: String, head: String, status: CreditChainStatus, listedFrom: Date, listedUntil: Date? = nil, penalty: CreditRecordInput.Penalty, decisionNumber: String, authority: String, subjectName: String, currentJSON: [UInt8]) {
        self.id = id
        self.head = head
        self.status = status
        self.listedFrom = listedFrom
        self.listedUntil = listedUntil
        self.penalty = penalty
        self.decisionNumber = decisionNumber
        self.authority = authority
        self.subjectName = subjectName
        self.currentJSON = currentJSON
    }
}

extension CreditRecordInput {
    /// As `JSONEncoder.ebid` encodes it.
    package func json() -> [UInt8] {
        var out = JSONOutput(capacity: 1024)
        write(to: &out)
        return out.bytes
    }

    package func write(to out: inout JSONOutput) {
        out.object { out in
            out.field("authority", authority)
            out.field("category", category.rawValue)
            out.field("decisionDate", decisionDate)
            out.field("decisionNumber", decisionNumber)
            out.field("facts", facts)
            out.field("id", id)
            out.field("kind", kind.rawValue)
            out.field("legalBasis", legalBasis)
            out.field("outcome", outcome?.rawValue)
            out.key("penalty")
            out.object { out in
                out.field("end", penalty.end)
                out.field("fineAmount", penalty.fineAmount)
                out.field("kind", penalty.kind.rawValue)
                out.field("permanent", penalty.permanent)
                out.field("start", penalty.start)
            }
            out.field("references", references)
            out.key("subject")
            out.object { out in
                out.field("code", subject.code)
                out.field("kind", subject.kind.rawValue)
                out.field("name", subject.name)
            }
            out.field("tenderId", tenderId)
        }
    }
}
