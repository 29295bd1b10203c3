import BidCore
import BidDomain
import Foundation

/// Stores the parts of a bid opened by the service in the blob store (SHA-256 named), for the
/// evaluation. Parts go to temporary files while the bid is decrypted; only when every check of
/// the bid passed are they made durable and moved into the store.
package final class BlobPartSink: OpenedPartSink {
    package struct StoredPart: Sendable {
        package var position: Int
        package var kind: BidPartKind
        package var name: String
        package var size: Int64
        package var sha256: String
        package var blob: String
    }

    private let blobs: BlobStore
    private var current: (output: FileOutput, digest: StreamingDigest, size: Int64)?
    private var written: [(path: String, digest: String, size: Int64)] = []
    private(set) var stored: [StoredPart] = []

    package init(blobs: BlobStore) { self.blobs = blobs }

    package func beginPart(index: Int, size: UInt64) throws {
        current = (try blobs.makeTemporary(), StreamingDigest(.sha256), 0)
    }

    package func writePart(_ bytes: UnsafeRawBufferPointer) throws {
        guard let current else { return }
        try current.output.write(bytes)
        current.digest.update(bytes)
        self.current?.size += Int64(bytes.count)
    }

    package func endPart() throws {
        guard let current else { return }
        try current.output.close(sync: true)
        written.append((current.output.path, Hex.encode(current.digest.finalize()), current.size))
        self.current = nil
    }

    package func commit(manifest: BidManifest, manifestBytes: [UInt8], innerSignature: [UInt8]) throws {
        for (position, part) in manifest.parts.enumerated() {
            let file = written[position]
            let blob = try blobs.commit(temporary: file.path, name: "sha256-\(file.digest)")
            stored.append(StoredPart(position: position, kind: part.kind, name: part.name, size: file.size, sha256: file.digest, blob: blob))
        }
        written = []
    }

    package func abort() {
        if let current {
            try? current.output.close()
            unlink(current.output.path)
        }
        current = nil
        for file in written { unlink(file.path) }
        written = []
    }
}
