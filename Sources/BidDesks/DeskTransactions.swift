import BidDomain

// What the desks' shared helpers read and write, composed from the aggregates' store protocols
// (BidDomain/Store). A helper takes its desk's composition, not the whole `StoreTransaction`, so
// the compiler holds it to the aggregates named here (each list is the least that compiles); the
// backends implement every aggregate. `LedgerAudit` alone takes the whole store: it checks every
// aggregate against the ledger. Transaction bodies (`store.write { tx in … }`) still receive the
// whole transaction.

/// The party registry (PartyRegistry): parties, their registry state, the ledger.
public typealias RegistryDeskTransaction = RegistryTransaction & PartyTransaction & LedgerTransaction

/// The credit register (CreditRegister): records, chains, leads and the parties they name.
public typealias CreditDeskTransaction = CreditTransaction & PartyTransaction & LedgerTransaction

/// Key ceremonies (Shareholders): a share's holder and whether its certificate is retired.
public typealias CeremonyDeskTransaction = CeremonyTransaction & PartyTransaction & RegistryTransaction & LedgerTransaction

/// The opening (OpeningRoom): its rows, the bidders, and the credit lead a failed decryption raises.
public typealias OpeningDeskTransaction = OpeningTransaction & PartyTransaction & CreditTransaction & LedgerTransaction

/// Sealed evaluation (EvaluationRoom, ExpertRegistry, EvaluationIntegrity): the opened bids it
/// scores, the tender, the experts and the credit bars that keep some of them out.
public typealias EvaluationDeskTransaction = EvaluationTransaction & OpeningTransaction & PartyTransaction & TenderTransaction
    & CreditTransaction & LedgerTransaction

/// E-supervision and the supervisors' views (Supervision, ESupervision).
public typealias SupervisionDeskTransaction = SupervisionTransaction & TenderTransaction & PartyTransaction & EvaluationTransaction
    & LedgerTransaction
