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

/// The PostgreSQL store's own guarantees, on a real server (TestSupport/PostgresCluster): the
/// ledger stays one chain with several instances writing at once, and the URL is read strictly.
/// (The rest of the suite runs on PostgreSQL too with `EBID_TEST_STORE=postgres`.)
@Suite("PostgreSQL store")
struct PostgresStoreTests {
    static let actor = Actor(certificateFingerprint: "test", party: "platform", role: "platform", address: "test")

    /// Two instances (two stores, two pools) append `perInstance` events each, all at once; every
    /// append reads the head and writes the next event in its own transaction.
    static func appendConcurrently(url: String, perInstance: Int, serialised: Bool) async throws -> (appended: Int, failures: [String]) {
        let blobs = TemporaryDirectory()
        let first = try PostgresStore(location: try PostgresLocation(url: url + "?pool=4"), blobDirectory: blobs.path)
        let second = try PostgresStore(location: try PostgresLocation(url: url + "?pool=4"), blobDirectory: blobs.path)
        first.serialisesWrites = serialised
        second.serialisesWrites = serialised
        let results = await withTaskGroup(of: String?.self) { group in
            for index in 0..<(2 * perInstance) {
                let store = index % 2 == 0 ? first : second
                group.addTask {
                    do {
                        _ = try await store.write { tx in
                            try tx.appendLedger(try LedgerEntry(actor: Self.actor, action: "test.append", object: "test/\(index)", tenderId: nil,
                                                                json: ["index": String(index)]), at: Date())
                        }
                        return nil
                    } catch {
                        return "\(error)"
                    }
                }
            }
            var failures: [String] = []
            for await result in group { if let result { failures.append(result) } }
            return failures
        }
        return (2 * perInstance - results.count, results)
    }

    @Test("two instances appending at once never fork the chain nor reuse a sequence number; without the write lock they collide")
    func concurrentAppends() async throws {
        guard try PostgresCluster.available() else { return }
        let url = try PostgresCluster.shared.freshDatabase()
        let (appended, failures) = try await Self.appendConcurrently(url: url, perInstance: 150, serialised: true)
        #expect(failures.isEmpty, "\(failures.prefix(3))")
        #expect(appended == 300)
        let blobs = TemporaryDirectory()
        let store = try PostgresStore(location: try PostgresLocation(url: url), blobDirectory: blobs.path)
        let events = try store.readNow { try $0.ledgerEvents(after: 0, limit: 1000) }
        #expect(events.map(\.seq) == Array(1...300))
        var previous = Ledger.genesisHash
        for event in events {
            #expect(event.previousHash == previous && event.hash == event.recomputedHash, "event \(event.seq) does not link")
            previous = event.hash
        }
        #expect(Set(events.map(\.object)).count == 300)
        let report = try LedgerAudit.run(store, platformCertificates: [])
        #expect(!report.problems.contains { ["missing", "altered", "broken-link"].contains($0.kind) }, "\(report.problems.prefix(3))")

        // The control: the same race without the lock. Both instances read the same head and write
        // the same next number: the primary key refuses the second (so no number is ever used
        // twice), and the writes that lost are failures the lock exists to prevent.
        let unlocked = try PostgresCluster.shared.freshDatabase()
        let race = try await Self.appendConcurrently(url: unlocked, perInstance: 150, serialised: false)
        #expect(!race.failures.isEmpty, "without the write lock no append collided: the test would not see a fork")
        #expect(race.failures.allSatisfy { $0.contains("23505") }, "\(race.failures.prefix(3))")
    }

    @Test("a store URL is read strictly: scheme, database, parameters; the password never shows")
    func locations() throws {
        let tcp = try PostgresLocation(url: "postgres://ebid:s%40cret@db.example:6543/centre?pool=12")
        #expect(tcp.host == "db.example" && tcp.port == 6543 && tcp.user == "ebid" && tcp.password == "s@cret" && tcp.database == "centre" && tcp.poolSize == 12)
        #expect(!tcp.description.contains("cret") && tcp.url.contains("s%40cret"))
        let socket = try PostgresLocation(url: "postgresql://ebid@/centre?host=/run/postgresql&port=5433")
        #expect(socket.socketDirectory == "/run/postgresql" && socket.port == 5433 && socket.host == nil)
        for bad in ["mysql://x@y/z", "postgres://x@y", "postgres://x@y/", "postgres://x@y/a/b", "postgres://x@y/z?sslmode=require", "postgres://x@y/z?colour=blue",
                    "postgres:///z"] {
            #expect(throws: StoreError.self, "\(bad)") { _ = try PostgresLocation(url: bad) }
        }
    }

    @Test("a server that is not there is a clear error, with the URL but not its password")
    func unreachable() throws {
        let blobs = TemporaryDirectory()
        let error = #expect(throws: StoreError.self) {
            _ = try PostgresStore(location: try PostgresLocation(url: "postgres://ebid:hunter2@127.0.0.1:1/none"), blobDirectory: blobs.path)
        }
        #expect(error?.message.contains("cannot connect to postgres://ebid@127.0.0.1:1/none") == true && error?.message.contains("hunter2") == false,
                "\(String(describing: error))")
    }
}
