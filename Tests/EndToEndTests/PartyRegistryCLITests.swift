import BidCore
import BidDesks
import BidDomain
import BidService
import BidStoreSQL
import BidStoreSQLite
import Foundation
import Testing
import TestSupport

/// Issue 14, first start and the registry, as a new centre runs it: `ebid admin init` on the
/// centre's own PKI, then a real `ebid serve` whose registry the administrator manages through
/// `ebid party …`; a company registers itself and is approved; suspensions, certificate
/// retirement and a batch import take effect at login; the audit catches a role given from a
/// database shell.
@Suite("First start without the demo, and the party registry through the CLI", .serialized)
struct PartyRegistryCLITests {
    static func code(_ body: String) throws -> String { try UnifiedSocialCreditCode.make(division: "350100", organizationBody: body).value }

    @Test("admin init, party add/show/list/suspend/restore/cert/import/register/approve on a statutory service; the audit sees registry tampering")
    func registry() throws {
        let dir = TemporaryDirectory()
        let pki = try CentrePKI(in: dir.file("pki"))
        let admin = try pki.issue("admin", commonName: "陈管理", serialNumber: "P-ADMIN-0001")
        let data = dir.file("data")

        // The demo PKI is refused for the administrator, and a statutory init needs the centre's PKI.
        let demoAdmin = try ebid(["admin", "init", "--data", dir.file("refused")] + pki.serveOptions + ["--admin-cert", "\(ProjectPaths.root)/keys/gm/admin-01.crt.pem"])
        #expect(demoAdmin.status != 0 && demoAdmin.stderr.contains("init.demo-pki"), "\(demoAdmin.stderr)")
        let noPKI = try ebid(["admin", "init", "--data", dir.file("refused"), "--admin-cert", admin.certificate])
        #expect(noPKI.status != 0 && noPKI.stderr.contains("--trust"), "\(noPKI.stderr)")

        let initialised = try ebid(["admin", "init", "--data", data] + pki.serveOptions + ["--admin-cert", admin.certificate])
        #expect(initialised.status == 0 && initialised.text.contains("陈管理 (admin) is its administrator"), "\(initialised.text) \(initialised.stderr)")
        let again = try ebid(["admin", "init", "--data", data] + pki.serveOptions + ["--admin-cert", admin.certificate])
        #expect(again.status == 0 && again.text.contains("already initialised"), "\(again.text) \(again.stderr)")
        let intruder = try pki.issue("intruder", commonName: "Someone", serialNumber: "P-9999")
        let second = try ebid(["admin", "init", "--data", data] + pki.serveOptions + ["--admin-cert", intruder.certificate])
        #expect(second.status != 0 && second.stderr.contains("init.already-initialised"), "\(second.stderr)")

        let server = try ServerProcess(dataDirectory: data, profile: "statutory", seed: false, extra: pki.serveOptions)
        defer { server.stop() }
        let asAdmin = ["--server", server.url, "--cert", admin.certificate, "--key", admin.key]

        // A tenderer registered by the administrator logs in with its certificate.
        let tendererCode = try Self.code("12345678")
        let tenderer = try pki.issue("tenderer", commonName: "福州市政工程管理处", serialNumber: tendererCode, organization: "福州市政工程管理处")
        let record = dir.file("tenderer.json")
        try Data(#"{"id": "tenderer-fz", "kind": "organization", "roles": ["tenderer"], "name": "福州市政工程管理处", "creditCode": "\#(tendererCode)"}"#.utf8)
            .write(to: URL(fileURLWithPath: record))
        let added = try ebid(["party", "add"] + asAdmin + ["--file", record, "--certificate", tenderer.certificate])
        #expect(added.status == 0 && added.text.contains("registered 福州市政工程管理处 (tenderer-fz)"), "\(added.text) \(added.stderr)")
        let twice = try ebid(["party", "add"] + asAdmin + ["--file", record])
        #expect(twice.status != 0 && twice.stderr.contains("party.exists"), "\(twice.stderr)")
        let login = try ebid(["auth", "token", "--server", server.url, "--cert", tenderer.certificate, "--key", tenderer.key])
        #expect(login.status == 0 && login.text.hasPrefix("ebid_"), "\(login.stderr)")
        let show = try ebid(["party", "show", "tenderer-fz"] + asAdmin + ["--json"])
        let shown = try JSONDecoder.ebid.decode(RegistryState.self, from: Data(show.text.utf8))
        #expect(shown.status == .active && shown.record.roles == [.tenderer] && shown.certificates.count == 1)
        // Not an administrator: the registry is closed to it.
        let notAdmin = try ebid(["party", "list", "--server", server.url, "--cert", tenderer.certificate, "--key", tenderer.key])
        #expect(notAdmin.status != 0 && notAdmin.stderr.contains("auth.role-forbidden"), "\(notAdmin.stderr)")

        // A company registers itself as a bidder; until approved it cannot log in.
        let bidderCode = try Self.code("87654321")
        let bidder = try pki.issue("bidder", commonName: "闽江建设有限公司", serialNumber: bidderCode, organization: "闽江建设有限公司")
        let asBidder = ["--server", server.url, "--cert", bidder.certificate, "--key", bidder.key]
        let mismatch = try ebid(["party", "register"] + asBidder + ["--id", "minjiang", "--name", "闽江建设有限公司", "--credit-code", tendererCode])
        #expect(mismatch.status != 0 && mismatch.stderr.contains("registration.certificate-mismatch"), "\(mismatch.stderr)")
        let registered = try ebid(["party", "register"] + asBidder + ["--id", "minjiang", "--name", "闽江建设有限公司", "--credit-code", bidderCode,
                                                                      "--legal-representative", "林一"])
        #expect(registered.status == 0 && registered.text.contains("waits for an administrator's approval"), "\(registered.text) \(registered.stderr)")
        let pending = try ebid(["auth", "token"] + asBidder)
        #expect(pending.status != 0 && pending.stderr.contains("auth.registration-pending"), "\(pending.stderr)")
        let listed = try ebid(["party", "list", "--status", "pending"] + asAdmin)
        #expect(listed.text.contains("minjiang\tpending\tbidder") && listed.text.contains("1 party"), "\(listed.text) \(listed.stderr)")
        let approved = try ebid(["party", "approve", "--id", "minjiang", "--reason", "business licence checked"] + asAdmin)
        #expect(approved.status == 0, "\(approved.stderr)")
        #expect(try ebid(["auth", "token"] + asBidder).status == 0)

        // Suspended: logins refused, the session already open ends; restored: back in.
        let token = try ebid(["auth", "token"] + asBidder).text.trimmingCharacters(in: .whitespacesAndNewlines)
        let suspended = try ebid(["party", "suspend", "--id", bidderCode, "--reason", "forged qualification documents"] + asAdmin)
        #expect(suspended.status == 0 && suspended.text.contains("is suspended"), "\(suspended.stderr)")
        let refused = try ebid(["auth", "token"] + asBidder)
        #expect(refused.status != 0 && refused.stderr.contains("auth.party-suspended"), "\(refused.stderr)")
        let oldSession = try runCommand(["curl", "-sS", "-H", "Authorization: Bearer \(token)", "\(server.url)/v1/parties"])
        #expect(oldSession.text.contains("auth.token-invalid") || oldSession.text.contains("auth.party-suspended"), "\(oldSession.text)")
        #expect(try ebid(["party", "restore", "--id", "minjiang", "--reason", "the decision was quashed"] + asAdmin).status == 0)
        #expect(try ebid(["auth", "token"] + asBidder).status == 0)

        // A renewed certificate added, the old one retired: the old one no longer logs in.
        let renewed = try pki.issue("tenderer-2027", commonName: "福州市政工程管理处", serialNumber: tendererCode, organization: "福州市政工程管理处")
        #expect(try ebid(["party", "cert", "add", "--id", "tenderer-fz", "--certificate", renewed.certificate] + asAdmin).status == 0)
        let oldFingerprint = try Certificate(file: tenderer.certificate).fingerprint
        let retired = try ebid(["party", "cert", "retire", "--id", "tenderer-fz", "--fingerprint", oldFingerprint, "--reason", "replaced by the 2027 certificate"] + asAdmin)
        #expect(retired.status == 0 && retired.text.contains("retired"), "\(retired.stderr)")
        let oldCert = try ebid(["auth", "token", "--server", server.url, "--cert", tenderer.certificate, "--key", tenderer.key])
        #expect(oldCert.status != 0 && oldCert.stderr.contains("auth.certificate-retired"), "\(oldCert.stderr)")
        #expect(try ebid(["auth", "token", "--server", server.url, "--cert", renewed.certificate, "--key", renewed.key]).status == 0)

        // The last administrator can neither be suspended nor lose its last certificate.
        let lockout = try ebid(["party", "suspend", "--id", "admin", "--reason", "oops"] + asAdmin)
        #expect(lockout.status != 0 && lockout.stderr.contains("party.last-admin"), "\(lockout.stderr)")
        let lockout2 = try ebid(["party", "cert", "retire", "--id", "admin", "--fingerprint", try Certificate(file: admin.certificate).fingerprint, "--reason", "oops"] + asAdmin)
        #expect(lockout2.status != 0 && lockout2.stderr.contains("party.last-admin"), "\(lockout2.stderr)")

        // A batch import: one bad entry refuses the whole batch; the good batch registers everyone.
        let official = try pki.issue("official", commonName: "王开标", serialNumber: "P-OFF-0001")
        let supervisor = try pki.issue("supervisor", commonName: "李监督", serialNumber: "P-SUP-0001")
        func batch(_ extra: String) throws -> String {
            let path = dir.file("import-\(extra.isEmpty ? "good" : "bad").json")
            try Data("""
            {"format": "ebid-party-import", "version": 1, "parties": [
              {"party": {"id": "official-w", "kind": "person", "roles": ["official"], "name": "王开标", "personId": "P-OFF-0001"}, "certificateFiles": ["pki/official.crt.pem"]},
              {"party": {"id": "supervisor-l", "kind": "person", "roles": ["supervisor"], "name": "李监督", "personId": "P-SUP-0001"}, "certificateFiles": ["pki/supervisor.crt.pem"]}\(extra)
            ]}
            """.utf8).write(to: URL(fileURLWithPath: path))
            return path
        }
        let bad = try ebid(["party", "import", try batch(#", {"party": {"id": "broken", "kind": "organization", "roles": ["bidder"], "name": "X", "creditCode": "91350100BADCODE00"}, "certificates": []}"#)] + asAdmin)
        #expect(bad.status != 0 && bad.stderr.contains("party 3 (broken)"), "\(bad.stderr)")
        let afterBad = try ebid(["party", "list"] + asAdmin)
        #expect(!afterBad.text.contains("official-w") && afterBad.text.contains("3 parties"), "a refused batch wrote something: \(afterBad.text)")
        let good = try ebid(["party", "import", try batch("")] + asAdmin)
        #expect(good.status == 0 && good.text.contains("2 registered, 0 updated, 0 unchanged"), "\(good.text) \(good.stderr)")
        let repeated = try ebid(["party", "import", try batch("")] + asAdmin + ["--json"])
        #expect(repeated.text.contains("\"unchanged\" : 2"), "\(repeated.text)")
        #expect(try ebid(["auth", "token", "--server", server.url, "--cert", official.certificate, "--key", official.key]).status == 0)
        #expect(try ebid(["auth", "token", "--server", server.url, "--cert", supervisor.certificate, "--key", supervisor.key]).status == 0)
        let byRole = try ebid(["party", "list", "--role", "supervisor", "--server", server.url, "--cert", supervisor.certificate, "--key", supervisor.key])
        #expect(byRole.status == 0 && byRole.text.contains("supervisor-l") && byRole.text.contains("1 party"), "\(byRole.text) \(byRole.stderr)")

        #expect(server.stop() == 0)
        let audit = try ebid(["audit", "verify", "--data", data, "--platform-cert", "\(pki.directory)/platform.crt.pem"])
        #expect(audit.status == 0, "\(audit.text) \(audit.stderr)")

        // An insider gives the bidder the admin role from a database shell: the audit names the party.
        let database = try SQLiteDatabase(path: "\(data)/ebid.sqlite")
        try database.executeNow("INSERT INTO party_roles (party_id, role) VALUES ('minjiang', 'admin')")
        let tampered = try ebid(["audit", "verify", "--data", data, "--platform-cert", "\(pki.directory)/platform.crt.pem"])
        #expect(tampered.status == 1 && tampered.stderr.contains("party minjiang's registry rows"), "\(tampered.stderr)")
        try database.executeNow("DELETE FROM party_roles WHERE party_id = 'minjiang' AND role = 'admin'")
        try database.executeNow("UPDATE certificates SET retired_at = NULL, retired_reason = NULL WHERE fingerprint = '\(oldFingerprint)'")
        let unretired = try ebid(["audit", "verify", "--data", data, "--platform-cert", "\(pki.directory)/platform.crt.pem"])
        #expect(unretired.status == 1 && unretired.stderr.contains("party tenderer-fz's registry rows"), "\(unretired.stderr)")
    }
}
