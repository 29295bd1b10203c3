/// Carries a value across a concurrency boundary the compiler cannot see is safe: the caller
/// guarantees that one thread at a time uses it (a connection on its lane, an upload's session).
package struct UncheckedBox<T>: @unchecked Sendable {
    package let value: T
    package init(_ value: T) { self.value = value }
}
