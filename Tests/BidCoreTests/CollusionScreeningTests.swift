@testable import BidCore
import Foundation
import Testing
import TestSupport

@Suite("Collusion screening (Reg. art. 40)")
struct CollusionScreeningTests {
    static let t0 = Date(timeIntervalSince1970: 1_795_000_000)

    /// Five bidders with nothing in common, spread over an hour.
    func clean() -> [BidFacts] {
        (1...5).map { i in
            BidFacts(bidId: "b\(i)", bidder: "bidder-0\(i)", bidderName: "Bidder \(i)", machineFingerprint: "machine-\(i)",
                     partDigests: ["digest-\(i)-a", "digest-\(i)-b"], uploadAddress: "10.0.0.\(i)", decryptionAddress: "10.1.0.\(i)",
                     receivedAt: Self.t0.addingTimeInterval(Double(i) * 600), price: ["36880000.00", "35960500.00", "37215000.00", "36452300.00", "34880000.00"][i - 1],
                     projectManager: "PM \(i)", bidSecurityAccount: "6222 0000 0000 000\(i)", legalRepresentative: "Rep \(i)")
        }
    }

    @Test("independent bids raise no signal")
    func noSignals() {
        #expect(CollusionScreening.signals(clean()).isEmpty)
    }

    @Test("each shared trait raises its signal naming exactly the bidders concerned")
    func sharedTraits() {
        let cases: [(CollusionSignalKind, WritableKeyPath<BidFacts, String?>)] = [
            (.sameMachine, \.machineFingerprint), (.sameUploadAddress, \.uploadAddress), (.sameDecryptionAddress, \.decryptionAddress),
            (.sameProjectManager, \.projectManager), (.sameBidSecurityAccount, \.bidSecurityAccount),
            (.sameLegalRepresentative, \.legalRepresentative),
        ]
        for (kind, path) in cases {
            var facts = clean()
            facts[3][keyPath: path] = facts[1][keyPath: path]
            let signals = CollusionScreening.signals(facts)
            #expect(signals.map(\.kind) == [kind], "\(kind)")
            #expect(signals.first?.bidIds == ["b2", "b4"], "\(kind)")
            #expect(signals.first?.legalBasis.hasPrefix(kind == .sameLegalRepresentative ? "Reg. art. 34" : "Reg. art. 40") == true, "\(kind)")
        }
    }

    @Test("identical documents between different bidders; a bidder's own parts never count")
    func identicalDocuments() {
        var facts = clean()
        facts[4].partDigests[1] = facts[2].partDigests[0]
        let signals = CollusionScreening.signals(facts)
        #expect(signals.map(\.kind) == [.identicalDocuments])
        #expect(signals[0].bidIds == ["b3", "b5"])
        var own = clean()
        own[0].partDigests = ["same", "same"]
        #expect(CollusionScreening.signals(own).isEmpty)
    }

    @Test("writing differences are normalised: spaces in names, separators in account numbers")
    func normalisation() {
        var facts = clean()
        facts[0].projectManager = "陈 国强"
        facts[1].projectManager = "陈国强"
        facts[2].bidSecurityAccount = "6222-0000-1111"
        facts[3].bidSecurityAccount = "6222 0000 1111"
        #expect(Set(CollusionScreening.signals(facts).map(\.kind)) == [.sameProjectManager, .sameBidSecurityAccount])
    }

    @Test("uploads clustered within a short interval by three or more bidders")
    func clustered() {
        var facts = clean()
        for i in 1...3 { facts[i].receivedAt = Self.t0.addingTimeInterval(5000 + Double(i) * 4) }
        let signals = CollusionScreening.signals(facts)
        #expect(signals.map(\.kind) == [.clusteredUploads])
        #expect(signals[0].bidIds == ["b2", "b3", "b4"])
        // Two close uploads are not a cluster; a 30-second gap breaks one.
        var pair = clean()
        pair[1].receivedAt = pair[0].receivedAt.addingTimeInterval(3)
        #expect(CollusionScreening.signals(pair).isEmpty)
    }

    @Test("prices in a constant difference or a constant ratio across three or more bids, exactly")
    func pricePatterns() {
        var arithmetic = clean()
        arithmetic[0].price = "35000000.00"
        arithmetic[2].price = "35500000.00"
        arithmetic[4].price = "36000000.00"
        let a = CollusionScreening.signals(arithmetic)
        #expect(a.map(\.kind) == [.priceConstantDifference])
        #expect(a[0].bidIds == ["b1", "b3", "b5"])
        #expect(a[0].evidence.contains("500000.00"))

        var geometric = clean()
        geometric[1].price = "32000000.00"
        geometric[3].price = "33600000.00"   // × 1.05
        geometric[4].price = "35280000.00"   // × 1.05
        let g = CollusionScreening.signals(geometric)
        #expect(g.map(\.kind) == [.priceConstantRatio])
        #expect(Set(g[0].bidIds) == ["b2", "b4", "b5"])

        // One fen off breaks the pattern: no floating point approximations.
        geometric[4].price = "35280000.01"
        #expect(CollusionScreening.signals(geometric).isEmpty)

        // A longer progression is reported once, not as each of its triples.
        var four = clean()
        for (index, price) in ["30000000.00", "30100000.00", "30200000.00", "30300000.00"].enumerated() { four[index].price = price }
        let long = CollusionScreening.signals(four).filter { $0.kind == .priceConstantDifference }
        #expect(long.count == 1)
        #expect(long.first?.bidIds.count == 4)
    }

    @Test("prices are parsed as exact fen")
    func fen() {
        #expect(ExactDecimal.price("12345678.9") == ExactDecimal(significand: 1_234_567_890, scale: 2))
        #expect(ExactDecimal.price("0.01") == ExactDecimal(significand: 1, scale: 2))
        #expect(ExactDecimal.price("999999999999999.99")?.description == "999999999999999.99")
        #expect(ExactDecimal.price("1e6") == nil)
        #expect(ExactDecimal.price("-1") == nil)
        #expect(ExactDecimal.price("0.123") == nil)
        #expect(ExactDecimal.price("12345678.9")?.rounded(places: 2).description == "12345678.90")
    }
}
