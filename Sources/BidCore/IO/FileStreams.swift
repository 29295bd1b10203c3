import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Where streamed bytes go.
public protocol ByteSink: AnyObject {
    func write(_ bytes: UnsafeRawBufferPointer) throws
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }
}

/// A file written with POSIX calls; `close(sync:)` can fsync it (and the caller fsyncs the directory).
public final class FileOutput: ByteSink {
    public let path: String
    private var fd: Int32

    /// Creates or truncates `path` (mode 0600 unless given).
    public init(path: String, mode: mode_t = 0o600, exclusive: Bool = false) throws {
        self.path = path
        let flags = O_WRONLY | O_CREAT | (exclusive ? O_EXCL : O_TRUNC) | O_CLOEXEC
        fd = open(path, flags, mode)
        guard fd >= 0 else { throw BidCoreError(.ioFailed, "cannot create \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard var base = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            let written = Glibc.write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                throw BidCoreError(.ioFailed, "writing \(path): \(String(cString: strerror(errno)))")
            }
            remaining -= written
            base += written
        }
    }

    /// Forces the data written so far to disk (fdatasync). Safe to call from another thread
    /// while writes continue; used to flush a large upload while it is still arriving.
    public func syncData() {
        guard fd >= 0 else { return }
        _ = fdatasync(fd)
    }

    /// Closes the file, first forcing its contents to disk when `sync` is true.
    public func close(sync: Bool = false) throws {
        guard fd >= 0 else { return }
        defer { fd = -1 }
        if sync, fsync(fd) != 0 {
            let message = String(cString: strerror(errno))
            _ = Glibc.close(fd)
            throw BidCoreError(.ioFailed, "fsync \(path): \(message)")
        }
        guard Glibc.close(fd) == 0 else { throw BidCoreError(.ioFailed, "closing \(path): \(String(cString: strerror(errno)))") }
    }
}

/// A file read with POSIX calls, in caller-sized pieces.
public final class FileInput {
    public let path: String
    private var fd: Int32

    public init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BidCoreError(.ioFailed, "cannot open \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { if fd >= 0 { _ = Glibc.close(fd) } }

    /// Size in bytes (fstat).
    public var size: UInt64 {
        get throws {
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw BidCoreError(.ioFailed, "stat \(path): \(String(cString: strerror(errno)))") }
            return UInt64(info.st_size)
        }
    }

    /// Reads up to `buffer.count` bytes; 0 means end of file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let count = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw BidCoreError(.ioFailed, "reading \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Fills `buffer` unless the file ends first; returns the number of bytes read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }

    /// Streams the whole file to `body` in pieces of `bufferSize` bytes.
    public func forEachChunk(bufferSize: Int = 1 << 20, _ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = try read(into: buffer)
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
        }
    }
}

/// fsyncs a directory so that a rename or a new file in it is durable.
public func syncDirectory(_ path: String) throws {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw BidCoreError(.ioFailed, "cannot open directory \(path): \(String(cString: strerror(errno)))") }
    defer { _ = Glibc.close(fd) }
    guard fsync(fd) == 0 else { throw BidCoreError(.ioFailed, "fsync directory \(path): \(String(cString: strerror(errno)))") }
}

extension BidCoreError.Code {
    public static let ioFailed: Self = "io.failed"
}
