import Foundation

/// Receives the decrypted parts of a bid while it is opened. Nothing may be treated as final
/// before `commit` (called only after every check passed); `abort` must remove what was written.
public protocol OpenedPartSink: AnyObject {
    func beginPart(index: Int, size: UInt64) throws
    func writePart(_ bytes: UnsafeRawBufferPointer) throws
    func endPart() throws
    func commit(manifest: BidManifest, manifestBytes: [UInt8], innerSignature: [UInt8]) throws
    func abort()
}

/// Keeps nothing: for checking a bid (digests and signatures) without writing its parts.
public final class DiscardingPartSink: OpenedPartSink {
    public init() {}
    public func beginPart(index: Int, size: UInt64) throws {}
    public func writePart(_ bytes: UnsafeRawBufferPointer) throws {}
    public func endPart() throws {}
    public func commit(manifest: BidManifest, manifestBytes: [UInt8], innerSignature: [UInt8]) throws {}
    public func abort() {}
}

/// Writes the parts into a directory. Parts go to hidden `.ebid-part-N.partial` files first; on
/// commit they are renamed to their manifest names (checked to be plain file names) and the signed
/// manifest is written as `manifest.json` with its signature `manifest.sig`. Existing files are
/// never overwritten.
public final class DirectoryPartSink: OpenedPartSink {
    public let directory: String
    private var current: FileOutput?
    private var partials: [String] = []
    public private(set) var committedFiles: [String] = []

    public init(directory: String) throws {
        self.directory = directory
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    public func beginPart(index: Int, size: UInt64) throws {
        let path = "\(directory)/.ebid-part-\(index).partial"
        current = try FileOutput(path: path)
        partials.append(path)
    }

    public func writePart(_ bytes: UnsafeRawBufferPointer) throws { try current?.write(bytes) }

    public func endPart() throws {
        try current?.close(sync: false)
        current = nil
    }

    public func commit(manifest: BidManifest, manifestBytes: [UInt8], innerSignature: [UInt8]) throws {
        let names = manifest.parts.map(\.name) + ["manifest.json", "manifest.sig"]
        for name in names where FileManager.default.fileExists(atPath: "\(directory)/\(name)") {
            throw BidCoreError(.ioFailed, "\(directory)/\(name) already exists; unseal into an empty directory")
        }
        for (index, part) in manifest.parts.enumerated() {
            // Names were checked by BidManifest.validate: one path component, no dots in front.
            let target = "\(directory)/\(part.name)"
            guard rename(partials[index], target) == 0 else { throw BidCoreError(.ioFailed, "cannot write \(target)") }
            committedFiles.append(target)
        }
        partials = []
        for (name, bytes) in [("manifest.json", manifestBytes), ("manifest.sig", innerSignature)] {
            let output = try FileOutput(path: "\(directory)/\(name)", mode: 0o644, exclusive: true)
            try output.write(bytes)
            try output.close(sync: true)
            committedFiles.append("\(directory)/\(name)")
        }
        try syncDirectory(directory)
    }

    public func abort() {
        try? current?.close()
        current = nil
        for path in partials { unlink(path) }
        partials = []
    }
}
