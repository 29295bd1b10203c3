import Foundation

/// A subject's public page, kept ready in the store (`credit_subject_pages`) and rewritten by the
/// credit register in the transaction of every record that changes one of the subject's
/// decisions (`CreditRegister.saveChain`): a lookup reads one
/// row, and only what depends on the time — `at`, and whether each decision is listed and
/// restricting now — is written per request (docs/performance.md). The records stay the truth:
/// the audit rebuilds every page source from the decisions and compares.
///
/// The bytes are the service's own (they never leave it), little-endian:
///
///     u8 version (1) · u32 n + n bytes: the subject's name as a JSON string (0: none) · u32 count
///     count × { u8 flags (1 public, 2 restrictable, 4 permanent, 8 listed-until, 16 end)
///               i64 listed from · i64 listed until · i64 restriction start · i64 restriction end   (ms since 1970)
///               u32 n + n bytes × 4: head, middle, tail, restriction }
///
/// A decision's entry in `records` is `head` + listed + `middle` + restricting + `tail`, its entry
/// in `activeRestrictions` is `restriction`; the rendered page is byte for byte what
/// `JSONEncoder.ebid` writes for `SubjectPage` (CreditRegisterTests.subjectPageBytes).
public enum SubjectPageSource {
    package static let version: UInt8 = 1
    /// The source of a subject without published decisions.
    private static let empty = encode([])

    private struct Flags: OptionSet {
        package let rawValue: UInt8
        package static let isPublic = Flags(rawValue: 1)
        package static let restrictable = Flags(rawValue: 2)
        package static let permanent = Flags(rawValue: 4)
        package static let hasListedUntil = Flags(rawValue: 8)
        package static let hasEnd = Flags(rawValue: 16)
    }

    /// The source of a page from the subject's published decisions, in page order.
    /// The page source for a subject's published decisions; nil when it has none (no page kept).
    public static func source(_ rows: [CreditPageRow]) -> [UInt8]? { rows.isEmpty ? nil : encode(rows) }

    package static func encode(_ rows: [CreditPageRow]) -> [UInt8] {
        var bytes: [UInt8] = [version]
        var name = JSONOutput(capacity: 64)
        if let last = rows.last { name.string(last.subjectName) }
        append(name.bytes, to: &bytes)
        appendInteger(UInt32(rows.count), to: &bytes)
        for row in rows {
            let state = row.state
            var flags: Flags = []
            if state.isPublic { flags.insert(.isPublic) }
            if state.mayRestrict { flags.insert(.restrictable) }
            if row.penalty.permanent == true { flags.insert(.permanent) }
            if row.listedUntil != nil { flags.insert(.hasListedUntil) }
            if row.penalty.end != nil { flags.insert(.hasEnd) }
            bytes.append(flags.rawValue)
            for time in [row.listedFrom, row.listedUntil, state.restrictionStart, row.penalty.end] {
                appendInteger(UInt64(bitPattern: time.map(milliseconds) ?? 0), to: &bytes)
            }
            var head = JSONOutput(capacity: row.currentJSON.count + 128)
            head.literal("{")
            head.key("current")
            head.raw(row.currentJSON)
            head.field("head", row.head)
            head.field("id", row.id)
            head.key("listed")
            var middle = JSONOutput(capacity: 96, afterItem: true)
            middle.field("listedFrom", row.listedFrom)
            middle.field("listedUntil", row.listedUntil)
            middle.key("restricting")
            var tail = JSONOutput(capacity: 32, afterItem: true)
            tail.field("status", row.status.rawValue)
            tail.literal("}")
            var restriction = JSONOutput(capacity: 256)
            restriction.object { out in
                out.field("authority", row.authority)
                out.field("decisionNumber", row.decisionNumber)
                out.field("end", row.penalty.end)
                out.field("id", row.id)
                out.field("kind", row.penalty.kind.rawValue)
                out.field("permanent", row.penalty.permanent)
                out.field("start", row.penalty.start)
            }
            for part in [head.bytes, middle.bytes, tail.bytes, restriction.bytes] { append(part, to: &bytes) }
        }
        return bytes
    }

    /// The page of `subject` at `time`: what `JSONEncoder.ebid` writes for `SubjectPage` without
    /// history. No source: a subject without published decisions.
    public static func render(subject: String, source: [UInt8]?, at time: Date) throws -> [UInt8] {
        try (source ?? empty).withUnsafeBytes { raw in
            var reader = Reader(raw)
            guard try reader.byte() == version else { throw StoreError("a subject page source of an unknown version") }
            let name = try reader.slice()
            let count = Int(try reader.integer(UInt32.self))
            let entriesStart = reader.offset
            var out: [UInt8] = []
            out.reserveCapacity(raw.count + 256)
            out.append(contentsOf: #"{"activeRestrictions":["#.utf8)
            // Two passes over the entries: the restrictions come first in the page (sorted keys).
            var listed: [(listed: Bool, restricting: Bool)] = []
            listed.reserveCapacity(count)
            var restrictions = 0
            for _ in 0..<count {
                let entry = try reader.entry()
                let now = (listed: entry.isListed(at: time), restricting: entry.restricts(at: time))
                if now.restricting {
                    if restrictions > 0 { out.append(UInt8(ascii: ",")) }
                    out.append(contentsOf: entry.restriction)
                    restrictions += 1
                }
                listed.append(now)
            }
            out.append(contentsOf: #"],"at":""#.utf8)
            JSONOutput.iso8601(time, into: &out)
            out.append(UInt8(ascii: "\""))
            if !name.isEmpty {
                out.append(contentsOf: #","name":"#.utf8)
                out.append(contentsOf: name)
            }
            out.append(contentsOf: #","records":["#.utf8)
            reader.offset = entriesStart
            for index in 0..<count {
                let entry = try reader.entry()
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: entry.head)
                out.append(contentsOf: listed[index].listed ? "true".utf8 : "false".utf8)
                out.append(contentsOf: entry.middle)
                out.append(contentsOf: listed[index].restricting ? "true".utf8 : "false".utf8)
                out.append(contentsOf: entry.tail)
            }
            out.append(contentsOf: #"],"subject":"#.utf8)
            var code = JSONOutput(capacity: subject.utf8.count + 2)
            code.string(subject)
            out.append(contentsOf: code.bytes)
            out.append(UInt8(ascii: "}"))
            return out
        }
    }

    private struct Entry {
        package let flags: Flags
        package let listedFrom: Int64, listedUntil: Int64, restrictionStart: Int64, restrictionEnd: Int64
        package let head: UnsafeRawBufferPointer, middle: UnsafeRawBufferPointer, tail: UnsafeRawBufferPointer, restriction: UnsafeRawBufferPointer

        // The same comparisons, on the same `Date`s, as CreditDecisionState.isListed / restricts.
        package func isListed(at time: Date) -> Bool {
            flags.contains(.isPublic) && date(listedFrom) <= time && (!flags.contains(.hasListedUntil) || time < date(listedUntil))
        }

        package func restricts(at time: Date) -> Bool {
            guard flags.contains(.restrictable), date(restrictionStart) <= time else { return false }
            if flags.contains(.permanent) { return true }
            return flags.contains(.hasEnd) && time < date(restrictionEnd)
        }
    }

    private struct Reader {
        package let raw: UnsafeRawBufferPointer
        package var offset = 0
        package init(_ raw: UnsafeRawBufferPointer) { self.raw = raw }

        package mutating func byte() throws -> UInt8 {
            guard offset < raw.count else { throw Self.damaged }
            defer { offset += 1 }
            return raw[offset]
        }

        package mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            guard raw.count - offset >= MemoryLayout<T>.size else { throw Self.damaged }
            defer { offset += MemoryLayout<T>.size }
            return T(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: T.self))
        }

        package mutating func slice() throws -> UnsafeRawBufferPointer {
            let count = Int(try integer(UInt32.self))
            guard raw.count - offset >= count else { throw Self.damaged }
            defer { offset += count }
            return UnsafeRawBufferPointer(rebasing: raw[offset..<offset + count])
        }

        package mutating func entry() throws -> Entry {
            let flags = Flags(rawValue: try byte())
            return Entry(flags: flags, listedFrom: try time(), listedUntil: try time(), restrictionStart: try time(), restrictionEnd: try time(),
                         head: try slice(), middle: try slice(), tail: try slice(), restriction: try slice())
        }

        package mutating func time() throws -> Int64 { Int64(bitPattern: try integer(UInt64.self)) }

        package static let damaged = StoreError("a subject page source is damaged")
    }

    private static func append(_ part: [UInt8], to bytes: inout [UInt8]) {
        appendInteger(UInt32(part.count), to: &bytes)
        bytes.append(contentsOf: part)
    }

    private static func appendInteger<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// As the store keeps times (SQLValue.time) and reads them back (Row.time).
    private static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}

private func date(_ milliseconds: Int64) -> Date { Date(timeIntervalSince1970: TimeInterval(milliseconds) / 1000) }
