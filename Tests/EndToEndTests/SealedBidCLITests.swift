import BidCore
import Foundation
import Testing
import TestSupport

/// The `ebid` CLI as a bidder and an official use it, with the committed demo keys, checked
/// against the openssl command line where openssl can judge our output independently.
@Suite("CLI: seal, verify, unseal, key ceremony")
struct SealedBidCLITests {
    static let summary = "\(ProjectPaths.root)/seeds/bids/bidder-02.summary.json"
    static func parts(_ bidder: String) -> [String] {
        ["commercial", "technical", "qualification"].flatMap { ["--part", "\($0)=\(ProjectPaths.root)/seeds/bids/parts/\(bidder)/\($0).txt"] }
    }

    /// Key ceremony + seal by `bidder`; returns the work directory.
    func sealDemoBid(suite: String, bidder: String = "bidder-02", tender: String = "FZGC-2026-0001") throws -> TemporaryDirectory {
        let dir = TemporaryDirectory()
        let keys = ProjectPaths.keys(suite)
        let keygen = try ebid(["opening", "keygen", "--suite", suite.uppercased(),
                               "--officials", (1...3).map { "\(keys)/official-0\($0).crt.pem" }.joined(separator: ","),
                               "--threshold", "2", "--out", dir.file("opening-key.json"), "--trust", "\(keys)/ca.crt.pem"])
        #expect(keygen.status == 0, "\(keygen.stderr)")
        let seal = try ebid(["bid", "seal", "--tender", tender, "--cert", "\(keys)/\(bidder).crt.pem", "--key", "\(keys)/\(bidder).key.pem",
                             "--opening-key", dir.file("opening-key.json"), "--summary", Self.summary, "--out", dir.file("bid.ebid"),
                             "--suite", suite.uppercased()] + Self.parts(bidder))
        #expect(seal.status == 0, "\(seal.stderr)")
        return dir
    }

    @Test("seal → verify → unseal with the demo keys; openssl agrees on the digest and the inner signature", arguments: ["gm", "nist"])
    func roundTrip(suite: String) throws {
        let dir = try sealDemoBid(suite: suite)
        let keys = ProjectPaths.keys(suite)
        let verify = try ebid(["bid", "verify", "--in", dir.file("bid.ebid"), "--trust", "\(keys)/ca.crt.pem", "--crl", "\(keys)/crl.pem"])
        #expect(verify.status == 0, "\(verify.stderr)")
        #expect(verify.text.contains("FZGC-2026-0001"))
        #expect(verify.text.contains("福州榕城路桥集团有限公司"))
        #expect(verify.text.contains("91350100MA3W7WKK88"))
        // The package digest printed is what openssl computes over the file.
        let algorithm = suite == "gm" ? "sm3" : "sha256"
        let digest = try openssl(["dgst", "-\(algorithm)", "-r", "bid.ebid"], in: dir).text.split(separator: " ")[0]
        #expect(verify.text.contains("\(algorithm):\(digest)"))

        let unseal = try ebid(["bid", "unseal", "--in", dir.file("bid.ebid"), "--key", "\(keys)/bidder-02.key.pem",
                               "--cert", "\(keys)/bidder-02.crt.pem", "--trust", "\(keys)/ca.crt.pem", "--out", dir.file("out")])
        #expect(unseal.status == 0, "\(unseal.stderr)")
        #expect(unseal.text.contains("35960500.00"))
        for part in ["commercial", "technical", "qualification"] {
            let original = FileManager.default.contents(atPath: "\(ProjectPaths.root)/seeds/bids/parts/bidder-02/\(part).txt")
            #expect(FileManager.default.contents(atPath: dir.file("out/\(part).txt")) == original)
        }
        // The inner manifest's signature checks with openssl alone.
        try openssl(["x509", "-in", "\(keys)/bidder-02.crt.pem", "-pubkey", "-noout", "-out", "bidder.pub"], in: dir)
        let distid = suite == "gm" ? ["-sigopt", "distid:1234567812345678"] : []
        let check = try openssl(["dgst", "-\(algorithm)", "-verify", "bidder.pub"] + distid + ["-signature", "out/manifest.sig", "out/manifest.json"], in: dir)
        #expect(check.text.contains("Verified OK"))
    }

    @Test("verify refuses tampered, truncated, revoked, expired, untrusted and foreign files with the failure named")
    func verifyRefusals() throws {
        let dir = try sealDemoBid(suite: "gm")
        let keys = ProjectPaths.keys("gm")
        let trust = ["--trust", "\(keys)/ca.crt.pem", "--crl", "\(keys)/crl.pem"]
        var bytes = dir.read("bid.ebid")
        bytes[bytes.count - 200] ^= 0x01
        dir.write("tampered.ebid", bytes)
        dir.write("truncated.ebid", Array(dir.read("bid.ebid").dropLast(10)))
        dir.write("random.bin", testBytes(5000, seed: 1))
        let cases: [(String, [String], String)] = [
            ("tampered.ebid", trust, "sealed.signature-invalid"),
            ("truncated.ebid", trust, "sealed.truncated"),
            ("random.bin", trust, "sealed.not-a-sealed-bid"),
            ("bid.ebid", ["--trust", "\(ProjectPaths.keys("nist"))/ca.crt.pem"], "cert.untrusted"),
            ("missing.ebid", trust, "io.failed"),
        ]
        for (file, trustArgs, code) in cases {
            let result = try ebid(["bid", "verify", "--in", dir.file(file)] + trustArgs)
            #expect(result.status == 1, "\(file)")
            #expect(result.stderr.contains(code), "\(file): \(result.stderr)")
            #expect(result.stderr.hasPrefix("error: "), "\(file): \(result.stderr)")
        }
        for (bidder, code) in [("bidder-09", "cert.revoked"), ("bidder-10", "cert.expired")] {
            let sealed = try sealDemoBid(suite: "gm", bidder: bidder)
            let result = try ebid(["bid", "verify", "--in", sealed.file("bid.ebid")] + trust)
            #expect(result.status == 1)
            #expect(result.stderr.contains(code), "\(bidder): \(result.stderr)")
        }
        // Without the CRL the revoked certificate cannot be told from a good one: the CRL matters.
        let revoked = try sealDemoBid(suite: "gm", bidder: "bidder-09")
        #expect(try ebid(["bid", "verify", "--in", revoked.file("bid.ebid"), "--trust", "\(keys)/ca.crt.pem"]).status == 0)
    }

    @Test("unseal refuses a wrong key, a key that is not the certificate's, and never overwrites files")
    func unsealRefusals() throws {
        let dir = try sealDemoBid(suite: "nist")
        let keys = ProjectPaths.keys("nist")
        let base = ["bid", "unseal", "--in", dir.file("bid.ebid"), "--trust", "\(keys)/ca.crt.pem"]
        let other = try ebid(base + ["--key", "\(keys)/bidder-03.key.pem", "--cert", "\(keys)/bidder-03.crt.pem", "--out", dir.file("x")])
        #expect(other.status == 1)
        #expect(other.stderr.contains("sealed.no-matching-recipient"))
        let mismatch = try ebid(base + ["--key", "\(keys)/bidder-03.key.pem", "--cert", "\(keys)/bidder-02.crt.pem", "--out", dir.file("y")])
        #expect(mismatch.status == 1)
        #expect(mismatch.stderr.contains("does not belong"))
        let good = base + ["--key", "\(keys)/bidder-02.key.pem", "--cert", "\(keys)/bidder-02.crt.pem", "--out", dir.file("z")]
        #expect(try ebid(good).status == 0)
        let again = try ebid(good)
        #expect(again.status == 1)
        #expect(again.stderr.contains("already exists"))
    }

    @Test("bad seal input gets a clear message and writes nothing")
    func sealRefusals() throws {
        let dir = TemporaryDirectory()
        let keys = ProjectPaths.keys("gm")
        let common = ["bid", "seal", "--tender", "T-1", "--cert", "\(keys)/bidder-01.crt.pem", "--key", "\(keys)/bidder-01.key.pem",
                      "--opening-key", "\(keys)/official-01.crt.pem", "--out", dir.file("bid.ebid")]
        dir.write("bad-summary.json", Array(#"{"price":"1e6","durationDays":10,"quality":"q","projectManager":"p","bidSecurityAccount":"a"}"#.utf8))
        let badPrice = try ebid(common + ["--summary", dir.file("bad-summary.json"), "--part", "technical=\(Self.summary)"])
        #expect(badPrice.status != 0)
        let badKind = try ebid(common + ["--summary", Self.summary, "--part", "pricing=\(Self.summary)"])
        #expect(badKind.status != 0)
        #expect(badKind.stderr.contains("kind must be one of"))
        let wrongKey = try ebid(["bid", "seal", "--tender", "T-1", "--cert", "\(keys)/bidder-01.crt.pem", "--key", "\(keys)/bidder-02.key.pem",
                                 "--opening-key", "x", "--summary", Self.summary, "--part", "technical=\(Self.summary)", "--out", dir.file("bid.ebid")])
        #expect(wrongKey.stderr.contains("does not belong"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("bid.ebid")))
        #expect(!FileManager.default.fileExists(atPath: dir.file("bid.ebid.partial")))
    }

    @Test("ebid demo walks through every step, sealed bids and the embedded service, and says so")
    func demo() throws {
        let dir = TemporaryDirectory()
        let result = try ebid(["demo", "--work", dir.path])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.text.contains("Every step turned out as it should."))
        #expect(result.text.contains("[cert.revoked]"))
        #expect(result.text.contains("[sealed.chunk-authentication-failed]"))
        // The service part: receipts, a replacement, the debarred and the late bidder refused, the ledger intact.
        #expect(result.text.contains("[bid.debarred]"))
        #expect(result.text.contains("[bid.deadline-passed]"))
        #expect(result.text.contains("the receipt says it replaces the first bid"))
        #expect(result.text.contains("the ledger is intact"))
        #expect(!result.text.contains("✗"))
    }
}

/// 1 GiB bids: sealing, verifying and opening stay under 64 MiB of resident memory.
@Suite("CLI: constant memory on a 1 GiB bid", .serialized)
struct ConstantMemoryTests {
    static let limit = 64 << 20

    @Test("seal, verify and unseal a 1 GiB bid, each under 64 MiB resident", arguments: ["gm", "nist"])
    func oneGibibyte(suite: String) throws {
        let dir = TemporaryDirectory()
        let keys = ProjectPaths.keys(suite)
        // A sparse 1 GiB part: reading it costs no disk, encrypting it costs the real work.
        let big = dir.file("big.bin")
        _ = FileManager.default.createFile(atPath: big, contents: nil)
        #expect(truncate(big, 1 << 30) == 0)
        let keygen = try ebid(["opening", "keygen", "--suite", suite.uppercased(), "--officials",
                               "\(keys)/official-01.crt.pem,\(keys)/official-02.crt.pem", "--threshold", "2", "--out", dir.file("key.json")])
        #expect(keygen.status == 0)
        let steps: [(String, [String])] = [
            ("seal", ["bid", "seal", "--tender", "BIG-1", "--cert", "\(keys)/bidder-01.crt.pem", "--key", "\(keys)/bidder-01.key.pem",
                      "--opening-key", dir.file("key.json"), "--summary", SealedBidCLITests.summary, "--part", "technical=\(big)",
                      "--out", dir.file("big.ebid"), "--suite", suite.uppercased()]),
            ("verify", ["bid", "verify", "--in", dir.file("big.ebid"), "--trust", "\(keys)/ca.crt.pem", "--crl", "\(keys)/crl.pem"]),
            ("unseal", ["bid", "unseal", "--in", dir.file("big.ebid"), "--key", "\(keys)/bidder-01.key.pem", "--cert", "\(keys)/bidder-01.crt.pem",
                        "--trust", "\(keys)/ca.crt.pem", "--out", dir.file("out")]),
        ]
        for (name, arguments) in steps {
            let run = try runMeasuringMemory([ProjectPaths.ebid] + arguments)
            #expect(run.status == 0, "\(name): \(run.stderr)")
            #expect(run.maxResidentBytes < Self.limit, "\(name) peaked at \(run.maxResidentBytes >> 20) MiB")
        }
        let attributes = try FileManager.default.attributesOfItem(atPath: dir.file("out/big.bin"))
        #expect((attributes[.size] as? NSNumber)?.intValue == 1 << 30)
    }
}
