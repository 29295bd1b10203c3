import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension Bid {
    struct Seal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign, encrypt and sign again a bid for one tender, on the bidder's machine.",
            discussion: """
            The package is encrypted to the bidder's own certificate (remote decryption at the opening)
            and to the tender's opening key; nobody can open it before the deadline. Parts are given as
            KIND=PATH with KIND one of commercial, technical, qualification.
            """
        )

        @Option(help: "Tender id the bid is for.")
        var tender: String

        @Option(help: "Section (标段) of the tender.")
        var section: String = "1"

        @Option(help: "Bidder's signing certificate (PEM or DER).")
        var cert: String

        @Option(help: "Bidder's private key (PEM).")
        var key: String

        @Option(name: .customLong("enc-cert"), help: "Bidder's encryption certificate when it has a separate one (双证书).")
        var encCert: String?

        @Option(name: .customLong("opening-key"), help: "The tender's opening key file (from `ebid opening keygen`) or a PEM public key; with --server, fetched from the service when omitted.")
        var openingKey: String?

        @Option(help: "An ebid service to fetch the tender's opening key and suites from.")
        var server: String?

        @Option(help: "Bid summary JSON (price as a decimal string in yuan, durationDays, quality, projectManager, bidSecurityAccount).")
        var summary: String

        @Option(name: .customLong("part"), help: "A part as KIND=PATH; repeat for each part.")
        var parts: [String] = []

        @Option(help: "Output file.")
        var out: String

        @Option(help: "Crypto suite: GM (the default) or NIST; with --server, the tender's first accepted suite.")
        var suite: Suite?

        @Option(name: .customLong("chunk-size"), help: "Plaintext bytes per chunk.")
        var chunkSize: Int = SealedBidFormat.defaultChunkSize

        @OptionGroup var trust: TrustOptions

        func run() async throws {
            try await reportingErrors {
                guard !parts.isEmpty else { throw CLIError("give at least one --part KIND=PATH") }
                let inputs = try parts.map(parsePart)
                let bidSummary = try decodeJSON(BidSummary.self, from: summary, what: "bid summary")
                let (certificate, privateKey) = try loadIdentity(certificate: cert, key: key)
                for warning in try await certificateWarnings(certificate) { printError("warning: \(warning)") }
                let (suite, opening) = try await resolveOpeningKey()
                var request = BidSealer.Request(
                    tenderId: tender, section: section, suite: suite, signerCertificate: certificate, signerKey: privateKey,
                    openingKey: opening, summary: bidSummary, parts: inputs, machineFingerprint: MachineFingerprint.current())
                request.bidderEncryptionCertificate = try encCert.map { try Certificate(file: $0) }
                request.chunkSize = chunkSize
                let result = try BidSealer.seal(request, toFile: out)
                print("sealed bid written to \(out)")
                printTable([
                    ("tender", "\(result.header.tenderId) section \(result.header.section)"),
                    ("bidder", SignerIdentity(certificate).name),
                    ("suite", result.header.suite.rawValue),
                    ("package id", result.header.packageId),
                    ("size", formatBytes(result.size)),
                    ("parts", result.manifest.parts.map { "\($0.kind.rawValue): \($0.name)" }.joined(separator: ", ")),
                    ("recipients", result.header.recipients.map { "\($0.role.rawValue) (\($0.algorithm.rawValue))" }.joined(separator: ", ")),
                ], indent: "  ")
            }
        }

        /// What the service would refuse the signing certificate for: expired or not yet valid
        /// here; with --trust, anything the chain and --crl say; with --server, a CRL in force
        /// there that lists it. (Sealing goes on: the bidder may mean to renew before uploading.)
        private func certificateWarnings(_ certificate: Certificate) async throws -> [String] {
            let now = Date()
            var warnings: [String] = []
            if certificate.notAfter < now { warnings.append("your certificate expired on \(displayTime(certificate.notAfter)): the service will refuse this bid (cert.expired)") }
            if certificate.notBefore > now { warnings.append("your certificate is not valid before \(displayTime(certificate.notBefore))") }
            if !trust.trustFiles.isEmpty {
                do { try trust.makeTrustStore().verify(certificate, at: now, for: .signing) } catch let error as BidCoreError {
                    warnings.append("\(error.reason) [\(error.code)]: the service will refuse this bid")
                }
            }
            if let server, let crls: [TrustDesk.CRLInfo] = try? await EBidClient(server: server).get("/v1/trust/crls") {
                for info in crls {
                    guard let crl = try? CertificateRevocationList(pem: info.pem), crl.covers(issuerOf: certificate),
                          let revoked = crl.revocationDate(of: certificate) else { continue }
                    warnings.append("your certificate was revoked on \(displayTime(revoked)) (the CRL in force at \(server)): the service will refuse this bid (cert.revoked)")
                }
            }
            return Array(Set(warnings)).sorted()
        }

        /// The suite and opening key: from --opening-key, or fetched from --server.
        private func resolveOpeningKey() async throws -> (Suite, PublicKey) {
            if let openingKey {
                let chosen = suite ?? .gm
                return (chosen, try loadOpeningKey(openingKey, suite: chosen))
            }
            guard let server else { throw CLIError("give --opening-key FILE, or --server URL to fetch the tender's opening key") }
            let api = try EBidClient(server: server)
            let view: TenderView = try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))")
            guard view.section == section else { throw CLIError("tender \(tender) is section \(view.section), not \(section)") }
            let chosen = suite ?? view.acceptedSuites.first ?? .gm
            guard view.acceptedSuites.contains(chosen) else {
                throw CLIError("tender \(tender) accepts \(view.acceptedSuites.map(\.rawValue).joined(separator: ", ")) bids, not \(chosen.rawValue)")
            }
            let files: [OpeningKeyFile] = try await api.get("/v1/tenders/\(EBidClient.pathComponent(tender))/opening-keys")
            guard let file = files.first(where: { $0.suite == chosen }) else { throw CLIError("tender \(tender) has no \(chosen.rawValue) opening key") }
            try file.validate()
            guard view.openingKeys.contains(where: { $0.keyId == file.keyId }) else { throw CLIError("the service's opening key does not match the tender") }
            return (chosen, try file.openingPublicKey)
        }

        private func parsePart(_ text: String) throws -> BidSealer.PartInput {
            guard let equals = text.firstIndex(of: "=") else { throw CLIError("--part \(text): expected KIND=PATH") }
            let kindText = String(text[..<equals])
            let path = String(text[text.index(after: equals)...])
            guard let kind = BidPartKind(rawValue: kindText) else {
                throw CLIError("--part \(text): kind must be one of \(BidPartKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard FileManager.default.isReadableFile(atPath: path) else { throw CLIError("--part \(text): cannot read \(path)") }
            return BidSealer.PartInput(kind: kind, path: path)
        }
    }
}

/// An opening key file (JSON from `ebid opening keygen`) or a PEM public key.
func loadOpeningKey(_ path: String, suite: Suite) throws -> PublicKey {
    let data = try readFile(path, what: "opening key")
    if data.first == UInt8(ascii: "{") {
        let file = try OpeningKeyFile.load(data)
        guard file.suite == suite else {
            throw CLIError("the opening key is for the \(file.suite.rawValue) suite; seal with --suite \(file.suite.rawValue)")
        }
        return try file.openingPublicKey
    }
    let text = String(decoding: data, as: UTF8.self)
    guard text.contains("-----BEGIN PUBLIC KEY-----") else {
        throw CLIError("\(path) is neither an opening key file (from `ebid opening keygen`) nor a PEM public key")
    }
    return try PublicKey(pem: text)
}
