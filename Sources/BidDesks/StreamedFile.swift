import BidCore
import BidDomain
import Dispatch
import Foundation
import NIOCore

/// Runs blocking work (file writes, hashing, verification) on a private serial queue, in order,
/// off Swift's cooperative pool. `@unchecked Sendable`: its state is only touched on its queue.
package final class SerialWorker: @unchecked Sendable {
    private let queue: DispatchQueue

    /// `concurrent`: the jobs may run side by side (Blocking's queue); by default one at a time.
    package init(label: String, concurrent: Bool = false) {
        queue = concurrent ? DispatchQueue(label: label, qos: .userInitiated, attributes: .concurrent) : DispatchQueue(label: label)
    }

    package func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}

/// Blocking file work (a rename with its directory fsyncs, a whole file read, waiting for a flush)
/// off the event loops, which run the service's async code (ServerExecutor): an event loop that
/// waited for a disk would stall every connection it serves.
package enum Blocking {
    private static let worker = SerialWorker(label: "ebid.blocking", concurrent: true)

    package static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T { try await worker.run(body) }
}

/// Streams a request body into the blob store's temporary area, hashing it (SHA-256) on the way,
/// refusing more than `limit` bytes. Memory: one batch of buffers.
package struct StreamedFile: Sendable {
    package let path: String
    package let size: Int64
    /// SHA-256 of the content, hex.
    package let digest: String

    package static func receive<Body: AsyncSequence & Sendable>(_ body: Body, into blobs: BlobStore, limit: Int64, what: String) async throws -> StreamedFile
    where Body.Element == ByteBuffer {
        let output = UncheckedBox(try blobs.makeTemporary())
        let digest = UncheckedBox(StreamingDigest(.sha256))
        let worker = SerialWorker(label: "ebid.upload.file")
        var size: Int64 = 0
        do {
            try await forEachBatch(of: body, limit: limit, what: what) { batch, batchBytes in
                size += Int64(batchBytes)
                try await worker.run {
                    for buffer in batch.value {
                        try buffer.withUnsafeReadableBytes { bytes in
                            digest.value.update(bytes)
                            try output.value.write(bytes)
                        }
                    }
                }
            }
            try await worker.run { try output.value.close(sync: true) }
        } catch {
            try? output.value.close()
            unlink(output.value.path)
            throw error
        }
        return StreamedFile(path: output.value.path, size: size, digest: Hex.encode(digest.value.finalize()))
    }
}

/// Iterates a body in batches of about 1 MiB, so that each hop to a worker carries real work;
/// refuses (413) as soon as more than `limit` bytes arrived.
package func forEachBatch<Body: AsyncSequence>(of body: Body, limit: Int64, what: String, batchBytes: Int = 1 << 20,
                                       _ handle: (UncheckedBox<[ByteBuffer]>, Int) async throws -> Void) async throws
where Body.Element == ByteBuffer {
    var batch: [ByteBuffer] = []
    var bytes = 0
    var total: Int64 = 0
    for try await buffer in body {
        total += Int64(buffer.readableBytes)
        guard total <= limit else {
            throw ServiceError.tooLarge("upload.too-large", "\(what) is larger than the \(limit) bytes allowed")
        }
        bytes += buffer.readableBytes
        batch.append(buffer)
        if bytes >= batchBytes {
            try await handle(UncheckedBox(batch), bytes)
            batch = []
            bytes = 0
        }
    }
    if !batch.isEmpty { try await handle(UncheckedBox(batch), bytes) }
}
