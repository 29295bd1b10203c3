import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// `ebid party`: the party registry, kept by the centre's administrators.
struct PartyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "party",
        abstract: "The party registry: register, list, suspend and restore parties and their certificates (administrators); every change is in the ledger.",
        discussion: """
        A party is an organisation (by unified social credit code) or a person (by person id) with
        roles: tenderer, agency, bidder, official, expert, supervisor, admin. It logs in with a
        registered certificate, or with one whose subject serialNumber is its code. The party record
        is described in docs/http-api.md.

          party add --file party.json --certificate party.crt.pem     a new party
          party update --file party.json                              change its record (status kept)
          party show ID            party list [--role R] [--status S]
          party suspend --id ID --reason "…"     party restore --id ID --reason "…"
          party cert add --id ID --certificate new.crt.pem
          party cert retire --id ID --fingerprint FP --reason "…"
          party import parties.json              the initial load, all or nothing
          party register …                        a company registers itself as a bidder (no login)
          party approve --id ID                   an administrator approves it
        """,
        subcommands: [PartyAdd.self, PartyUpdate.self, PartyShow.self, PartyList.self, PartySuspend.self, PartyRestore.self,
                      PartyApprove.self, PartyCertificate.self, PartyImport.self, PartyRegister.self]
    )
}

/// A party record as the registry commands print it.
func printParty(_ state: RegistryState, json: Bool, heading: String? = nil) throws {
    if json { return try printJSON(state) }
    if let heading { print(heading) }
    let record = state.record
    var rows: [(String, String)] = [
        ("party", "\(record.name) (\(record.id))"),
        ("kind", record.kind.rawValue),
        ("roles", record.roles.map(\.rawValue).joined(separator: ", ")),
        ("status", state.status.rawValue + (state.statusReason.map { ": \($0)" } ?? "")),
    ]
    if let code = record.creditCode { rows.append(("credit code", code)) }
    if let person = record.personId { rows.append(("person id", person)) }
    if let representative = record.legalRepresentative { rows.append(("legal representative", representative)) }
    if let organization = record.organization { rows.append(("organisation", organization)) }
    for certificate in state.certificates {
        let retired = certificate.retiredAt.map { ", retired \(displayTime($0))\(certificate.retiredReason.map { ": \($0)" } ?? "")" } ?? ""
        rows.append(("certificate", "\(certificate.fingerprint) \(certificate.keyType), until \(displayTime(certificate.notAfter))\(retired)"))
    }
    printTable(rows)
}

/// Reads PEM certificates from files (PEM or DER), for the registry's JSON bodies.
func certificatePEMs(_ paths: [String]) throws -> [String] {
    try paths.map { path in
        do { return try Certificate(file: path).pem } catch { throw CLIError("cannot read the certificate \(path)") }
    }
}
