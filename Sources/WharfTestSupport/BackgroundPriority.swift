import Testing

/// Runs each test of a suite as a background-priority task. Heavy suites (real servers, large
/// fixtures, thousands of tags) queue their work behind that of quick tests instead of ahead
/// of it: all tests start at once on a pool of two threads, and a quick test should not wait
/// for minutes of other tests' work to get its few milliseconds. They also start only once the
/// quick tests have drained the pool (`QuickTestsFirst`).
public struct BackgroundPriority: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else { return try await function() }
        await QuickTestsFirst.shared.wait()
        try await withoutActuallyEscaping(function) { function in
            // Awaited here, so the closure never outlives this call; a cancelled test (its time
            // limit passed) cancels the task, which does not inherit cancellation itself.
            let task = Task(priority: .background) { try await function() }
            try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
        }
    }
}

extension Trait where Self == BackgroundPriority {
    /// See `BackgroundPriority`.
    public static var backgroundPriority: Self { BackgroundPriority() }
}
