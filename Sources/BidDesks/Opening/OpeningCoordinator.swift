import BidDomain
import Foundation

/// Runs a tender's opening jobs one after another (state transitions, decryptions), so that two
/// requests never open the same bid or complete the same opening twice. Jobs of different
/// tenders run independently.
public actor OpeningCoordinator {
    private var tails: [String: Task<Void, Never>] = [:]

    public init() {}

    /// Runs `job` after the tender's earlier jobs and returns its result.
    public func run<T: Sendable>(_ tender: String, _ job: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tails[tender]
        let task = Task<Result<T, Error>, Never> {
            await previous?.value
            do { return .success(try await job()) } catch { return .failure(error) }
        }
        tails[tender] = Task { _ = await task.value }
        return try await task.value.get()
    }

    /// Queues `job` after the tender's earlier jobs and returns at once.
    public func schedule(_ tender: String, _ job: @escaping @Sendable () async -> Void) {
        let previous = tails[tender]
        tails[tender] = Task {
            await previous?.value
            await job()
        }
    }

    /// Waits until every job queued for the tender so far has run.
    public func idle(_ tender: String) async {
        await tails[tender]?.value
    }
}
