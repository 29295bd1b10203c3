import ArgumentParser
import BidCore
import BidDesks
import BidDomain
import BidService
import Foundation

extension RecordCommand {
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a signed record — an opening record, a credit record, a candidate publicity or an award — with the platform certificate, offline.",
            discussion: "FILE holds the signed JSON and FILE.sig the signature (as `opening record --out` and `credit get --out` write them)."
        )

        @OptionGroup var file: SignedFileOptions

        @Option(name: .customLong("opening-key"), help: "The tender's opening key file(s): the record's verification keys must be theirs.")
        var openingKeys: [String] = []

        func run() async throws {
            try await reportingErrors {
                let (signed, certificate) = try file.load(what: "record")
                struct Format: Decodable { var format: String?; var type: String? }
                let kind = try? JSONDecoder.ebid.decode(Format.self, from: Data(signed.document))
                switch kind?.format ?? kind?.type {
                case "ebid-candidate-publicity":
                    let publicity = try JSONDecoder.ebid.decodeStrict(EvaluationRoom.Publicity.self, from: Data(signed.document))
                    print("the candidate publicity is authentic: signed by \(certificate.subject)")
                    print("tender \(publicity.tenderId) section \(publicity.section): published \(displayTime(publicity.from)) until \(displayTime(publicity.until)); report \(publicity.reportDigest.prefix(16))…")
                    for candidate in publicity.candidates { print("  #\(candidate.rank) \(candidate.bidder)  \(candidate.price)  total \(candidate.total?.description ?? "—")") }
                case "ebid-award":
                    let award = try JSONDecoder.ebid.decodeStrict(EvaluationRoom.Award.self, from: Data(signed.document))
                    print("the award is authentic: signed by \(certificate.subject)")
                    print("tender \(award.tenderId) section \(award.section): awarded \(displayTime(award.awardedAt)) to \(award.winner.bidder) at \(award.winner.price)")
                    print("committee: \(award.committee.map(\.name).joined(separator: ", ")); draw record \(award.drawRecordDigest.prefix(16))…")
                case "ebid-credit-record":
                    let record: CreditRecord
                    do { record = try JSONDecoder.ebid.decodeStrict(CreditRecord.self, from: Data(signed.document)) } catch {
                        throw CLIError("the signed document is not a valid credit record: \(describeDecodingError(error))")
                    }
                    guard record.platformCertificateFingerprint == certificate.fingerprint else {
                        throw CLIError("the record names another platform certificate, not this one")
                    }
                    print("the credit record is authentic: signed by \(certificate.subject)")
                    printRecordInput(record.input, id: record.id)
                default:
                    let record = try verifiedRecord(signed, certificate: certificate)
                    for path in openingKeys { try CommitteeWork.checkKey(try OpeningKeyFile.load(file: path), in: record) }
                    print("the opening record is authentic: signed by \(certificate.subject)")
                    let committee = record.bids.filter { $0.committee != nil }.count
                    if committee > 0 {
                        print("\(committee) committee opening(s) recomputed: every proof checks, k partials combine to the key the package committed to")
                    }
                    printRecord(record)
                }
            }
        }
    }
}
