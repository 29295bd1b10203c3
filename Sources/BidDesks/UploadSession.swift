import BidCore
import BidDomain
import Dispatch
import Foundation
import NIOCore

/// One sealed-bid upload in progress: the body is written to a temporary file and fed to the
/// verifier as it arrives, in batches, on a private queue. Memory stays at one batch whatever
/// the bid's size. `@unchecked Sendable`: the verifier and the file are only used on that queue.
package final class UploadSession: @unchecked Sendable {
    private let worker = SerialWorker(label: "ebid.upload.bid")
    private let output: FileOutput
    private let verifier: SealedBidVerifier

    package init(blobs: BlobStore, trust: TrustStore, at time: Date, headerCheck: @escaping SealedBidVerifier.HeaderCheck) throws {
        output = try blobs.makeTemporary()
        verifier = SealedBidVerifier(trust: trust, at: time, headerCheck: headerCheck)
    }

    package var temporaryPath: String { output.path }

    /// Staging area: a batch of body buffers, made contiguous so the verifier gets large inputs.
    private var staging: [UInt8] = []
    private var unflushed = 0

    package func feed(_ batch: UncheckedBox<[ByteBuffer]>) async throws {
        let session = UncheckedBox(self)
        try await worker.run {
            let this = session.value
            this.staging.removeAll(keepingCapacity: true)
            for buffer in batch.value { buffer.withUnsafeReadableBytes { this.staging.append(contentsOf: $0) } }
            try this.staging.withUnsafeBytes { bytes in
                try this.verifier.feed(bytes)
                try this.output.write(bytes)
            }
            this.unflushed += this.staging.count
            if this.unflushed >= 8 << 20 {
                this.unflushed = 0
                this.flushInBackground()
            }
        }
    }

    /// Flushes written data to disk on a side queue while the upload continues (at most one flush
    /// in flight), so the final fsync has little left and disk and network overlap.
    private let flusher = DispatchQueue(label: "ebid.upload.flush")
    private let flushGroup = DispatchGroup()
    private var flushing = false
    private let flushLock = NSLock()

    private func flushInBackground() {
        flushLock.lock()
        defer { flushLock.unlock() }
        guard !flushing else { return }
        flushing = true
        let output = UncheckedBox(self.output)
        let session = UncheckedBox(self)
        flusher.async(group: flushGroup) {
            output.value.syncData()
            session.value.flushLock.lock()
            session.value.flushing = false
            session.value.flushLock.unlock()
        }
    }

    /// Completes verification and makes the file durable (fsync); the caller renames it into place.
    package func finish() async throws -> VerifiedSealedBid {
        let session = UncheckedBox(self)
        let verified = try await worker.run { () -> UncheckedBox<VerifiedSealedBid> in
            let verified = try session.value.verifier.finish()
            session.value.flushGroup.wait()
            try session.value.output.close(sync: true)
            return UncheckedBox(verified)
        }
        return verified.value
    }

    /// Drops the temporary file (any failure before the bid is recorded).
    package func abort() {
        flushGroup.wait()
        try? output.close()
        unlink(output.path)
    }
}
