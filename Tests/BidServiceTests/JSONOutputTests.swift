@testable import BidCore
@testable import BidService
import Foundation
import Testing

@Suite("The direct JSON writer matches JSONEncoder.ebid byte for byte")
struct JSONOutputTests {
    static func event(_ seq: Int64, at: Date, tender: String?, text: String) -> LedgerEvent {
        LedgerEvent(seq: seq, at: at, actor: Actor(certificateFingerprint: "ab" + text, party: "bidder-0\(seq)", role: "bidder", address: "10.0.0.\(seq)"),
                    action: "bid.submit", object: "bid/\(text)", tenderId: tender, payloadDigest: String(repeating: "0", count: 64),
                    previousHash: String(repeating: "f", count: 64), hash: String(repeating: "e", count: 64))
    }

    @Test("a ledger page: nil optionals, escapes, control characters, non-ASCII, slashes, millisecond times")
    func ledgerPage() throws {
        let texts = ["plain", "引号\"与\\反斜杠", "line\nbreak\ttab\r\u{08}\u{0C}", "ctl\u{01}\u{1F}", "a/b", "emoji 🚀 测试", ""]
        let times = [Date(timeIntervalSince1970: 1_795_104_000.999), Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: 4_102_444_799.5),
                     Date(timeIntervalSince1970: 1_700_000_000.001)]
        var views: [LedgerEventView] = []
        for (index, text) in texts.enumerated() {
            let event = Self.event(Int64(index + 1), at: times[index % times.count], tender: index % 2 == 0 ? "T-\(text)" : nil, text: text)
            let checkpoint = index % 3 == 0 ? nil : LedgerCheckpoint(number: Int64(index), at: times[(index + 1) % times.count], seq: Int64(index + 1),
                                                                      headHash: "h\(text)", signature: [], scheme: .sm2WithSM3, certificateFingerprint: "")
            views.append(LedgerEventView(event, checkpoint: checkpoint))
        }
        for page in [LedgerPage(events: views, next: 42), LedgerPage(events: views, next: nil), LedgerPage(events: [], next: nil)] {
            let expected = [UInt8](try JSONEncoder.ebid.encode(page))
            #expect(page.json() == expected, "\(String(decoding: page.json(), as: UTF8.self))\n≠\n\(String(decoding: expected, as: UTF8.self))")
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
