import BidCore
import Foundation

/// Key ceremonies: what the service relays between officials, and the keys tenders use.
public protocol CeremonyTransaction {
    /// The latest attempt for the tender and suite.
    func ceremony(tender id: String, suite: Suite) throws -> Ceremony?
    func saveCeremony(_ ceremony: Ceremony) throws
    func insertDealing(_ dealing: KeyCeremony.Dealing, ceremony: Ceremony, at time: Date) throws
    func dealings(_ ceremony: Ceremony) throws -> [KeyCeremony.Dealing]
    func insertConfirmation(_ confirmation: OpeningKeyFile.Confirmation, ceremony: Ceremony, at time: Date) throws
    func confirmations(_ ceremony: Ceremony) throws -> [OpeningKeyFile.Confirmation]
    func setTranscript(_ transcript: OpeningKeyFile, ceremony: Ceremony) throws
    /// The transcript of the latest complete ceremony for the tender and suite.
    func completedTranscript(tender id: String, suite: Suite) throws -> OpeningKeyFile?
    /// Records that `keyId` is used by a tender; a constraint error when any tender uses or used it.
    func insertKeyUse(keyId: String, tender id: String, suite: Suite, at time: Date) throws
    func keyUse(keyId: String) throws -> String?
}
