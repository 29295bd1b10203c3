@testable import BidCore
@testable import BidDesks
@testable import BidDomain
@testable import BidService
import Foundation
import Testing
import TestSupport

/// A published tender with bids in, and the steps of its opening driven through the desks.
struct OpeningSetup {
    let fixture: ServiceFixture
    let spec: TenderSpec
    let keys: [OpeningKeyFile]
    var receipts: [String: Receipt] = [:]

    var id: String { spec.id }
    var deadline: Date { spec.bidDeadline! }
    var room: OpeningRoom { OpeningRoom(fixture.environment) }

    /// Publishes a tender (GM suite) and has each bidder upload a bid built from the seeds.
    init(_ fixture: ServiceFixture, id: String, policy: DecryptionPolicy, bidders: [String], threshold: Int = 2,
         overrides: [String: BidSealer.Overrides] = [:], documents: [(name: String, bytes: [UInt8])] = [],
         extraParts: [String: [BidSealer.PartInput]] = [:], configure: (inout TenderSpec) -> Void = { _ in }) async throws {
        self.fixture = fixture
        var spec = try fixture.spec(id: id, policy: policy)
        configure(&spec)
        (self.spec, keys) = try await fixture.publishTender(spec, threshold: threshold, documents: documents)
        for bidder in bidders {
            let bytes = try fixture.seal(bidder: bidder, tender: self.spec, openingKey: keys[0], overrides: overrides[bidder] ?? .init(),
                                         extraParts: extraParts[bidder] ?? [])
            receipts[bidder] = try await fixture.submit(bytes, tender: id, as: bidder).receipt
        }
    }

    func passDeadline(by seconds: TimeInterval = 60) {
        fixture.clock.advance(by: deadline.timeIntervalSince(fixture.clock.now()) + seconds)
    }

    @discardableResult
    func start(as host: String = "agency-01", role: PartyRole = .agency) async throws -> OpeningView {
        let view = try await room.start(tender: id, by: try await fixture.identity(host), role: role, address: "10.0.0.1")
        await room.settle(id)
        return view
    }

    /// What `ebid bid decrypt` does on the bidder's machine: fetch its own header, unwrap the key.
    func contentKey(of bidder: String) async throws -> [UInt8] {
        let view = try await room.sealedHeader(tender: id, by: try await fixture.identity(bidder))
        return try SealedBidOpener.unwrapContentKey(header: view.header, with: try ServiceFixture.key(bidder))
    }

    @discardableResult
    func decrypt(_ bidder: String, key: [UInt8]? = nil, address: String? = nil) async throws -> OpeningBidView {
        var contentKey = key ?? []
        if key == nil { contentKey = try await self.contentKey(of: bidder) }
        let view = try await room.decrypt(tender: id, contentKey: contentKey, by: try await fixture.identity(bidder), address: address ?? "192.0.2.\(bidder.suffix(2))")
        await room.settle(id)
        return view
    }

    /// What `ebid opening share` does on the official's machine: decrypt its share there, compute
    /// a partial decryption with its proof for every bid waiting, and hand in only those.
    @discardableResult
    func share(_ official: String, key: OpeningKeyFile? = nil) async throws -> OpeningRoom.PartialsReceipt {
        let input = try await partials(official, key: key)
        let receipt = try await room.submitPartials(tender: id, input, by: try await fixture.identity(official), address: "10.0.1.\(official.suffix(2))")
        await room.settle(id)
        return receipt
    }

    /// An official's partial decryptions for the bids the committee is asked to open (not sent).
    func partials(_ official: String, key: OpeningKeyFile? = nil) async throws -> OpeningRoom.PartialsInput {
        let file = key ?? keys[0]
        let folder = file.suite == .gm ? "gm" : "nist"
        let certificate = try ServiceFixture.certificate(official, suite: folder)
        var share = try file.share(officialKey: try ServiceFixture.key(official, suite: folder), officialCertificate: certificate)
        defer { share.value.wipe() }
        var items: [OpeningRoom.PartialsInput.Item] = []
        if let request = try? await room.committeeRequests(tender: id, by: try await fixture.identity(official)).first(where: { $0.keyId == file.keyId }) {
            for bid in request.bids {
                let header = try SealedBidHeader.verifySigned([UInt8](Data(base64Encoded: bid.signedHeader)!), trust: fixture.environment.trust, at: bid.receivedAt)
                items.append(.init(bidId: bid.bidId, partial: try CommitteeOpening.partial(for: header, key: file, share: share.value, index: share.index)))
            }
        } else {
            // Before the opening (or for a refused caller): partials for the stored bids, as an
            // official who got hold of the headers some other way would make them.
            for bid in try await fixture.store.read({ try $0.bids(tender: id, status: .active) }) where bid.suite == file.suite {
                let header = try SealedBidHeader.peek(file: fixture.store.blobs.path(bid.blob))
                items.append(.init(bidId: bid.id, partial: try CommitteeOpening.partial(for: header, key: file, share: share.value, index: share.index)))
            }
        }
        return OpeningRoom.PartialsInput(keyId: file.keyId, index: share.index, partials: items)
    }

    /// Moves the clock past the decryption window and lets the opening move on.
    func passWindow() async throws {
        let opening = try #require(try await fixture.store.read { try $0.opening(tender: id) })
        fixture.clock.advance(by: opening.windowEndsAt.timeIntervalSince(fixture.clock.now()) + 1)
        try await room.advanceIfDue(id)
        await room.settle(id)
    }

    func state(_ bidder: String) async throws -> OpeningBid {
        try #require(try await fixture.store.read { try $0.openingBids(tender: id) }.first { $0.bidderParty == bidder })
    }

    func record() async throws -> (OpeningRecord, SignedDocument) {
        try await room.record(tender: id)
    }

    func ledger(action: String) async throws -> [LedgerEvent] {
        try await fixture.store.read { try $0.ledgerEvents(after: 0, limit: 100_000) }.filter { $0.action == action && $0.tenderId == id }
    }
}
