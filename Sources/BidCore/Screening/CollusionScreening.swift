import Foundation

/// What the screening knows about one opened bid (from its manifest, its receipt and the opening).
public struct BidFacts: Sendable, Equatable, Codable {
    public var bidId: String
    /// Party id and name of the bidder.
    public var bidder: String
    public var bidderName: String
    public var machineFingerprint: String?
    /// Suite-hash digests of the bid's parts.
    public var partDigests: [String]
    public var uploadAddress: String?
    public var decryptionAddress: String?
    public var receivedAt: Date
    /// 投标报价, yuan decimal string.
    public var price: String?
    public var projectManager: String?
    public var bidSecurityAccount: String?
    /// The bidder's legal representative (from the parties registry).
    public var legalRepresentative: String?

    public init(bidId: String, bidder: String, bidderName: String, machineFingerprint: String? = nil, partDigests: [String] = [],
                uploadAddress: String? = nil, decryptionAddress: String? = nil, receivedAt: Date, price: String? = nil,
                projectManager: String? = nil, bidSecurityAccount: String? = nil, legalRepresentative: String? = nil) {
        self.bidId = bidId
        self.bidder = bidder
        self.bidderName = bidderName
        self.machineFingerprint = machineFingerprint
        self.partDigests = partDigests
        self.uploadAddress = uploadAddress
        self.decryptionAddress = decryptionAddress
        self.receivedAt = receivedAt
        self.price = price
        self.projectManager = projectManager
        self.bidSecurityAccount = bidSecurityAccount
        self.legalRepresentative = legalRepresentative
    }
}

/// Kinds of collusion signal (串通投标, Reg. art. 40: circumstances deemed collusion).
public enum CollusionSignalKind: String, Sendable, Codable, CaseIterable {
    /// Bids authored on the same machine (Reg. art. 40(1): prepared by the same unit or person).
    case sameMachine = "same-machine"
    /// Byte-identical bid documents from different bidders (Reg. art. 40(4): abnormally identical).
    case identicalDocuments = "identical-documents"
    /// Uploaded, or decrypted, from the same network address.
    case sameUploadAddress = "same-upload-address"
    case sameDecryptionAddress = "same-decryption-address"
    /// Uploads clustered within a short interval.
    case clusteredUploads = "clustered-uploads"
    /// Prices in a regular pattern: constant differences or constant ratios across 3+ bids (Reg. art. 40(4)).
    case priceConstantDifference = "price-constant-difference"
    case priceConstantRatio = "price-constant-ratio"
    /// The same project manager named by different bidders (Reg. art. 40(2): same agent or contact).
    case sameProjectManager = "same-project-manager"
    /// Bid security paid from the same account (Reg. art. 40(5)).
    case sameBidSecurityAccount = "same-bid-security-account"
    /// Bidders under the same legal representative may not bid on the same section (Reg. art. 34).
    case sameLegalRepresentative = "same-legal-representative"
}

/// A signal: a kind, the bids and bidders it concerns, and the evidence that raised it. A signal
/// is for the committee and the supervisor to weigh — never an automatic rejection.
public struct CollusionSignal: Sendable, Equatable, Codable {
    public var kind: CollusionSignalKind
    public var bidIds: [String]
    public var bidders: [String]
    public var evidence: String
    /// RULES.md reference.
    public var legalBasis: String
}

/// Collusion indicators (RULES.md, "Collusion signals") as pure functions over bid facts.
public enum CollusionScreening {
    public struct Parameters: Sendable {
        /// Uploads by different bidders closer than this are "clustered".
        public var clusterInterval: TimeInterval = 10
        /// A cluster needs at least this many bidders.
        public var clusterSize = 3
        public init() {}
    }

    public static func signals(_ facts: [BidFacts], parameters: Parameters = Parameters()) -> [CollusionSignal] {
        var signals: [CollusionSignal] = []
        func sameValue(_ kind: CollusionSignalKind, _ describe: String, _ basis: String, _ value: (BidFacts) -> [String]) {
            var groups: [String: [BidFacts]] = [:]
            for fact in facts {
                for item in Set(value(fact)) where !item.isEmpty { groups[item, default: []].append(fact) }
            }
            for (item, members) in groups.sorted(by: { $0.key < $1.key }) where Set(members.map(\.bidder)).count >= 2 {
                signals.append(signal(kind, members, "\(describe) \(item)", basis))
            }
        }
        sameValue(.sameMachine, "the same authoring machine fingerprint", "Reg. art. 40(1)") { $0.machineFingerprint.map { [$0] } ?? [] }
        sameValue(.identicalDocuments, "an identical bid document, digest", "Reg. art. 40(4)") { $0.partDigests }
        sameValue(.sameUploadAddress, "uploads from the same address", "Reg. art. 40; practice") { $0.uploadAddress.map { [$0] } ?? [] }
        sameValue(.sameDecryptionAddress, "decryption from the same address", "Reg. art. 40; practice") { $0.decryptionAddress.map { [$0] } ?? [] }
        sameValue(.sameProjectManager, "the same project manager", "Reg. art. 40(2)") { $0.projectManager.map { [normalise($0)] } ?? [] }
        sameValue(.sameBidSecurityAccount, "bid security from the same account", "Reg. art. 40(5)") { $0.bidSecurityAccount.map { [normaliseAccount($0)] } ?? [] }
        sameValue(.sameLegalRepresentative, "the same legal representative", "Reg. art. 34") { $0.legalRepresentative.map { [normalise($0)] } ?? [] }
        signals += clusteredUploads(facts, parameters)
        signals += pricePatterns(facts)
        return signals
    }

    private static func signal(_ kind: CollusionSignalKind, _ members: [BidFacts], _ evidence: String, _ basis: String) -> CollusionSignal {
        let sorted = members.sorted { $0.bidder < $1.bidder }
        return CollusionSignal(kind: kind, bidIds: sorted.map(\.bidId), bidders: sorted.map(\.bidderName), evidence: evidence, legalBasis: basis)
    }

    private static func normalise(_ text: String) -> String {
        text.filter { !$0.isWhitespace }.lowercased()
    }

    private static func normaliseAccount(_ text: String) -> String {
        text.filter { $0.isLetter || $0.isNumber }.uppercased()
    }

    /// Runs of uploads by at least `clusterSize` different bidders, each within `clusterInterval` of the next.
    static func clusteredUploads(_ facts: [BidFacts], _ parameters: Parameters) -> [CollusionSignal] {
        let sorted = facts.sorted { $0.receivedAt < $1.receivedAt }
        var signals: [CollusionSignal] = []
        var run: [BidFacts] = []
        func flush() {
            if Set(run.map(\.bidder)).count >= parameters.clusterSize, let first = run.first, let last = run.last {
                let span = last.receivedAt.timeIntervalSince(first.receivedAt)
                signals.append(signal(.clusteredUploads, run, "\(run.count) uploads within \(String(format: "%.1f", span)) s, each less than \(Int(parameters.clusterInterval)) s after the previous",
                                      "Reg. art. 40; practice"))
            }
        }
        for fact in sorted {
            if let last = run.last, fact.receivedAt.timeIntervalSince(last.receivedAt) > parameters.clusterInterval {
                flush()
                run = []
            }
            run.append(fact)
        }
        flush()
        return signals
    }

    /// Prices forming an arithmetic or geometric progression across 3 or more bids (exact decimals;
    /// ratios compared by cross-multiplication). Each maximal progression is one signal.
    static func pricePatterns(_ facts: [BidFacts]) -> [CollusionSignal] {
        let priced = facts.compactMap { fact in ExactDecimal.price(fact.price).map { (fact, $0) } }.sorted { $0.1 < $1.1 }
        guard priced.count >= 3 else { return [] }
        var signals: [CollusionSignal] = []
        var reported: [(CollusionSignalKind, Set<String>)] = []
        for i in 0..<priced.count {
            for j in (i + 1)..<priced.count {
                let step = priced[j].1 - priced[i].1
                guard step > .zero else { continue }
                // Extend greedily: the longest arithmetic progression starting with (i, j).
                var arithmetic = [priced[i], priced[j]]
                var geometric = [priced[i], priced[j]]
                for k in (j + 1)..<priced.count {
                    if priced[k].1 - arithmetic.last!.1 == step { arithmetic.append(priced[k]) }
                    let a = geometric[geometric.count - 2].1, b = geometric[geometric.count - 1].1, c = priced[k].1
                    if a > .zero, b * b == a * c { geometric.append(priced[k]) }
                }
                for (kind, run) in [(CollusionSignalKind.priceConstantDifference, arithmetic), (.priceConstantRatio, geometric)] where run.count >= 3 {
                    let ids = Set(run.map(\.0.bidId))
                    guard Set(run.map(\.0.bidder)).count == run.count,
                          !reported.contains(where: { $0.0 == kind && ids.isSubset(of: $0.1) }) else { continue }
                    reported.append((kind, ids))
                    let prices = run.map(\.0.price!).joined(separator: ", ")
                    let evidence = kind == .priceConstantDifference
                        ? "prices \(prices) step by \(step.rounded(places: 2)) yuan each"
                        : "prices \(prices) rise by the same ratio \(run[1].1.rounded(places: 2)) / \(run[0].1.rounded(places: 2))"
                    signals.append(signal(kind, run.map(\.0), evidence, "Reg. art. 40(4)"))
                }
            }
        }
        // Drop runs contained in a longer run of the same kind.
        return signals.filter { candidate in
            !signals.contains { other in
                other.kind == candidate.kind && other.bidIds.count > candidate.bidIds.count && Set(candidate.bidIds).isSubset(of: Set(other.bidIds))
            }
        }
    }
}
