import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
@testable import BidStoreSQL
@testable import BidStoreSQLite
import Foundation
import Testing
import TestSupport

@Suite("Crash: SIGKILL during concurrent uploads", .serialized)
struct CrashTests {
    static let keys = "\(ProjectPaths.root)/keys"
    static let bidders = ["bidder-01", "bidder-02", "bidder-03", "bidder-04", "bidder-05", "bidder-06", "bidder-08"]

    @Test("every bid that got a receipt survives SIGKILL intact; nothing half-written is visible; the ledger verifies")
    func receiptedBidsSurvive() throws {
        let dir = TemporaryDirectory()
        let server = try ServerProcess(dataDirectory: dir.file("data"))
        try ServiceCLITests.publishDemoTender(server, in: dir, deadline: "+900s")
        // Two more tenders like the demo one, so each bidder has several bids in flight.
        let tenders = ["FZGC-2026-0001", "CRASH-2", "CRASH-3"]
        var demo = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(ProjectPaths.root)/seeds/tenders/demo-tender.json"))) as! [String: Any]
        for id in tenders.dropFirst() {
            demo["id"] = id
            try JSONSerialization.data(withJSONObject: demo).write(to: URL(fileURLWithPath: dir.file("\(id).json")))
            // Every tender has opening keys of its own (a key serves one tender only).
            try ServiceCLITests.keygen(in: dir, tender: id)
            let publish = try ebid(["tender", "publish", "--server", server.url] + ServiceCLITests.identity("agency-01")
                                   + ["--file", dir.file("\(id).json"), "--document", dir.file("招标文件.txt"),
                                      "--opening-key", dir.file("opening-gm-\(id).json"), "--opening-key", dir.file("opening-nist-\(id).json"), "--deadline", "+900s"])
            #expect(publish.status == 0, "\(publish.stderr)")
        }
        // Sealed bids with a 6 MiB part, so uploads take long enough to be cut.
        dir.write("big.bin", testBytes(6 << 20, seed: 77))
        try FileManager.default.createDirectory(atPath: dir.file("receipts"), withIntermediateDirectories: true)
        var jobs: [(tender: String, bidder: String, package: String)] = []
        for tender in tenders {
            for bidder in Self.bidders {
                let package = dir.file("\(tender)-\(bidder).ebid")
                let seal = try ebid(["bid", "seal", "--tender", tender] + ServiceCLITests.identity(bidder)
                                    + ["--opening-key", dir.file(tender == tenders[0] ? "opening-gm.json" : "opening-gm-\(tender).json"), "--summary", "\(ProjectPaths.root)/seeds/bids/\(bidder).summary.json",
                                       "--part", "technical=\(dir.file("big.bin"))", "--out", package])
                #expect(seal.status == 0, "\(seal.stderr)")
                jobs.append((tender, bidder, package))
            }
        }
        // All uploads at once; kill the server once a few receipts are out.
        let clients = try jobs.map { job -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: ProjectPaths.ebid)
            process.arguments = ["bid", "submit", "--server", server.url] + ServiceCLITests.identity(job.bidder)
                + ["--in", job.package, "--receipt-out", dir.file("receipts/\(job.tender)-\(job.bidder).json")]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            return process
        }
        let started = Date()
        while Date().timeIntervalSince(started) < 120 {
            let receipts = (try FileManager.default.contentsOfDirectory(atPath: dir.file("receipts"))).filter { $0.hasSuffix(".json.sig") }
            if receipts.count >= 4 || clients.allSatisfy({ !$0.isRunning }) { break }
            usleep(20_000)
        }
        server.kill()
        for client in clients { client.waitUntilExit() }

        // Restart on the same directory.
        try server.start()
        let receiptFiles = (try FileManager.default.contentsOfDirectory(atPath: dir.file("receipts"))).filter { $0.hasSuffix(".json") }
        #expect(!receiptFiles.isEmpty)
        #expect(receiptFiles.count <= jobs.count)
        let platform = "\(Self.keys)/gm/platform.crt.pem"
        for file in receiptFiles {
            let path = dir.file("receipts/\(file)")
            #expect(try ebid(["receipt", "verify", "--in", path, "--platform-cert", platform]).status == 0, "\(file)")
            let receipt = try JSONDecoder.ebid.decode(Receipt.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
            let status = try ebid(["bid", "status", "--server", server.url, "--tender", receipt.tender.id] + ServiceCLITests.identity(receipt.bidder.party))
            #expect(status.text.contains(receipt.bid.packageDigest), "\(file): receipted bid missing after the crash")
        }
        // Every bid the database shows is complete: its file exists and has the recorded digest.
        let store = try SQLiteStore(dataDirectory: dir.file("data"))
        let bids = try store.database.readNow { try $0.allBids() }
        #expect(bids.count >= receiptFiles.count)
        for bid in bids {
            let path = store.blobs.path(bid.blob)
            let digest = try FileInput(path: path).digest(bid.suite.hash)
            #expect("\(bid.suite.hash.label):\(Hex.encode(digest))" == bid.packageDigest, "bid \(bid.id) is not intact")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("data/tmp")).isEmpty, "half-written uploads must be cleared")
        let audit = try ebid(["audit", "verify", "--data", dir.file("data"), "--platform-cert", platform])
        #expect(audit.status == 0, "\(audit.stderr)")
        server.stop()
    }
}

extension FileInput {
    func digest(_ algorithm: HashAlgorithm) throws -> [UInt8] {
        let digest = StreamingDigest(algorithm)
        try forEachChunk { digest.update($0) }
        return digest.finalize()
    }
}
