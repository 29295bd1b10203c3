import BidCore
import BidDomain
import Foundation

/// A data directory keeps the profile it was created with. The demo profile shortens every period
/// and lets an administrator move the clock; a statutory tender restarted on its own data
/// directory with `--profile demo` could otherwise be opened before its deadline (the opening is at
/// the deadline, Law art. 34; nobody decrypts a bid before it, Reg. art. 41(1)).
///
/// The profile is recorded once, when the service first starts on the directory, as the ledger
/// event `service.profile` with object `profile/<name>`: hash-chained and covered by the signed
/// checkpoints, so editing it is caught by the audit (`altered`, or by archived checkpoints after a
/// re-chain). At every start the recorded profile must be the configured one, its event must be
/// intact, and every tender must have been created under it; otherwise the start is refused
/// (`config.profile-mismatch`). An older directory without the event takes the profile its
/// tenders were created under (a demo-clock offset marks a demo directory), then records it.
public enum DirectoryProfile {
    public static let action = "service.profile"

    /// The profile recorded in the ledger, nil when none is.
    public static func recorded(_ tx: any TenderTransaction & SettingsTransaction & LedgerTransaction) throws -> (profile: PolicyProfile, event: LedgerEvent)? {
        guard let event = try tx.ledgerEvents(LedgerQuery(action: action, limit: 1)).first else { return nil }
        guard event.object.hasPrefix("profile/"), let profile = PolicyProfile(rawValue: String(event.object.dropFirst("profile/".count))) else {
            throw refusal("the data directory's recorded profile (\(event.object), ledger event \(event.seq)) is not a profile")
        }
        return (profile, event)
    }

    /// Checks the configured profile against the directory's, recording it the first time.
    public static func establish(_ tx: any TenderTransaction & SettingsTransaction & LedgerTransaction, configured: PolicyProfile, actor: Actor, at time: Date) throws {
        let tenders = Set(try tx.tenderProfiles().map { PolicyProfile(rawValue: $0) ?? .statutory })
        if let (recorded, event) = try recorded(tx) {
            // Its own hash and both its links: rewriting it means rewriting the chain after it,
            // which the checkpoints and receipts kept outside the platform give away.
            let before = event.seq > 1 ? try tx.ledgerEvent(seq: event.seq - 1) : nil
            let after = try tx.ledgerEvent(seq: event.seq + 1)
            guard event.recomputedHash == event.hash, event.previousHash == (before?.hash ?? Ledger.genesisHash),
                  after.map({ $0.previousHash == event.hash }) ?? true else {
                throw refusal("the data directory's profile record (ledger event \(event.seq)) was altered; run `ebid audit verify`")
            }
            guard recorded == configured else { throw mismatch(recorded: recorded, configured: configured) }
            if let other = tenders.first(where: { $0 != recorded }) {
                throw refusal("the data directory was created for the \(recorded.rawValue) profile but holds tenders created under \(other.rawValue); run `ebid audit verify`")
            }
            return
        }
        guard tenders.count <= 1 else {
            throw refusal("the data directory holds tenders created under several profiles (\(tenders.map(\.rawValue).sorted().joined(separator: ", "))); it cannot be started")
        }
        let demoClock = !(try tx.meta(prefix: "demo-clock-offset").isEmpty)
        let inferred = tenders.first ?? (demoClock ? .demo : nil)
        if let inferred, inferred != configured { throw mismatch(recorded: inferred, configured: configured) }
        try tx.appendLedger(LedgerEntry(actor: actor, action: action, object: "profile/\(configured.rawValue)", payload: []), at: time)
    }

    package static func mismatch(recorded: PolicyProfile, configured: PolicyProfile) -> ServiceError {
        refusal("the data directory was created for the \(recorded.rawValue) profile and cannot be started with --profile \(configured.rawValue)"
                + (recorded == .demo ? " (a demo directory stays a demo: start a new --data for real tenders)"
                                     : " (its tenders keep the law's periods; a demo needs its own --data)"))
    }

    package static func refusal(_ detail: String) -> ServiceError {
        ServiceError(status: 500, code: "config.profile-mismatch", title: "Configuration error", detail: detail)
    }
}
