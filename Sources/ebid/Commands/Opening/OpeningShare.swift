import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Opening {
    struct Share: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decrypt your part of the waiting bids here and hand in partial decryptions with proofs (opening officials).",
            discussion: """
            Your share of the tender's opening key is decrypted on this machine (from the encrypted
            shares in the tender's opening key file) and never leaves it. For each bid the committee
            must open, this computes sᵢ·E for that bid's wrapped key with a proof that your
            verification key hides the same sᵢ, and sends only those. Each bid's header is checked
            first: it must be signed by its bidder (with --trust: a bidder certified by that CA) and
            sealed for this tender. Refused before the deadline and from anyone but the shareholder.
            """
        )

        @OptionGroup var client: ClientOptions

        @Option(help: "Tender id.")
        var tender: String

        @OptionGroup var trust: TrustOptions

        func run() async throws {
            try await reportingErrors {
                let (certificate, privateKey) = try loadIdentity(certificate: client.cert, key: client.key)
                let store = trust.trustFiles.isEmpty ? nil : try trust.makeTrustStore()
                let api = try EBidClient(server: client.server)
                let path = "/v1/tenders/\(EBidClient.pathComponent(tender))"
                let files: [OpeningKeyFile] = try await api.get("\(path)/opening-keys")
                let mine = files.filter { $0.official(for: certificate) != nil }
                guard !mine.isEmpty else { throw CLIError("\(certificate.subject) holds no share of tender \(tender)'s opening key") }
                try await api.login(certificate: certificate, key: privateKey)
                let requests: [OpeningRoom.CommitteeRequest] = try await api.get("\(path)/opening/committee")
                for request in requests {
                    guard let file = mine.first(where: { $0.keyId == request.keyId }) else {
                        printError("note: share \(request.index) of the \(request.suite.rawValue) opening key is held by another of your certificates; run this again with it")
                        continue
                    }
                    let started = Date()
                    let partials = try CommitteeWork.partials(for: request, key: file, tender: tender, certificate: certificate, privateKey: privateKey, trust: store)
                    let computed = Date().timeIntervalSince(started)
                    guard !partials.isEmpty else {
                        print("no \(file.suite.rawValue) bid is waiting for the committee")
                        continue
                    }
                    var receipt: OpeningRoom.PartialsReceipt?
                    for batch in stride(from: 0, to: partials.count, by: 500).map({ Array(partials[$0..<min($0 + 500, partials.count)]) }) {
                        receipt = try await api.send("POST", "\(path)/opening/partials",
                                                     json: OpeningRoom.PartialsInput(keyId: file.keyId, index: request.index, partials: batch))
                    }
                    if let receipt {
                        print("share \(receipt.index) of the \(receipt.suite.rawValue) opening key: \(partials.count) partial decryption(s) handed in "
                              + "(computed in \(Int(computed * 1000)) ms); \(receipt.officials) of the \(receipt.threshold) officials needed have reported")
                    }
                }
            }
        }
    }
}
