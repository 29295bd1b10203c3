import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Dev {
    struct PopulateTenders: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "populate-tenders",
            abstract: "Fill a NEW data directory with published tenders for the portal benchmark.",
            discussion: """
            Writes --tenders copies of the demo tender (seeds/tenders/demo-tender.json) straight into the
            store, published over the last two years, a third of them goods or services, a fifth still
            taking bids and the others failed at their opening (流标), each with its ledger event. No key ceremony, no bids: pages only. Prints the id of
            the tender the benchmark reads. Refuses a directory that holds a database.
            """
        )

        @Option(help: "The data directory to create.") var data: String
        @Option(help: "The demo PKI directory (platform key, trust).") var keys: String = "keys"
        @Option(help: "The seeds directory (demo parties, the demo tender).") var seeds: String = "seeds"
        @Option(help: "How many tenders.") var tenders: Int = 10_000
        @Option(help: "The profile the tenders are created under (statutory needs the centre's own platform key and CA).") var profile: PolicyProfile = .demo
        @Option(name: .customLong("platform-cert"), help: "The platform certificate (default: the demo one in --keys).") var platformCert: String?
        @Option(name: .customLong("platform-key"), help: "The platform key (default: the demo one in --keys).") var platformKey: String?
        @Option(name: .customLong("trust"), help: "The centre's CA (default: the demo one in --keys).") var trust: String?

        func run() async throws {
            try await reportingErrors {
                guard !FileManager.default.fileExists(atPath: "\(data)/ebid.sqlite") else { throw CLIError("\(data) holds a database already: populate a new directory") }
                guard (1...1_000_000).contains(tenders) else { throw CLIError("--tenders is 1…1,000,000") }
                let store = try ServiceConfiguration.openStore(url: nil, dataDirectory: data)
                let platform = try PlatformSigner(certificate: try Certificate(file: platformCert ?? "\(keys)/gm/platform.crt.pem"),
                                                  key: try PrivateKey(pemFile: platformKey ?? "\(keys)/gm/platform.key.pem"))
                let environment = ServiceEnvironment(store: store, trust: try TrustStore(anchorFiles: [trust ?? "\(keys)/gm/ca.crt.pem"]), platform: platform,
                                                     clock: SystemClock(), profile: profile)
                let profile = self.profile
                _ = try await Seeder.seed(directory: seeds, keysDirectory: keys, environment: environment)
                let base = try decodeJSON(TenderSpec.self, from: "\(seeds)/tenders/demo-tender.json", what: "demo tender")
                let now = Date()
                let actor = environment.platformActor
                let titles = ["道路提升改造工程施工", "学校教学楼新建工程", "污水管网改造工程", "医院医疗设备采购", "办公家具采购", "物业管理服务", "园林绿化养护服务", "桥梁维修加固工程"]
                var generator = SplitMix(seed: 20_261_201)
                let count = tenders
                let kinds = (0..<count).map { _ in Int(generator.next() % UInt64(titles.count)) }
                for batch in stride(from: 0, to: count, by: 1000) {
                    try await store.write { tx in
                        for index in batch..<min(batch + 1000, count) {
                            var spec = base
                            spec.id = String(format: "BENCH-%06d", index)
                            let kind = kinds[index]
                            spec.title = "福州市\(["鼓楼区", "台江区", "仓山区", "晋安区", "马尾区"][index % 5])\(titles[kind])（第\(index % 97 + 1)批）"
                            spec.category = kind >= 3 && kind <= 4 ? .goods : kind >= 5 && kind <= 6 ? .services : .works
                            let published = now.addingTimeInterval(-Double(count - index) / Double(count) * 730 * 86_400)
                            let deadline = index % 5 == 0 ? now.addingTimeInterval(Double(index % 20 + 1) * 86_400) : published.addingTimeInterval(21 * 86_400)
                            spec.bidDeadline = deadline
                            try tx.insertTender(BidDomain.Tender(spec: spec, status: .draft, owner: "agency-01", tendererParty: "tenderer-01", agencyParty: "agency-01",
                                                       profile: profile, deadline: deadline, createdAt: published, publishedAt: nil))
                            _ = try tx.publishTender(id: spec.id, at: published)
                            // Past its deadline: opened at the deadline and failed (流标), as a finished tender.
                            if deadline < now {
                                try tx.saveOpening(BidDomain.Opening(tenderId: spec.id, status: .failed, startedAt: deadline, startedBy: "agency-01", windowEndsAt: deadline,
                                                           completedAt: deadline, confirmationEndsAt: nil))
                                try tx.setTenderStatus(spec.id, .failed)
                            }
                            try tx.appendLedger(try LedgerEntry(actor: actor, action: "tender.publish", object: "tenders/\(spec.id)", tenderId: spec.id,
                                                                json: ["deadline": ISO8601DateFormatter().string(from: deadline)]), at: published)
                        }
                    }
                }
                print(String(format: "BENCH-%06d", count - 1))
            }
        }
    }
}
