@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Testing

@Suite("The direct JSON writer matches JSONEncoder.ebid byte for byte")
struct JSONOutputTests {
    /// The page as JSONEncoder would write it, assembled the slow way: every event decoded into a
    /// value, the rule of LedgerEmbargo applied by hand (bid events before their tender's deadline,
    /// and bidders' events since the earliest publication of a tender still taking bids), the
    /// covering checkpoint looked up for each, `next` the last event shown when more are shown after it.
    static func expectedPage(_ store: any ServiceStore, _ query: LedgerQuery, after cursor: String? = nil, now: Date) throws -> [UInt8] {
        try store.readNow { tx in
            var all = query
            all.limit = Int(Int32.max)
            if let cursor { all.after = try #require(try tx.ledgerSeq(hash: cursor)) }
            let open = try tx.tenders(status: .published).filter { $0.deadline > now }
            let since = open.map { $0.publishedAt ?? $0.createdAt }.min()
            let visible = try tx.ledgerEvents(all).filter { event in
                if event.action.hasPrefix("bid."), let tender = event.tenderId, now < (try tx.tender(id: tender)?.deadline ?? .distantPast) { return false }
                if let since, event.at >= since, try tx.party(id: event.actor.party)?.roles.contains(.bidder) == true { return false }
                return true
            }
            let page = visible.prefix(query.limit)
            let views = try page.map { LedgerEventView($0, checkpoint: try tx.checkpoint(covering: $0.seq)) }
            return [UInt8](try JSONEncoder.ebid.encode(LedgerPage(events: views, next: visible.count > query.limit ? page.last?.hash : nil)))
        }
    }

    @Test("a ledger page, written from the rows: nil tenders, escapes, control characters, non-ASCII, slashes, millisecond times, checkpoints, withheld bids, paging")
    func ledgerPage() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-JSON"))
        _ = try await fixture.submit(try fixture.seal(bidder: "bidder-02", tender: spec, openingKey: keys[0]), tender: spec.id, as: "bidder-02")
        let supervision = Supervision(fixture.environment)
        let texts = ["plain", "引号\"与\\反斜杠", "line\nbreak\ttab\r\u{08}\u{0C}", "ctl\u{01}\u{1F}", "a/b", "emoji 🚀 测试", ""]
        let times = [Date(timeIntervalSince1970: 1_795_104_000.999), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 4_102_444_799.5),
                     Date(timeIntervalSince1970: 1_700_000_000.001)]
        for (index, text) in texts.enumerated() {
            let actor = Actor(certificateFingerprint: "ab" + text, party: "party-\(text)", role: "bidder", address: "10.0.0.\(index) \(text)")
            let entry = LedgerEntry(actor: actor, action: index == 3 ? "bid.\(text)" : "test.\(text)", object: "obj/\(text)",
                                    tenderId: index % 2 == 0 ? spec.id : (index == 3 ? "T-\(text)" : nil), payload: Array(text.utf8))
            try await fixture.store.write { _ = try $0.appendLedger(entry, at: times[index % times.count]) }
            if index == 2 { try await supervision.checkpoint() }
        }
        let queries = [LedgerQuery(limit: 1000), LedgerQuery(limit: 3), LedgerQuery(limit: 4), LedgerQuery(tender: spec.id),
                       LedgerQuery(tender: spec.id, limit: 2), LedgerQuery(actor: "party-plain"), LedgerQuery(actor: "bidder-02"), LedgerQuery(tender: "T-none")]
        for moment in [fixture.clock.now(), fixture.clock.now().addingTimeInterval(30 * 86_400)] {
            if moment > fixture.clock.now() { fixture.clock.advance(by: moment.timeIntervalSince(fixture.clock.now())) }
            for query in queries {
                // Every page, following the cursors.
                var cursor: String?
                var pages = 0
                repeat {
                    let written = try await supervision.eventsJSON(query, cursor: cursor)
                    let expected = try Self.expectedPage(fixture.store, query, after: cursor, now: moment)
                    let same = written == expected
                    #expect(same, "\(query) after \(cursor ?? "-"): \(Self.firstDifference(written, expected))")
                    cursor = try JSONDecoder.ebid.decode(LedgerPage.self, from: Data(written)).next
                    pages += 1
                } while cursor != nil && pages < 50
            }
        }
        // The pages hold what they should: bids shown after the deadline, escapes round-trip.
        let all = try await supervision.events(LedgerQuery(limit: 1000)).events
        #expect(all.contains { $0.event.action == "bid.submit" } && all.contains { $0.event.actor.party == "party-引号\"与\\反斜杠" })
        #expect(all.contains { $0.checkpoint == nil } && all.contains { $0.checkpoint != nil })
    }

    /// Where two outputs part, with some context (the pages are too long to print whole).
    static func firstDifference(_ a: [UInt8], _ b: [UInt8]) -> String {
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let context = { (bytes: [UInt8]) in String(decoding: bytes[max(0, index - 80)..<min(bytes.count, index + 80)], as: UTF8.self) }
        return "they differ at byte \(index) of \(a.count)/\(b.count):\n  \(context(a))\n≠ \(context(b))"
    }

    @Test("the eight-bytes-at-a-time escape test agrees with the byte-by-byte one: every byte value at every position, over ASCII and non-ASCII text")
    func escapeDetection() {
        func naive(_ bytes: [UInt8]) -> Bool { bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C } }
        for filler in [UInt8(ascii: "a"), 0x21, 0x23, 0x5B, 0x5D, 0x7F, 0x80, 0xE6, 0xFF] {
            for length in 1...19 {
                for position in 0..<length {
                    for value in UInt8.min...UInt8.max {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = value
                        let fast = bytes.withUnsafeBufferPointer { JSONOutput.needsEscaping($0) }
                        if fast != naive(bytes) { Issue.record("byte \(value) at \(position) of \(length) among \(filler)s: \(fast)"); return }
                    }
                }
            }
        }
        // Real text: Chinese names and facts, hashes.
        for text in ["福建闽江建设工程有限公司", "含\"引号\"的事实", "a\\b", String(repeating: "0f", count: 32), "行\n尾", ""] {
            #expect(Array(text.utf8).withUnsafeBufferPointer { JSONOutput.needsEscaping($0) } == naive(Array(text.utf8)), "\(text)")
        }
    }

    @Test("a decision as it stands: permanent and timed penalties, fines, optional fields, escapes")
    func decision() throws {
        let now = Date(timeIntervalSince1970: 1_795_104_000.25)
        let subject = CreditRecordInput.Subject(kind: .organization, code: "91350100MA3AGGLU11", name: "福建\"闽江\"建设\n工程")
        let penalties: [CreditRecordInput.Penalty] = [
            .init(kind: .debarment, start: now, end: now.addingTimeInterval(86_400 * 400)), .init(kind: .evaluationBan, start: now, permanent: true),
            .init(kind: .fine, fineAmount: "50000.00"), .init(kind: .warning),
        ]
        for (index, penalty) in penalties.enumerated() {
            var input = CreditRecordInput(id: index == 0 ? nil : "CR-\(index)", subject: subject, category: CreditCategory.allCases[index], facts: "事实\t\(index) a/b",
                                          legalBasis: "《招标投标法》第五十三条", decisionNumber: "罚〔2026〕\(index)号", authority: "局", decisionDate: now,
                                          tenderId: index == 1 ? "T-1" : nil, penalty: penalty)
            if index == 3 {
                input.kind = .appeal
                input.outcome = .varied
                input.references = "CR-0"
            }
            let expected = [UInt8](try JSONEncoder.ebid.encode(input))
            #expect(input.json() == expected, "\(String(decoding: input.json(), as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))")
        }
    }
}
