import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

/// A client for --server, logged in when --cert (with --key) is given; anonymous otherwise.
func loggedInIfGiven(server: String, cert: String?, key: String?) async throws -> EBidClient {
    let api = try EBidClient(server: server)
    if let cert {
        guard let key else { throw CLIError("--cert needs --key") }
        let (certificate, privateKey) = try loadIdentity(certificate: cert, key: key)
        try await api.login(certificate: certificate, key: privateKey)
    }
    return api
}
