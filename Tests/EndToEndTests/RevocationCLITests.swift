import BidCore
import Foundation
import Testing
import TestSupport

/// Revocation through a real `ebid serve`: a CRL file rewritten while it runs, a CRL loaded by an
/// administrator with the CLI, and bidders warned when they seal with a certificate the service
/// will refuse.
@Suite("Revocation end to end: watched CRL files, ebid admin crl load, warnings at sealing", .serialized)
struct RevocationCLITests {
    typealias CLI = ServiceCLITests

    static func crl(revoking parties: [String], number: Int) throws -> CertificateRevocationList {
        let ca = try CertificateAuthority(certificate: try Certificate(file: "\(CLI.keys)/gm/ca.crt.pem"), key: try PrivateKey(pemFile: "\(CLI.keys)/gm/ca.key.pem"))
        let now = Date()
        return try ca.issueCRL(revoked: try (["bidder-09"] + parties).map { (try Certificate(file: "\(CLI.keys)/gm/\($0).crt.pem"), now.addingTimeInterval(-60)) },
                               thisUpdate: now.addingTimeInterval(Double(number) - 100), nextUpdate: now.addingTimeInterval(30 * 86_400), number: number)
    }

    @Test("a CRL written to the watched file, or loaded with ebid admin crl load, is in force without a restart; sealing warns of revoked and expired certificates")
    func revocationWithoutRestart() throws {
        let dir = TemporaryDirectory()
        try FileManager.default.copyItem(atPath: "\(CLI.keys)/gm/crl.pem", toPath: dir.file("crl-gm.pem"))
        let server = try ServerProcess(dataDirectory: dir.file("data"), extra: ["--crl", dir.file("crl-gm.pem"), "--crl", "\(CLI.keys)/nist/crl.pem"])
        defer { server.stop() }
        let status = ["bid", "status", "--server", server.url, "--tender", "NONE"]
        #expect(try ebid(status + CLI.identity("bidder-02")).stderr.contains("tender.not-found"), "bidder-02 can log in")

        // The CA's newer CRL lands in the watched file (as a cron job would put it there).
        dir.write("crl-gm.pem", Array(try Self.crl(revoking: ["bidder-02"], number: 2).pem.utf8))
        var refused = ""
        for _ in 0..<50 {
            refused = try ebid(status + CLI.identity("bidder-02")).stderr
            if refused.contains("cert.revoked") { break }
            usleep(200_000)
        }
        #expect(refused.contains("cert.revoked"), "the watched CRL file was not picked up: \(refused)")

        // An administrator loads a newer one with the CLI; an older one is refused.
        let made = try ebid(["keys", "demo-crl", "--keys", CLI.keys, "--parties", "\(CLI.seeds)/parties.json", "--revoke", "bidder-02", "--revoke", "bidder-04",
                             "--out", dir.file("newer.pem")])
        #expect(made.status == 0 && made.text.contains("3 certificate(s)"), "\(made.stderr)")
        let unknown = try ebid(["keys", "demo-crl", "--keys", CLI.keys, "--parties", "\(CLI.seeds)/parties.json", "--revoke", "../gm/ca", "--out", dir.file("x.pem")])
        #expect(unknown.status == 1 && unknown.stderr.contains("no demo certificate"), "\(unknown.stderr)")
        let load = try ebid(["admin", "crl", "load", "--server", server.url, "--file", dir.file("newer.pem")] + CLI.identity("admin-01"))
        #expect(load.status == 0 && load.text.contains("in force"), "\(load.stderr)")
        #expect(try ebid(status + CLI.identity("bidder-04")).stderr.contains("cert.revoked"))
        let older = try ebid(["admin", "crl", "load", "--server", server.url, "--file", "\(CLI.keys)/gm/crl.pem"] + CLI.identity("admin-01"))
        #expect(older.status == 1 && older.stderr.contains("crl.not-newer"), "\(older.stderr)")
        let notAdmin = try ebid(["admin", "crl", "load", "--server", server.url, "--file", dir.file("newer.pem")] + CLI.identity("bidder-01"))
        #expect(notAdmin.stderr.contains("auth.role-forbidden"), "\(notAdmin.stderr)")

        // Sealing warns: a revoked certificate (by --trust/--crl, and by the CRL in force at --server), an expired one.
        dir.write("opening.pub.pem", Array(try PrivateKey.generate(.sm2).publicKey.pem.utf8))
        func seal(_ bidder: String, _ extra: [String]) throws -> CommandResult {
            try ebid(["bid", "seal", "--tender", "FZGC-2026-0001", "--opening-key", dir.file("opening.pub.pem"),
                      "--summary", "\(CLI.seeds)/bids/bidder-01.summary.json", "--part", "technical=\(CLI.seeds)/bids/parts/bidder-01/technical.txt",
                      "--out", dir.file("\(bidder).ebid")] + CLI.identity(bidder) + extra)
        }
        let revoked = try seal("bidder-09", ["--trust", "\(CLI.keys)/gm/ca.crt.pem", "--crl", "\(CLI.keys)/gm/crl.pem"])
        #expect(revoked.stderr.contains("warning") && revoked.stderr.contains("cert.revoked"), "\(revoked.stderr)")
        let expired = try seal("bidder-10", [])
        #expect(expired.stderr.contains("warning") && expired.stderr.contains("expired"), "\(expired.stderr)")
        let atServer = try seal("bidder-04", ["--server", server.url])
        #expect(atServer.stderr.contains("warning") && atServer.stderr.contains("CRL in force"), "\(atServer.stderr)")
        let fine = try seal("bidder-01", ["--trust", "\(CLI.keys)/gm/ca.crt.pem", "--crl", "\(CLI.keys)/gm/crl.pem"])
        #expect(!fine.stderr.contains("warning"), "\(fine.stderr)")
    }
}
