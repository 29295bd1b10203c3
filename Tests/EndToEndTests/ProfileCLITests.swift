import BidCore
import Foundation
import Testing
import TestSupport

/// The attack of issue 11 item 6 through the real `ebid serve`: a statutory directory restarted
/// with `--profile demo` (whose clock an administrator can move) is refused; so is the demo PKI
/// outside the demo profile, and a statutory start without the centre's own PKI.
@Suite("ebid serve keeps a data directory's profile and refuses the demo PKI outside the demo", .serialized)
struct ProfileCLITests {
    /// `ebid serve` that is expected to refuse at once (killed after 60 s if it does not).
    static func refusedServe(_ arguments: [String]) throws -> CommandResult {
        try runCommand(["timeout", "60", ProjectPaths.ebid, "serve", "--port", "0", "--keys", "\(ProjectPaths.root)/keys"] + arguments,
                       directory: ProjectPaths.root)
    }

    @Test("a statutory directory restarted with --profile demo is refused; a demo one restarted statutory too; no demo PKI outside the demo")
    func profileKept() throws {
        let dir = TemporaryDirectory()
        let pki = try CentrePKI(in: dir.file("pki"))
        let statutory = dir.file("statutory")
        let server = try ServerProcess(dataDirectory: statutory, profile: "statutory", seed: false, extra: pki.serveOptions)
        let health = try runCommand(["curl", "-sS", "\(server.url)/v1/health"])
        #expect(health.text.contains("statutory"), "\(health.text)")
        #expect(server.stop() == 0)

        // The insider's restart: demo profile (and with it the movable clock) on the statutory directory.
        let demo = try Self.refusedServe(["--data", statutory, "--profile", "demo"])
        #expect(demo.status == 1, "ebid serve --profile demo started on a statutory directory (status \(demo.status))")
        #expect(demo.stderr.contains("created for the statutory profile") && demo.stderr.contains("config.profile-mismatch"), "\(demo.stderr)")
        // The directory still audits as intact (nothing written by the refused start).
        let audit = try ebid(["audit", "verify", "--data", statutory, "--platform-cert", "\(pki.directory)/platform.crt.pem"])
        #expect(audit.status == 0, "\(audit.text) \(audit.stderr)")

        // A demo directory does not turn statutory.
        let demoData = dir.file("demo")
        let demoServer = try ServerProcess(dataDirectory: demoData, seed: false)
        demoServer.stop()
        let real = try Self.refusedServe(["--data", demoData, "--profile", "statutory"] + pki.serveOptions)
        #expect(real.status == 1 && real.stderr.contains("created for the demo profile"), "\(real.stderr)")

        // Outside the demo: no silent fallback to keys/, and keys/ given explicitly is refused.
        let fallback = try Self.refusedServe(["--data", dir.file("fresh"), "--profile", "statutory"])
        #expect(fallback.status == 1 && fallback.stderr.contains("the demo PKI") && !fallback.stderr.contains("warning: using the demo PKI"), "\(fallback.stderr)")
        let keys = "\(ProjectPaths.root)/keys/gm"
        let explicit = try Self.refusedServe(["--data", dir.file("fresh"), "--profile", "statutory", "--trust", "\(keys)/ca.crt.pem",
                                              "--platform-cert", "\(keys)/platform.crt.pem", "--platform-key", "\(keys)/platform.key.pem"])
        #expect(explicit.status == 1 && explicit.stderr.contains("config.demo-pki"), "\(explicit.stderr)")
    }
}
