import BidCore
import Foundation

/// Tenders: drafts, publication, documents, amendments, opening keys, and the portal's queries.
public protocol TenderTransaction {
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
}
