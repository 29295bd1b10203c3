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

/// The promise the service exists for, attacked as an insider would (Law art. 22, 28, 36;
/// E-Measures art. 28, 30): whoever holds the whole data directory — every partial decryption ever
/// handed in, the WAL, the blobs — and the cooperation of k−1 officials reads nothing the opening
/// did not open, and nothing of any other tender.
@Suite("The opening key never exists: the data directory and k−1 officials open nothing else")
struct OpeningKeySecurityTests {
    static let four = ["bidder-01", "bidder-02", "bidder-03", "bidder-04"]

    /// Every stored partial decryption of the data directory, as an insider reads it with a
    /// database shell (`SELECT … FROM opening_partials`).
    func storedPartials(_ fixture: ServiceFixture) throws -> [(bid: String, index: Int, point: ECPoint)] {
        try fixture.store.readNow { tx in
            try tx.rawQuery("SELECT bid_id, share_index, point FROM opening_partials ORDER BY bid_id, share_index") {
                ($0.text(0), $0.int(1), try Curve.sm2.point(hex: $0.text(2)))
            }
        }
    }

    /// Tries to unwrap `package`'s opening key entry with every combination of `count` stored
    /// partial points with distinct share numbers; every one must fail.
    func expectSealed(_ package: [UInt8], key: OpeningKeyFile, with partials: [(bid: String, index: Int, point: ECPoint)], count: Int,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let header = try Self.header(of: package)
        let (recipient, _) = try CommitteeOpening.ephemeral(of: header, key: key)
        let wrapped = [UInt8](Data(base64Encoded: recipient.wrappedKey)!)
        var tried = 0
        for subset in subsets(of: partials, size: count) where Set(subset.map(\.index)).count == count {
            let point = try ThresholdDecryption.combine(subset.map { (index: $0.index, point: $0.point) }, curve: key.curve)
            tried += 1
            #expect(throws: BidCoreError.self, sourceLocation: sourceLocation) {
                _ = try ThresholdDecryption.unwrap(wrapped, algorithm: recipient.algorithm, sharedPoint: point, recipient: try key.publicPoint(),
                                                   context: PayloadKeys.wrapContext(packageId: header.packageIdBytes))
            }
        }
        #expect(tried > 0, "some combinations were tried", sourceLocation: sourceLocation)
    }

    @Test("after a completed committee opening, the whole data directory opens no other bid — not a replaced one, not one sealed to the same key, not another tender's")
    func dataDirectoryAfterTheOpening() async throws {
        let fixture = try await ServiceFixture()
        // Bidder-then-committee, and no bidder decrypts: every official's partials are in before the
        // window closes and the committee opens everything.
        var a = try await OpeningSetup(fixture, id: "T-SEC-A", policy: .bidderThenCommittee, bidders: Self.four)
        // bidder-01 replaced its bid before the deadline: the first package is still in the blob store.
        let replaced = try fixture.seal(bidder: "bidder-01", tender: a.spec, openingKey: a.keys[0])
        a.receipts["bidder-01"] = try await fixture.submit(replaced, tender: a.id, as: "bidder-01").receipt
        let aID = a.id
        let first = try #require(try await fixture.store.read { try $0.bids(tender: aID, party: "bidder-01") }.first { $0.status == .replaced })
        // A package sealed to tender A's public key that was never handed in (or one a bidder withdrew).
        let unsent = try fixture.seal(bidder: "bidder-05", tender: a.spec, openingKey: a.keys[0])
        // Tender B, still before its deadline, with bids of its own.
        let b = try await OpeningSetup(fixture, id: "T-SEC-B", policy: .committee, bidders: ["bidder-05", "bidder-06", "bidder-08"],
                                       configure: { $0.bidDeadline = $0.bidDeadline!.addingTimeInterval(10 * 86_400) })
        a.passDeadline()
        try await a.start()
        for official in ServiceFixture.officials { try await a.share(official) }
        try await a.passWindow()
        for bidder in Self.four { #expect(try await a.state(bidder).state == .opened) }
        #expect(try await a.record().0.outcome == .completed)

        // Everything an insider has: every partial ever handed in (all three officials', for every bid).
        let partials = try storedPartials(fixture)
        #expect(partials.count == 4 * 3)
        let firstPackage = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.store.blobs.path(first.blob))))
        try expectSealed(firstPackage, key: a.keys[0], with: partials, count: 2)
        try expectSealed(unsent, key: a.keys[0], with: partials, count: 2)
        for bid in try await fixture.store.read({ try $0.bids(tender: b.id, status: .active) }) {
            let package = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.store.blobs.path(bid.blob))))
            #expect(throws: BidCoreError.self) { try self.expectSealedByOtherKey(package, key: a.keys[0]) }
            try expectSealed(package, key: b.keys[0], with: partials, count: 2)
        }
        // No file — database, WAL, blobs — holds an official's share or either tender's private key.
        var secrets: [[UInt8]] = []
        for key in [a.keys[0], b.keys[0]] {
            let shares = try ServiceFixture.officials.map { try key.share(officialKey: try ServiceFixture.key($0), officialCertificate: try ServiceFixture.certificate($0)) }
            let lambdas = try ThresholdMath.lagrangeAtZero([1, 2], curve: key.curve)
            let d = try key.curve.add(try key.curve.multiply(lambdas[0], shares[0].value), try key.curve.multiply(lambdas[1], shares[1].value))
            #expect(try key.curve.multiplyGenerator(d) == key.publicPoint())
            secrets += [d.bytes] + shares.map(\.value.bytes)
        }
        _ = try fixture.databaseBytes()  // PostgreSQL's rows, dumped into the directory searched
        try await expectNoFileHolds(secrets, in: fixture.directory.path)
        // And tender B's bids are still waiting for B's deadline.
        #expect(try await fixture.store.read { try $0.opening(tender: b.id) } == nil)
    }

    /// B's packages are not sealed to A's key at all: A's opening recipient is missing.
    func expectSealedByOtherKey(_ package: [UInt8], key: OpeningKeyFile) throws {
        _ = try CommitteeOpening.ephemeral(of: try Self.header(of: package), key: key)
    }

    static func header(of package: [UInt8]) throws -> SealedBidHeader {
        let directory = TemporaryDirectory()
        return try SealedBidHeader.peek(file: directory.write("package.ebid", package))
    }

    @Test("with every official's partials for tender A, tender B's bids stay sealed: refused by B's opening and useless when combined")
    func partialsOfOneTenderOpenNoOther() async throws {
        let fixture = try await ServiceFixture()
        let a = try await OpeningSetup(fixture, id: "T-SEC-PA", policy: .bidderThenCommittee, bidders: Self.four)
        let b = try await OpeningSetup(fixture, id: "T-SEC-PB", policy: .committee, bidders: ["bidder-05", "bidder-06", "bidder-08"])
        a.passDeadline()
        b.passDeadline()
        try await a.start()
        try await b.start()
        var fromA: [String: OpeningRoom.PartialsInput] = [:]
        for official in ServiceFixture.officials { fromA[official] = try await a.partials(official) }
        // Handed in for B's opening: refused (A's key is not B's, A's bids are not B's), nothing stored.
        for (official, input) in fromA {
            await expectServiceError("opening-key.share-invalid") {
                _ = try await b.room.submitPartials(tender: b.id, input, by: try await fixture.identity(official), address: "x")
            }
            var aimed = try await b.partials(official)
            aimed.partials = input.partials.map { .init(bidId: aimed.partials[0].bidId, partial: $0.partial) }
            await expectServiceError("opening.partial-invalid") {
                _ = try await b.room.submitPartials(tender: b.id, aimed, by: try await fixture.identity(official), address: "x")
            }
        }
        for official in ServiceFixture.officials { try await a.share(official) }
        try await a.passWindow()
        #expect(try await a.state("bidder-01").state == .opened)
        for bidder in ["bidder-05", "bidder-06", "bidder-08"] { #expect(try await b.state(bidder).state == .pending) }
        // Combined by hand with B's key material: nothing unwraps.
        let partials = try storedPartials(fixture)
        #expect(Set(partials.map(\.bid)).isSubset(of: Set(a.receipts.values.map(\.bid.id))))
        for bid in try await fixture.store.read({ try $0.bids(tender: b.id, status: .active) }) {
            try expectSealed([UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.store.blobs.path(bid.blob)))), key: b.keys[0], with: partials, count: 2)
        }
    }

    @Test("k−1 officials' partials unwrap nothing; a stored partial changed to another valid point is caught by its proof and opens nothing")
    func kMinusOneAndAlteredPartials() async throws {
        let fixture = try await ServiceFixture()
        let setup = try await OpeningSetup(fixture, id: "T-SEC-K1", policy: .committee, bidders: Self.four, threshold: 3)
        setup.passDeadline()
        try await setup.start()
        try await setup.share("official-01")
        try await setup.share("official-02")
        for bidder in Self.four { #expect(try await setup.state(bidder).state == .pending) }
        // Two of three: every pair of stored partials, for every bid, unwraps nothing.
        let partials = try storedPartials(fixture)
        for bid in try await fixture.store.read({ try $0.bids(tender: setup.id, status: .active) }) {
            try expectSealed([UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture.store.blobs.path(bid.blob)))), key: setup.keys[0],
                             with: partials.filter { $0.bid == bid.id }, count: 2)
        }
        // An insider swaps bidder-01's stored partial from official 2 for another bid's (a valid
        // point, the proof left as it was). When the third official reports, that bid does not open
        // with a wrong key; the others open.
        let target = try #require(setup.receipts["bidder-01"]).bid.id
        let other = try #require(setup.receipts["bidder-02"]).bid.id
        try fixture.store.writeNow { tx in
            try tx.rawSQL("UPDATE opening_partials SET point = (SELECT point FROM opening_partials WHERE bid_id = ? AND share_index = 2) WHERE bid_id = ? AND share_index = 2",
                                  [.text(other), .text(target)])
        }
        try await setup.share("official-03")
        #expect(try await setup.state("bidder-01").state == .pending, "a partial that no longer verifies must not be combined")
        for bidder in Self.four.dropFirst() { #expect(try await setup.state(bidder).state == .opened) }
    }
}

@Suite("Migration 5: the retired opening shares")
struct ShareMigrationTests {
    @Test("a version-4 data directory holding opening shares: migration 5 overwrites them, drops the table and truncates the WAL; a version-1 key reads as retired")
    func sharesAreWiped() async throws {
        let fixture = try await ServiceFixture(embedded: true)
        let (spec, keys) = try await fixture.publishTender(try fixture.spec(id: "T-MIG-5"))
        let secret = Array("ebid-test-share-value-0123456789".utf8)
        #expect(secret.count == 32)
        // Back to version 4: the share table of version 2 with a share in it, no v5 tables, the
        // tender's key stored in the retired format.
        let file = keys[0]
        let retired = try JSONSerialization.data(withJSONObject: [
            "format": "ebid-opening-key", "version": 1, "suite": "GM", "keyId": file.keyId, "publicKey": file.publicKey, "threshold": 2,
            "createdAt": "2026-01-01T00:00:00Z",
            "officials": file.officials.map { ["index": $0.index, "subject": $0.subject, "certificateFingerprint": $0.certificateFingerprint,
                                               "certificate": $0.certificate, "algorithm": "SM2-ENC", "encryptedShare": "AA==", "shareDigest": "00"] },
        ])
        let database = fixture.store.sqlite.database
        for table in ["opening_partials", "key_ceremonies", "ceremony_dealings", "ceremony_confirmations", "opening_key_uses"] {
            try database.executeNow("DROP TABLE \(table)")
        }
        try database.executeNow("""
            CREATE TABLE opening_shares (tender_id TEXT NOT NULL REFERENCES tenders(id), suite TEXT NOT NULL, share_index INTEGER NOT NULL,
              official_party TEXT NOT NULL, certificate_fingerprint TEXT NOT NULL, value BLOB, received_at INTEGER NOT NULL, address TEXT NOT NULL,
              PRIMARY KEY (tender_id, suite, share_index))
            """)
        try database.writeNow { tx in
            try tx.rawSQL("INSERT INTO opening_shares VALUES (?, 'GM', 1, 'official-01', 'x', ?, 0, 'x')", [.text(spec.id), .blob(secret)])
            try tx.rawSQL("UPDATE opening_keys SET file = ? WHERE tender_id = ?", [.text(String(decoding: retired, as: UTF8.self)), .text(spec.id)])
            try tx.rawSQL("DELETE FROM schema_migrations WHERE version = 5", [])
        }
        let files = ["ebid.sqlite", "ebid.sqlite-wal"].map { "\(fixture.directory.path)/\($0)" }
        func holdsSecret() -> Bool { files.contains { FileManager.default.contents(atPath: $0)?.range(of: Data(secret)) != nil } }
        #expect(holdsSecret(), "the share is on disk before the migration (or this test proves nothing)")

        let migrated = try SQLiteDatabase(path: files[0])
        #expect(!holdsSecret(), "the share survived the migration in the database or its WAL")
        let tables = try migrated.readNow { tx in try tx.connection.query("SELECT name FROM sqlite_master WHERE type = 'table'") { $0.text(0) } }
        #expect(!tables.contains("opening_shares"))
        #expect(tables.contains("opening_partials") && tables.contains("opening_key_uses"))
        let stored = try migrated.readNow { try $0.openingKeys(tender: spec.id) }
        #expect(stored.count == 1 && stored[0].file.isRetired && stored[0].keyId == file.keyId)
        #expect(try migrated.readNow { try $0.keyUse(keyId: file.keyId) } == spec.id, "the key of an existing tender counts as used")
        #expect(throws: ServiceError.self) { try OpeningRoom.requireUsable(stored[0]) }
    }
}
