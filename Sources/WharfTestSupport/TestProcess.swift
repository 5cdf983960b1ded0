import Foundation
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
import Glibc
#endif

/// A program a test starts and stops (a server, or a client it kills): started with
/// swift-subprocess, its output written to a log file (a daemon it spawns may keep that open
/// without holding anything up), its exit awaited without blocking a thread.
public final class TestProcess: Sendable {
    public let pid: pid_t
    public let logPath: String
    private let exit: Task<Int32, any Error>

    private init(pid: pid_t, logPath: String, exit: Task<Int32, any Error>) {
        self.pid = pid
        self.logPath = logPath
        self.exit = exit
    }

    /// Starts `arguments` (the first looked up on PATH, or a path); output goes to `logPath`
    /// (a temporary file when nil), errors there too or to `errorPath`.
    /// `niceness`: programs run below the test process's priority unless they are servers
    /// whole suites wait for (see below).
    public static func start(
        _ arguments: [String], environment: [String: String?] = [:], directory: String? = nil, logPath: String? = nil,
        errorPath: String? = nil, niceness: Int32 = 10
    ) async throws -> TestProcess {
        guard let executable = Tool.path(arguments[0]) else { throw SupportError("\(arguments[0]) is not installed") }
        let log = logPath ?? NSTemporaryDirectory() + "wharf-process-\(UUID().uuidString).log"
        let output = try Self.create(log)
        let errors = try errorPath.map(Self.create)
        let started = AsyncStream<pid_t>.makeStream()
        let configuration = Configuration(
            executable: .path(FilePath(executable)), arguments: Arguments(Array(arguments.dropFirst())),
            environment: Self.environment(environment), workingDirectory: directory.map { FilePath($0) }
        )
        let exit = Task<Int32, any Error> {
            defer {
                started.continuation.finish()
                try? output.close()
                try? errors?.close()
            }
            let body: (Execution<NoInput, FileDescriptorOutput, FileDescriptorOutput>) async throws -> Void = { execution in
                started.continuation.yield(execution.processIdentifier.value)
            }
            let result: ExecutionResult<Void, FileDescriptorOutput, FileDescriptorOutput>
            if let errors {
                result = try await Subprocess.run(
                    configuration, input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: false),
                    error: .fileDescriptor(errors, closeAfterSpawningProcess: false), body: body
                )
            } else {
                result = try await Subprocess.run(
                    configuration, input: .none, output: .fileDescriptor(output, closeAfterSpawningProcess: false),
                    error: .fileDescriptor(output, closeAfterSpawningProcess: false), body: body
                )
            }
            return Self.code(result.terminationStatus)
        }
        var iterator = started.stream.makeAsyncIterator()
        guard let pid = await iterator.next() else {
            _ = try await exit.value
            throw SupportError("\(arguments[0]) did not start")
        }
        // Programs run below the test process's priority (and pass it on to what they start):
        // on two cores, servers starting (Ceph, moto, debug builds making RSA keys) would
        // otherwise take the CPU from the tests and in-process servers that wait on them.
        if niceness != 0 { _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(pid), niceness) }
        return TestProcess(pid: pid, logPath: log, exit: exit)
    }

    private static func create(_ path: String) throws -> FileDescriptor {
        try FileDescriptor.open(
            FilePath(path), .writeOnly, options: [.create, .truncate, .append], permissions: [.ownerReadWrite, .groupRead, .otherRead]
        )
    }

    /// What it has written so far.
    public var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// True until it has exited (a zombie counts as exited).
    public var isRunning: Bool {
        guard let state = Self.state(of: pid) else { return false }
        return state != "Z" && state != "X"
    }

    public func signal(_ signal: Int32) {
        if isRunning { _ = Glibc.kill(pid, signal) }
    }

    /// Its exit status (128 + signal when a signal ended it), waiting at most `timeout`.
    @discardableResult
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32 {
        // A race of two tasks, not a task group: a group waits for all its children, and
        // awaiting the exit task's value ignores cancellation, so the timeout never ended a
        // wait for a process that hung.
        final class Waiter: Sendable {
            let continuation = Mutex<CheckedContinuation<Int32, any Error>?>(nil)
        }
        let waiter = Waiter()
        let exit = self.exit
        let pid = self.pid
        return try await withCheckedThrowingContinuation { continuation in
            waiter.continuation.withLock { $0 = continuation }
            let timer = Task {
                try? await Task.sleep(for: timeout)
                guard !Task.isCancelled else { return }
                waiter.continuation.withLock { $0.take() }?.resume(throwing: SupportError("process \(pid) did not exit within \(timeout)"))
            }
            Task {
                let result = await exit.result
                let waiting = waiter.continuation.withLock { $0.take() }
                timer.cancel()
                waiting?.resume(with: result)
            }
        }
    }

    /// SIGKILL, as in a crash or an OOM kill, and its exit awaited.
    public func kill() async {
        signal(SIGKILL)
        _ = try? await waitForExit(timeout: .seconds(30))
    }

    deinit {
        if isRunning { _ = Glibc.kill(pid, SIGKILL) }
    }

    static func environment(_ overrides: [String: String?]) -> Subprocess.Environment {
        var keyed: [Subprocess.Environment.Key: String?] = [:]
        for (name, value) in overrides {
            if let key = Subprocess.Environment.Key(rawValue: name) { keyed[key] = value }
        }
        return .inherit.updating(keyed)
    }

    /// Exit codes as shells give them: 128 + the signal for a signalled process.
    static func code(_ status: TerminationStatus) -> Int32 {
        switch status {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// The state letter `/proc/<pid>/stat` gives (`R`, `S`, `Z` for a zombie...), nil once gone.
    static func state(of pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else {
            return nil
        }
        return stat[stat.index(after: close)...].first { $0 != " " }
    }
}
