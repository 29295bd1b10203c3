import BidCore
import BidDomain
import Foundation

/// Offline check of an evaluation report (`ebid eval verify`): the platform's signatures on the
/// report and on the final report, the final report naming this report, and every member's
/// signed opinion — its signature with the certificate it carries, that certificate chaining to
/// the trust anchors the checker brings, its statement naming this report and this member.
public enum ReportVerification {
    public struct Outcome: Sendable {
        public var report: EvaluationRoom.Report
        public var final: EvaluationRoom.FinalReport
        public var signed: Int
        public var silent: Int
        public var dissents: Int
    }

    public static func verify(report: SignedDocument, final: SignedDocument, platform: Certificate, trust: TrustStore?) throws -> Outcome {
        func fail(_ reason: String) -> BidCoreError { BidCoreError(.signatureInvalid, reason) }
        guard try report.verify(with: platform) else { throw fail("the report is not signed by the platform certificate given") }
        guard try final.verify(with: platform) else { throw fail("the final report is not signed by the platform certificate given") }
        let parsed = try report.decode(EvaluationRoom.Report.self)
        let closed = try final.decode(EvaluationRoom.FinalReport.self)
        let digest = Hex.encode(StreamingDigest.hash(report.document, using: .sha256))
        guard closed.reportDigest == digest, closed.tenderId == parsed.tenderId, closed.candidates == parsed.candidates else {
            throw fail("the final report is for another report")
        }
        guard Set(closed.opinions.map(\.expert)) == Set(parsed.committee.map(\.expert)) else { throw fail("the final report's members are not the report's committee") }
        var signed = 0
        for opinion in closed.opinions where !opinion.silent {
            guard let statement = opinion.statement, let document = statement.documentBytes, let signature = statement.signatureBytes,
                  let pem = opinion.certificate, let certificate = try? Certificate(pem: pem) else {
                throw fail("\(opinion.expert)'s opinion carries no signed statement and certificate")
            }
            guard try certificate.publicKey.isValidSignature(signature, for: document, scheme: statement.scheme) else {
                throw fail("\(opinion.expert)'s signature does not verify")
            }
            if let trust { try trust.verify(certificate, at: closed.finalizedAt, for: .signing) }
            let content = try JSONDecoder.ebid.decodeStrict(ReportSignatureDocument.self, from: Data(document))
            guard content.reportDigest == digest, content.member == opinion.expert, content.opinion == opinion.opinion, content.tenderId == parsed.tenderId else {
                throw fail("\(opinion.expert)'s statement is for another report, member or opinion")
            }
            signed += 1
        }
        return Outcome(report: parsed, final: closed, signed: signed, silent: closed.opinions.filter(\.silent).count,
                       dissents: closed.opinions.filter { $0.opinion == .dissent }.count)
    }
}
