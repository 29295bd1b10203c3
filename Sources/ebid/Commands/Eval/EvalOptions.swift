import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// --server, --cert, --key and --tender for the sealed room's commands.
struct EvalOptions: ParsableArguments {
    @OptionGroup var client: ClientOptions

    @Option(help: "Tender id.")
    var tender: String

    /// Logs in; returns the client, the caller's party id and its private key (it signs statements here).
    func login() async throws -> (client: EBidClient, party: String, key: PrivateKey) {
        let (certificate, key) = try loadIdentity(certificate: client.cert, key: client.key)
        let api = try EBidClient(server: client.server)
        let session = try await api.login(certificate: certificate, key: key)
        return (api, session.party.id, key)
    }

    var path: String { EvalWork.tenderPath(tender) }
}

extension ScoringRound: ExpressibleByArgument {}
