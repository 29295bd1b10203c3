import BidCore
import Foundation
import Hummingbird

/// One sealed-bid upload in progress: the body is written to a temporary file and fed to the
/// verifier as it arrives, in batches, on a private queue. Memory stays at one batch whatever
/// the bid's size. `@unchecked Sendable`: the verifier and the file are only used on that queue.
final class UploadSession: @unchecked Sendable {
    private let worker = SerialWorker(label: "ebid.upload.bid")
    private let output: FileOutput
    private let verifier: SealedBidVerifier

    init(blobs: BlobStore, trust: TrustStore, at time: Date, headerCheck: @escaping SealedBidVerifier.HeaderCheck) throws {
        output = try blobs.makeTemporary()
        verifier = SealedBidVerifier(trust: trust, at: time, headerCheck: headerCheck)
    }

    var temporaryPath: String { output.path }

    func feed(_ batch: UncheckedBox<[ByteBuffer]>) async throws {
        let session = UncheckedBox(self)
        try await worker.run {
            for buffer in batch.value {
                try buffer.withUnsafeReadableBytes { bytes in
                    try session.value.verifier.feed(bytes)
                    try session.value.output.write(bytes)
                }
            }
        }
    }

    /// Completes verification and makes the file durable (fsync); the caller renames it into place.
    func finish() async throws -> VerifiedSealedBid {
        let session = UncheckedBox(self)
        let verified = try await worker.run { () -> UncheckedBox<VerifiedSealedBid> in
            let verified = try session.value.verifier.finish()
            try session.value.output.close(sync: true)
            return UncheckedBox(verified)
        }
        return verified.value
    }

    /// Drops the temporary file (any failure before the bid is recorded).
    func abort() {
        try? output.close()
        unlink(output.path)
    }
}
