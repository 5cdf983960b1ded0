import Testing

/// Starts each test of a suite once the quick tests have drained the pool (`QuickTestsFirst`),
/// at its own priority. For suites that serve HTTP in process: at background priority their
/// server's tasks ran on libdispatch's nice-10 threads and, with the cores busy, answered a
/// 128 KiB push past the client's read timeout.
public struct AfterQuickTests: SuiteTrait, TestTrait, TestScoping {
    public var isRecursive: Bool { true }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        if testCase != nil { await QuickTestsFirst.shared.wait() }
        try await function()
    }
}

extension Trait where Self == AfterQuickTests {
    /// See `AfterQuickTests`.
    public static var afterQuickTests: Self { AfterQuickTests() }
}
