import Dispatch
import Foundation

/// Runs independent pieces of work on all cores and waits for them. Used by the sealed-bid
/// pipelines: each task touches only its own memory and its own cipher or digest object, so
/// handing them to other threads is safe even though those objects are not `Sendable`.
enum Parallel {
    /// The tasks may run in any order, on any thread. If any throws, the error of the
    /// lowest-numbered failing task is rethrown (so reports are deterministic).
    static func run(_ tasks: [() throws -> Void]) throws {
        if tasks.count == 1 { try tasks[0](); return }
        let box = TaskBox(tasks)
        DispatchQueue.concurrentPerform(iterations: tasks.count) { index in
            box.run(index)
        }
        if let error = box.firstError { throw error }
    }

    /// See `Parallel`: the box is shared only to hand each task to one thread and collect
    /// errors under a lock.
    private final class TaskBox: @unchecked Sendable {
        private let tasks: [() throws -> Void]
        private var errors: [Int: Error] = [:]
        private let lock = NSLock()

        init(_ tasks: [() throws -> Void]) { self.tasks = tasks }

        func run(_ index: Int) {
            do { try tasks[index]() } catch {
                lock.lock()
                errors[index] = error
                lock.unlock()
            }
        }

        var firstError: Error? { errors.keys.min().map { errors[$0]! } }
    }
}

/// A fixed-size byte buffer owned by a class (deallocated on deinit).
final class ByteBuffer {
    let pointer: UnsafeMutableRawBufferPointer
    var count = 0

    init(capacity: Int) {
        pointer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 64)
    }

    deinit { pointer.deallocate() }

    var capacity: Int { pointer.count }
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: pointer[..<count]) }

    func slice(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: pointer[range]) }
    func mutableSlice(_ range: Range<Int>) -> UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: pointer[range]) }

    func append(_ bytes: UnsafeRawBufferPointer) {
        precondition(count + bytes.count <= capacity)
        mutableSlice(count..<(count + bytes.count)).copyMemory(from: bytes)
        count += bytes.count
    }

    func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    func storeUInt32(_ value: UInt32, at offset: Int) {
        pointer[offset] = UInt8(truncatingIfNeeded: value >> 24)
        pointer[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        pointer[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        pointer[offset + 3] = UInt8(truncatingIfNeeded: value)
    }
}
