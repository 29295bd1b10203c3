import BidCore
import Foundation

/// The storage the desks use, chosen at wiring time: `SQLiteStore` in a data directory is the
/// embedded default, `PostgresStore` (with blobs on a shared volume) serves several instances.
///
/// Bodies run synchronously inside one transaction and must not await; everything slow (crypto,
/// blob writes) happens before, outside the transaction. Write transactions are serial — SQLite has
/// one writer, PostgreSQL's take one advisory lock first — so a desk's checks and the ledger append
/// that follows them see every committed write.
public protocol ServiceStore: Sendable {
    var blobs: BlobStore { get }
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T
    /// Synchronous forms, for start-up and tools that run without the server (audits, seeding).
    func readNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    @discardableResult func writeNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
}

/// What a transaction can do. State changes that matter append their ledger event through
/// `appendLedger` in the same transaction.
public protocol StoreTransaction: RegistryTransaction, CeremonyTransaction, EvaluationTransaction, SupervisionTransaction {
    // Parties and certificates
    func party(id: String) throws -> Party?
    func party(reference: String) throws -> Party?
    func party(certificateFingerprint: String) throws -> Party?
    func party(subjectCode: String) throws -> Party?
    func parties(role: PartyRole) throws -> [Party]
    func certificates(party: String) throws -> [Certificate]
    func certificate(fingerprint: String) throws -> Certificate?
    func sessionCertificates(at time: Date) throws -> [Certificate]
    /// Every registered certificate (the CRL distribution points are read from them).
    func registeredCertificates() throws -> [Certificate]
    func endSessions(certificateFingerprint: String, at time: Date) throws -> Int
    func upsertParty(_ record: PartyRecord, certificates: [Certificate], at time: Date, status: PartyStatus) throws
    func addCertificate(_ certificate: Certificate, party: String, at time: Date) throws

    // Login
    func insertChallenge(id: String, nonce: String, certificate: Certificate, at time: Date, expiresAt: Date) throws
    func consumeChallenge(id: String, at time: Date) throws -> (nonce: String, certificate: Certificate)?
    func insertToken(hash: String, party: String, certificateFingerprint: String, issuedAt: Date, expiresAt: Date, address: String) throws
    func token(hash: String) throws -> (party: String, certificateFingerprint: String, expiresAt: Date)?
    func purgeExpired(before time: Date) throws

    // Tenders
    func tender(id: String) throws -> Tender?
    func tenders(status: TenderStatus) throws -> [Tender]
    /// The profiles tenders were created under (normally one: the data directory's).
    func tenderProfiles() throws -> Set<String>
    func insertTender(_ tender: Tender) throws
    func publishTender(id: String, at time: Date) throws -> Bool
    func setDeadline(tender id: String, to deadline: Date) throws
    func updateDraft(_ spec: TenderSpec, tenderer: String, agency: String?, deadline: Date) throws -> Bool
    func deleteDraft(id: String) throws -> Bool
    func deleteDraftAmendment(tender id: String, number: Int) throws
    func insertOpeningKey(tender id: String, key: TenderOpeningKey) throws
    func openingKeys(tender id: String) throws -> [TenderOpeningKey]
    func insertDocument(tender id: String, _ document: TenderDocument) throws
    func documents(tender id: String) throws -> [TenderDocument]
    func document(tender id: String, name: String) throws -> TenderDocument?
    func insertAmendment(tender id: String, _ amendment: Amendment) throws
    func amendments(tender id: String) throws -> [Amendment]
    func publishAmendment(tender id: String, number: Int, previousDeadline: Date, newDeadline: Date?, at time: Date) throws -> Bool

    func publicTenders() throws -> [Tender]
    /// A page of the portal's tender list and the number of matches (PublicTenderQuery).
    func publicTenderPage(_ query: PublicTenderQuery, now: Date) throws -> (total: Int, rows: [PublicTenderRow])
    /// Tenders published per month, Beijing time (`yyyy-MM`), oldest first.
    func publishedPerMonth() throws -> [(month: String, count: Int)]
    /// The portal's home page: tenders taking bids (nearest deadline first), recent opening
    /// records, recent results.
    func tendersTakingBids(now: Date, limit: Int) throws -> [Tender]
    func recentlyOpened(limit: Int) throws -> [Tender]
    func recentResults(limit: Int) throws -> [PublicTenderRow]
    func setTenderStatus(_ id: String, _ status: TenderStatus) throws

    // The opening
    func opening(tender id: String) throws -> Opening?
    func openings(status: OpeningStatus) throws -> [Opening]
    func saveOpening(_ opening: Opening) throws
    func setOpeningRecord(tender id: String, _ signed: SignedDocument) throws
    func openingRecord(tender id: String) throws -> SignedDocument?
    /// Bids at the deadline of each tender whose opening record is published (public figures).
    func openedBidCounts() throws -> [(tender: String, bids: Int)]
    func saveOpeningBid(_ bid: OpeningBid, tender id: String, manifest: (bytes: [UInt8], signature: [UInt8])?) throws
    func openingBids(tender id: String) throws -> [OpeningBid]
    func openedManifest(bid id: String) throws -> [UInt8]?
    func insertOpenedPart(bid id: String, position: Int, kind: String, name: String, size: Int64, digest: String, blob: String) throws
    func openedParts(bid id: String) throws -> [OpenedPart]
    func openingBid(tender id: String, bid: String) throws -> OpeningBid?
    func insertPartial(_ partial: PartialDecryption, bid: String, tender id: String, suite: Suite, party: String, certificateFingerprint: String,
                       at time: Date, address: String) throws -> Bool
    func partials(bid id: String) throws -> [PartialDecryption]
    func partialIndices(tender id: String) throws -> [Suite: [Int]]
    func insertObjection(tender id: String, _ objection: Objection) throws
    func answerObjection(tender id: String, number: Int, answer: String, by party: String, at time: Date) throws -> Bool
    func objections(tender id: String) throws -> [Objection]
    func confirm(tender id: String, party: String, at time: Date) throws -> Bool
    func confirmations(tender id: String) throws -> [(party: String, at: Date)]
    func setSignals(tender id: String, _ signals: [CollusionSignal]) throws
    func signals(tender id: String) throws -> [CollusionSignal]

    // Bids and receipts
    func activeBid(tender id: String, party: String) throws -> BidRecord?
    func bids(tender id: String, party: String) throws -> [BidRecord]
    func bids(tender id: String, status: BidStatus) throws -> [BidRecord]
    func bid(id: String) throws -> BidRecord?
    func allBids() throws -> [BidRecord]
    func insertBid(_ bid: BidRecord) throws
    func supersede(bid id: String, as status: BidStatus, at time: Date) throws
    func insertReceipt(id: String, kind: ReceiptKind, tender: String, party: String, bid: String?, ledgerSeq: Int64, issuedAt: Date,
                       signed: SignedDocument) throws
    func receipts(tender id: String, party: String) throws -> [SignedDocument]
    func receipt(id: String) throws -> SignedDocument?
    func allReceipts() throws -> [(ledgerSeq: Int64, signed: SignedDocument)]

    // Credit records, their chains, leads
    func insertCreditRecord(_ record: CreditRecord, signed: SignedDocument) throws
    func creditRecords(subject code: String) throws -> [CreditRecord]
    func creditRecords(chain id: String) throws -> [CreditRecord]
    func creditRecordExists(id: String) throws -> Bool
    func signedCreditRecord(id: String) throws -> SignedDocument?
    /// Every signed record in id order, a page at a time (the audit).
    func signedCreditRecords(after id: String, limit: Int) throws -> [(id: String, signed: SignedDocument)]
    /// The subjects whose public page is kept ready (the audit).
    func creditSubjectPageCodes() throws -> [String]
    @discardableResult func saveCreditChain(_ chain: CreditChain) throws -> String?
    func creditPageRows(subject code: String) throws -> [CreditPageRow]
    func setCreditSubjectPageSource(subject code: String, _ source: [UInt8]?) throws
    func creditDecisions(subject code: String) throws -> [CreditDecisionState]
    func creditSubjectPageSource(subject code: String) throws -> [UInt8]?
    func creditDecisions(_ query: CreditChainQuery) throws -> [CreditDecisionState]
    func creditChainsMissing() throws -> [String]
    func insertCreditLead(_ lead: CreditLead) throws
    func creditLeads(status: CreditLeadStatus?, tender: String?, limit: Int) throws -> [CreditLead]
    func creditLead(id: String) throws -> CreditLead?
    func resolveCreditLead(id: String, status: CreditLeadStatus, by party: String, at time: Date, resolution: String?, record: String?) throws -> Bool

    // Settings the service keeps for itself (platform certificates, the demo clock's offset)
    func setMeta(_ key: String, _ value: String) throws
    func meta(prefix: String) throws -> [(key: String, value: String)]

    // Ledger
    func ledgerHead() throws -> LedgerEvent?
    @discardableResult func appendLedger(_ entry: LedgerEntry, at: Date) throws -> LedgerEvent
    func ledgerEvent(seq: Int64) throws -> LedgerEvent?
    func ledgerEvents(after: Int64, limit: Int) throws -> [LedgerEvent]
    func ledgerEvents(_ query: LedgerQuery) throws -> [LedgerEvent]
    func forEachLedgerRow(_ query: LedgerQuery, _ body: (LedgerRow) throws -> Void) throws
    func ledgerSeq(hash: String) throws -> Int64?
    func checkpoint(covering seq: Int64) throws -> LedgerCheckpoint?
    func insertCheckpoint(_ checkpoint: LedgerCheckpoint) throws
    func checkpoints(after number: Int64, limit: Int) throws -> [LedgerCheckpoint]
    func lastCheckpoint() throws -> LedgerCheckpoint?
}

extension SQLTransaction: StoreTransaction {}

extension SQLiteStore: ServiceStore {
    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await database.read { try body($0) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await database.write { try body($0) }
    }

    public func readNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try database.readNow { try body($0) }
    }

    @discardableResult
    public func writeNow<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try database.writeNow { try body($0) }
    }
}
