import BidCore
import Foundation

/// The credit register: signed records, the chains derived from them, subject pages, leads.
public protocol CreditTransaction {
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
}
