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

@Suite("The ledger: hash chain, checkpoints, audit")
struct LedgerTests {
    /// A service with a tender, three bids and a checkpoint.
    func populated() async throws -> ServiceFixture {
        let fixture = try await ServiceFixture()
        let (spec, keys) = try await fixture.publishTender()
        for bidder in ["bidder-01", "bidder-02", "bidder-03"] {
            _ = try await fixture.submit(try fixture.seal(bidder: bidder, tender: spec, openingKey: keys[0]), tender: spec.id, as: bidder)
        }
        _ = try await Supervision(fixture.environment).checkpoint()
        return fixture
    }

    func audit(_ fixture: ServiceFixture) throws -> LedgerAudit.Report {
        try fixture.audit()
    }

    func sql(_ fixture: ServiceFixture, _ statement: String) throws {
        try fixture.store.executeNow(statement)
    }

    @Test("an untouched ledger is intact; every event links to the one before")
    func intact() async throws {
        let fixture = try await populated()
        let report = try audit(fixture)
        #expect(report.isIntact, "\(report.problems)")
        #expect(report.events > 30)
        #expect(report.receipts == 3)
        #expect(report.checkpoints == 1)
        let events = try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 10_000) }
        #expect(events.first?.previousHash == Ledger.genesisHash)
        for (previous, event) in zip(events, events.dropFirst()) { #expect(event.previousHash == previous.hash) }
    }

    @Test("an edited row is caught and named")
    func edited() async throws {
        let fixture = try await populated()
        try sql(fixture, "UPDATE ledger_events SET address = '10.0.0.1' WHERE seq = 12")
        let report = try audit(fixture)
        #expect(report.firstProblem?.seq == 12)
        #expect(report.firstProblem?.kind == "altered")
    }

    @Test("a deleted row is caught and named")
    func deleted() async throws {
        let fixture = try await populated()
        try sql(fixture, "DELETE FROM ledger_events WHERE seq = 20")
        let report = try audit(fixture)
        #expect(report.firstProblem?.seq == 20)
        #expect(report.firstProblem?.kind == "missing")
    }

    @Test("reordered rows are caught at the first one out of place")
    func reordered() async throws {
        let fixture = try await populated()
        // Swap the content of events 7 and 8 (keeping their positions).
        try sql(fixture, """
            UPDATE ledger_events SET seq = -7 WHERE seq = 7;
            UPDATE ledger_events SET seq = 7 WHERE seq = 8;
            UPDATE ledger_events SET seq = 8 WHERE seq = -7;
            """)
        let report = try audit(fixture)
        #expect(report.firstProblem?.seq == 7)
        #expect(!report.isIntact)
    }

    @Test("a chain rebuilt after cutting off its tail is caught by the receipts and the checkpoint")
    func truncatedTail() async throws {
        let fixture = try await populated()
        let head = try #require(try await fixture.store.read { try $0.ledgerHead() })
        try sql(fixture, "DELETE FROM ledger_events WHERE seq > \(head.seq - 8)")
        let report = try audit(fixture)
        #expect(report.problems.contains { $0.kind == "receipt-mismatch" })
        #expect(report.problems.contains { $0.kind == "checkpoint-mismatch" })
    }

    @Test("a forged checkpoint is caught")
    func forgedCheckpoint() async throws {
        let fixture = try await populated()
        try sql(fixture, "UPDATE ledger_checkpoints SET head_hash = '\(String(repeating: "a", count: 64))'")
        #expect(try audit(fixture).problems.contains { $0.kind == "checkpoint-signature" })
    }

    @Test("public checkpoints carry no sequence number, and verify with the platform certificate")
    func publicCheckpoints() async throws {
        let fixture = try await populated()
        let checkpoints = try await Supervision(fixture.environment).publicCheckpoints()
        let checkpoint = try #require(checkpoints.first)
        let json = String(decoding: try JSONEncoder.ebid.encode(checkpoints), as: UTF8.self)
        #expect(!json.contains("seq"))
        let signature = try #require(Data(base64Encoded: checkpoint.signature))
        #expect(try fixture.environment.platform.certificate.publicKey.isValidSignature(
            [UInt8](signature), for: LedgerCheckpoint.signedBytes(number: checkpoint.number, at: checkpoint.at, headHash: checkpoint.headHash), scheme: checkpoint.scheme))
    }

    @Test("events are appended in the same transaction as the change: a failed change leaves no event")
    func sameTransaction() async throws {
        let fixture = try await populated()
        let before = try await fixture.store.read { try $0.ledgerHead()?.seq }
        await #expect(throws: StoreError.self) {
            try await fixture.store.write { tx in
                try tx.appendLedger(LedgerEntry(actor: .platform("x"), action: "test", object: "x", payload: []), at: Date())
                try tx.insertBid(BidRecord(id: "x", tenderId: "no-such-tender", bidderParty: "nobody", certificateFingerprint: "", suite: .gm, packageId: "",
                                           packageDigest: "", size: 0, blob: "", receivedAt: Date(), clientAddress: "", status: .active,
                                           supersededAt: nil, receiptId: "none", ledgerSeq: 0))
            }
        }
        #expect(try await fixture.store.read { try $0.ledgerHead()?.seq } == before)
    }

    @Test("migrations run once and are recorded")
    func migrations() async throws {
        let fixture = try await populated()
        let again = try SQLiteDatabase(path: "\(fixture.directory.path)/ebid.sqlite")
        let versions = try again.readNow { tx in try tx.connection.query("SELECT version FROM schema_migrations") { $0.int(0) } }
        #expect(versions == Migrations.all.map(\.version))
    }
}
