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

/// A data directory keeps its profile: a statutory tender cannot be opened early by restarting
/// its directory with `--profile demo` and moving the demo clock (Law art. 34; Reg. art. 41(1)).
@Suite("A data directory keeps its profile; outside the demo profile no demo PKI")
struct DirectoryProfileTests {
    static func configuration(_ data: String, _ profile: PolicyProfile, pki: CentrePKI?) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.dataDirectory = data
        configuration.profile = profile
        configuration.keysDirectory = ServiceFixture.keys
        if let pki {
            configuration.trustFiles = ["\(pki.directory)/ca.crt.pem"]
            configuration.platformCertificate = "\(pki.directory)/platform.crt.pem"
            configuration.platformKey = "\(pki.directory)/platform.key.pem"
        } else {
            configuration.applyDemoDefaults()
            configuration.platformCertificate = "\(ServiceFixture.keys)/gm/platform.crt.pem"
            configuration.platformKey = "\(ServiceFixture.keys)/gm/platform.key.pem"
        }
        return configuration
    }

    static func events(_ data: String) throws -> [LedgerEvent] {
        try SQLiteStore(dataDirectory: data).database.readNow { try $0.ledgerEvents(after: 0, limit: 100_000) }
    }

    @Test("the first start records the profile in the ledger; a start with another profile is refused and writes nothing")
    func recordedAndEnforced() throws {
        let dir = TemporaryDirectory()
        let pki = try CentrePKI(in: dir.file("pki"))
        let statutory = dir.file("statutory")
        _ = try makeEnvironment(Self.configuration(statutory, .statutory, pki: pki))
        _ = try makeEnvironment(Self.configuration(statutory, .statutory, pki: pki))
        let recorded = try Self.events(statutory).filter { $0.action == DirectoryProfile.action }
        #expect(recorded.map(\.object) == ["profile/statutory"], "recorded once, at the first start")
        let before = try Self.events(statutory)
        let refused = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(statutory, .demo, pki: nil)) }
        #expect(refused?.code == "config.profile-mismatch" && refused?.detail.contains("created for the statutory profile") == true, "\(String(describing: refused))")
        #expect(try Self.events(statutory) == before, "a refused start writes nothing (not even the platform certificate's event)")

        // And the other way round: a demo directory does not become a real one.
        let demo = dir.file("demo")
        _ = try makeEnvironment(Self.configuration(demo, .demo, pki: nil))
        let other = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(demo, .statutory, pki: pki)) }
        #expect(other?.code == "config.profile-mismatch" && other?.detail.contains("created for the demo profile") == true)
    }

    @Test("an insider's edits are refused at start: the profile event rewritten, a tender's profile changed; older directories infer theirs")
    func insiderEdits() async throws {
        let dir = TemporaryDirectory()
        let pki = try CentrePKI(in: dir.file("pki"))
        let data = dir.file("data")
        _ = try makeEnvironment(Self.configuration(data, .statutory, pki: pki))
        let store = try SQLiteStore(dataDirectory: data)
        // The event's object edited to demo (without re-chaining): refused as altered.
        try store.writeNow { try $0.rawSQL("UPDATE ledger_events SET object = 'profile/demo' WHERE action = ?", [.text(DirectoryProfile.action)]) }
        let altered = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(data, .demo, pki: nil)) }
        #expect(altered?.detail.contains("was altered") == true, "\(String(describing: altered))")
        try store.writeNow { try $0.rawSQL("UPDATE ledger_events SET object = 'profile/statutory' WHERE action = ?", [.text(DirectoryProfile.action)]) }

        // The same edit with the event's hash recomputed (SM3 is public): the next event's link gives it away.
        let chained = try await ServiceFixture(embedded: true)
        try chained.store.writeNow { tx in
            let event = try #require(try tx.ledgerEvents(LedgerQuery(action: DirectoryProfile.action, limit: 1)).first)
            let hash = LedgerEvent.computeHash(seq: event.seq, at: event.at, actor: event.actor, action: event.action, object: "profile/demo",
                                               tenderId: event.tenderId, payloadDigest: event.payloadDigest, previousHash: event.previousHash)
            try tx.rawSQL("UPDATE ledger_events SET object = 'profile/demo', hash = ? WHERE seq = ?", [.text(hash), .integer(event.seq)])
        }
        let rehashed = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(chained.directory.path, .demo, pki: nil)) }
        #expect(rehashed?.detail.contains("was altered") == true, "\(String(describing: rehashed))")

        // An older directory (no event) whose tenders are statutory, or that kept a demo clock offset.
        let fixture = try await ServiceFixture(embedded: true)
        _ = try await fixture.publishTender(try fixture.spec(id: "T-PROFILE"))
        try fixture.store.writeNow { try $0.rawSQL("DELETE FROM ledger_events WHERE action = ?", [.text(DirectoryProfile.action)]) }
        let inferred = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(fixture.directory.path, .demo, pki: nil)) }
        #expect(inferred?.detail.contains("created for the statutory profile") == true, "\(String(describing: inferred))")
        let offset = dir.file("offset")
        try SQLiteStore(dataDirectory: offset).database.writeNow { try $0.setMeta("demo-clock-offset", "86400") }
        #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(offset, .statutory, pki: pki)) }

        // A tender's stored profile changed by SQL: refused at start, and the audit names it.
        let edited = try await ServiceFixture(embedded: true)
        _ = try await edited.publishTender(try edited.spec(id: "T-EDITED"))
        try edited.store.writeNow { try $0.rawSQL("UPDATE tenders SET profile = 'demo' WHERE id = 'T-EDITED'") }
        let mixed = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(edited.directory.path, .statutory, pki: pki)) }
        #expect(mixed?.detail.contains("holds tenders created under demo") == true, "\(String(describing: mixed))")
        #expect(try edited.audit().problems.map(\.kind) == ["profile"])
    }

    @Test("in a statutory directory the audit refuses events and checkpoints dated after its own time (a clock moved forward)")
    func clockMovedForward() async throws {
        let fixture = try await ServiceFixture(embedded: true)
        #expect(try fixture.audit().isIntact)
        fixture.clock.advance(by: 3 * 86_400)
        _ = try await Supervision(fixture.environment).checkpoint()
        var evidence = LedgerAudit.Evidence()
        evidence.now = Date()
        let report = try LedgerAudit.run(fixture.store, platformCertificates: [fixture.environment.platform.certificate], evidence: evidence)
        #expect(Set(report.problems.map(\.kind)) == ["dated-in-future"], "\(report.problems)")
        // A demo directory's clock moves by design: not a problem there.
        let demo = try await ServiceFixture(profile: .demo)
        demo.clock.advance(by: 3 * 86_400)
        _ = try await Supervision(demo.environment).checkpoint()
        #expect(try LedgerAudit.run(demo.store, platformCertificates: [demo.environment.platform.certificate]).isIntact)
    }

    @Test("outside the demo profile the demo PKI is refused, as platform key or as trust anchor")
    func demoPKIRefused() throws {
        let dir = TemporaryDirectory()
        let pki = try CentrePKI(in: dir.file("pki"))
        let demoKeys = #expect(throws: ServiceError.self) { _ = try makeEnvironment(Self.configuration(dir.file("a"), .statutory, pki: nil)) }
        #expect(demoKeys?.code == "config.demo-pki", "\(String(describing: demoKeys))")
        var anchor = Self.configuration(dir.file("b"), .statutory, pki: pki)
        anchor.trustFiles.append("\(ServiceFixture.keys)/nist/ca.crt.pem")
        #expect((#expect(throws: ServiceError.self) { _ = try makeEnvironment(anchor) })?.code == "config.demo-pki")
        // Nor may the demo sign with the centre's key: its receipts would look real.
        let realKeyInDemo = #expect(throws: ServiceError.self) {
            var demo = Self.configuration(dir.file("e"), .demo, pki: nil)
            demo.platformCertificate = "\(pki.directory)/platform.crt.pem"
            demo.platformKey = "\(pki.directory)/platform.key.pem"
            _ = try makeEnvironment(demo)
        }
        #expect(realKeyInDemo?.code == "config.demo-needs-demo-pki", "\(String(describing: realKeyInDemo))")
        // The demo profile may use it (that is what it is for); a centre's own PKI starts statutory.
        _ = try makeEnvironment(Self.configuration(dir.file("c"), .demo, pki: nil))
        _ = try makeEnvironment(Self.configuration(dir.file("d"), .statutory, pki: pki))
    }
}
