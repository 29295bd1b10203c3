@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStorePostgres
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import Testing
import TestSupport

/// An insider with the data directory, the platform key and a database shell (E-Measures art. 49:
/// nobody may forge, alter or destroy e-bidding information): what the audit and the opening catch.
@Suite("Insider: bids bound end to end, receipts and checkpoints held elsewhere")
struct InsiderAuditTests {
    static let four = ["bidder-01", "bidder-02", "bidder-03", "bidder-04"]

    func audit(_ fixture: ServiceFixture, _ evidence: LedgerAudit.Evidence = .init()) throws -> LedgerAudit.Report {
        try fixture.audit(evidence: evidence)
    }

    func sql(_ fixture: ServiceFixture, _ statement: String, _ values: [SQLValue] = []) throws {
        try fixture.store.writeNow { tx in _ = try tx.rawSQL(statement, values) }
    }

    @Test("a bid row pointed at another bidder's stored package before the deadline: the audit names it; the opening withdraws it as the platform's fault, with the evidence, and reads nothing of the other package into its record")
    func swappedPackage() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-INS-SWAP", policy: .committee, bidders: Self.four)
        #expect(try audit(fixture).isIntact)
        let two = try #require(setup.receipts["bidder-02"]).bid
        let four = try #require(setup.receipts["bidder-04"]).bid
        let blob = try #require(try await fixture.store.read { try $0.bid(id: two.id) }).blob
        try sql(fixture, "UPDATE bids SET blob = ? WHERE id = ?", [.text(blob), .text(four.id)])
        var report = try audit(fixture)
        #expect(report.problems.contains { $0.kind == "bid-binding" && $0.detail.contains(four.id) && $0.detail.contains("content address") }, "\(report.problems)")
        // The whole row rewritten to bidder-02's package (digest, size, package id): its signed receipt and its ledger event still say otherwise.
        let stolen = try #require(try await fixture.store.read { try $0.bid(id: two.id) })
        try sql(fixture, "UPDATE bids SET package_digest = ?, size = ?, package_id = ? WHERE id = ?",
                [.text(stolen.packageDigest), .integer(stolen.size), .text(stolen.packageId), .text(four.id)])
        report = try audit(fixture)
        let named = report.problems.filter { $0.kind == "bid-binding" && $0.detail.contains(four.id) }.map(\.detail)
        #expect(named.contains { $0.contains("signed receipt says") }, "\(named)")
        #expect(named.contains { $0.contains("recorded another bid") }, "\(named)")

        setup.passDeadline()
        try await setup.start()
        try await setup.share("official-01")
        try await setup.share("official-03")
        let state = try await setup.state("bidder-04")
        #expect(state.state == .withdrawn && state.failure?.fault == .platform)
        #expect(state.failure?.code == "opening.bid-binding-broken")
        #expect(state.failure?.detail.contains("signed receipt says") == true, "\(state.failure?.detail ?? "")")
        for bidder in ["bidder-01", "bidder-02", "bidder-03"] { #expect(try await setup.state(bidder).state == .opened) }
        let (record, _) = try await setup.record()
        let entry = try #require(record.bids.first { $0.bidder == "bidder-04" })
        #expect(entry.items.isEmpty && entry.state == .withdrawn)
        // No collusion lead against bidder-04 from bidder-02's package.
        let leads = try await fixture.store.read { try $0.creditLeads(status: nil, tender: setup.id, limit: 100) }
        #expect(!leads.contains { $0.partyId == "bidder-04" })
    }

    @Test("editing a bid's digest, size or blob, or a receipt, is named by the audit; a receipt signed by an unknown certificate is a failure, not a skip")
    func editsAreNamed() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-INS-EDIT"))
        var receipts: [String: Receipt] = [:]
        for bidder in ["bidder-01", "bidder-02"] {
            receipts[bidder] = try await fixture.submit(try fixture.seal(bidder: bidder, tender: spec, openingKey: keys[0]), tender: spec.id, as: bidder).receipt
        }
        #expect(try audit(fixture).isIntact)
        let one = try #require(receipts["bidder-01"])
        try sql(fixture, "UPDATE bids SET size = size + 1 WHERE id = ?", [.text(one.bid.id)])
        #expect(try audit(fixture).problems.contains { $0.kind == "bid-binding" && $0.detail.contains("size") })
        try sql(fixture, "UPDATE bids SET size = size - 1 WHERE id = ?", [.text(one.bid.id)])
        #expect(try audit(fixture).isIntact)
        // A stored package truncated on disk: its size no longer matches; with --hash-blobs, a changed byte too.
        let bid = try #require(try await fixture.store.read { try $0.bid(id: one.bid.id) })
        let path = fixture.store.blobs.path(bid.blob)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try audit(fixture).isIntact, "same size: only hashing finds it")
        #expect(try audit(fixture, .init(hashBlobs: true)).problems.contains { $0.kind == "bid-blob" && $0.detail.contains("digest") })
        bytes[bytes.count / 2] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        // A receipt edited (the price of nothing: its bidder name) with its certificate fingerprint set to an unknown value.
        let two = try #require(receipts["bidder-02"])
        let document = try #require(try await fixture.store.read { try $0.receipt(id: two.receiptId) }).document
        let edited = String(decoding: document, as: UTF8.self).replacingOccurrences(of: two.bidder.name, with: "某某公司")
        try sql(fixture, "UPDATE receipts SET document = ?, certificate_fingerprint = ? WHERE id = ?",
                [.blob(Array(edited.utf8)), .text(String(repeating: "0", count: 64)), .text(two.receiptId)])
        let report = try audit(fixture)
        #expect(report.problems.contains { $0.kind == "receipt-signer" }, "\(report.problems)")
        #expect(report.problems.contains { $0.kind == "bid-binding" && $0.detail.contains("its receipt \(two.receiptId) is missing") }, "\(report.problems)")
    }

    @Test("the ledger's tail cut with its receipt, bid row and checkpoints, re-signed with the platform key, passes the data directory's own audit — and is caught by the bidder's receipt and an archived checkpoint")
    func cutTailCaughtByCopiesHeldElsewhere() async throws {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-INS-CUT"))
        for bidder in ["bidder-01", "bidder-02"] {
            _ = try await fixture.submit(try fixture.seal(bidder: bidder, tender: spec, openingKey: keys[0]), tender: spec.id, as: bidder)
        }
        let before = try #require(try await fixture.store.read { try $0.ledgerHead() })
        // bidder-03's bid, and the checkpoint the monitoring office archives after it.
        let result = try await fixture.submit(try fixture.seal(bidder: "bidder-03", tender: spec, openingKey: keys[0]), tender: spec.id, as: "bidder-03")
        let kept = try #require(result.signed.signed)
        _ = try await Supervision(fixture.environment).checkpoint()
        let archived = try await Supervision(fixture.environment).publicCheckpoints()
        #expect(try audit(fixture, .init(receipts: [kept], checkpoints: archived)).isIntact)

        // The insider removes bidder-03's bid: the events after `before`, the bid row, its receipt,
        // the checkpoints that cover them — and signs a fresh checkpoint of the shortened head.
        let bid = try #require(try await fixture.store.read { try $0.bid(id: result.receipt.bid.id) })
        try sql(fixture, "DELETE FROM bids WHERE id = ?", [.text(bid.id)])
        try sql(fixture, "DELETE FROM receipts WHERE id = ?", [.text(bid.receiptId)])
        try sql(fixture, "DELETE FROM ledger_events WHERE seq > ?", [.integer(before.seq)])
        try sql(fixture, "DELETE FROM ledger_checkpoints WHERE seq > ?", [.integer(before.seq)])
        let platform = fixture.environment.platform
        let at = fixture.clock.now()
        try await fixture.store.write { tx in
            let head = try #require(try tx.ledgerHead())
            let number = (try tx.lastCheckpoint()?.number ?? 0) + 1
            try tx.insertCheckpoint(LedgerCheckpoint(number: number, at: at, seq: head.seq, headHash: head.hash,
                                                     signature: try platform.sign(LedgerCheckpoint.signedBytes(number: number, at: at, headHash: head.hash)),
                                                     scheme: platform.scheme, certificateFingerprint: platform.certificate.fingerprint))
        }
        #expect(try audit(fixture).isIntact, "the data directory alone cannot tell")
        let caught = try audit(fixture, .init(receipts: [kept], checkpoints: archived))
        let receiptProblem = try #require(caught.problems.first { $0.kind == "receipt-not-in-ledger" })
        #expect(receiptProblem.detail.contains(result.receipt.bidder.name), "\(receiptProblem)")
        #expect(caught.problems.contains { $0.kind == "checkpoint-not-in-ledger" || $0.kind == "checkpoint-rewritten" }, "\(caught.problems)")
        // A receipt that is not the platform's proves nothing and says so.
        var forged = kept
        forged.document[forged.document.count / 2] ^= 1
        #expect(try audit(fixture, .init(receipts: [forged])).problems.contains { $0.kind == "external-receipt" })
    }
}
