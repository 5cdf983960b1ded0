import Foundation

/// Runs external programs (skopeo, umoci, python3...) without blocking Swift's cooperative
/// threads: the wait happens in a termination handler.
public enum Command {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public var succeeded: Bool { status == 0 }
    }

    /// Runs `arguments` (the first is looked up on PATH) and returns its output; throws when it
    /// fails unless `check` is false.
    @discardableResult
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], directory: String? = nil, check: Bool = true,
        timeout: Duration = .seconds(600)
    ) async throws -> Output {
        guard let executable = Tool.path(arguments[0]) else {
            throw SupportError("\(arguments[0]) is not installed")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = Array(arguments.dropFirst())
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        process.standardInput = FileHandle.nullDevice
        let collectedOut = PipeCollector(stdout)
        let collectedErr = PipeCollector(stderr)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            let exit = ExitOnce(continuation)
            process.terminationHandler = { exit.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                exit.resume(throwing: error)
                return
            }
            let pid = process.processIdentifier
            // Not only Foundation's termination handler: a run of tests once hung for good with
            // no program of theirs left running (cause not found), so the exit is also looked
            // for here, and the timeout enforced.
            Task {
                let deadline = ContinuousClock.now + timeout
                while !exit.isDone {
                    try? await Task.sleep(for: .milliseconds(250))
                    if !process.isRunning {
                        // Reaped by Foundation: its handler resumes in a moment, or this does.
                        try? await Task.sleep(for: .seconds(1))
                        exit.resume(returning: process.terminationStatus)
                    } else if ExitOnce.isZombie(pid) {
                        // Foundation normally reaps it in a moment; only if it does not is it reaped here.
                        try? await Task.sleep(for: .seconds(1))
                        if !exit.isDone, ExitOnce.isZombie(pid), let status = ExitOnce.reap(pid) { exit.resume(returning: status) }
                    } else if ContinuousClock.now > deadline, process.isRunning {
                        kill(pid, SIGKILL)
                    }
                }
            }
        }
        let output = Output(status: status, stdout: await collectedOut.finish(), stderr: await collectedErr.finish())
        if check, !output.succeeded {
            throw SupportError(
                "\(arguments.joined(separator: " ")) exited \(status)\nstdout: \(output.stdout.suffix(2000))\nstderr: \(output.stderr.suffix(2000))"
            )
        }
        return output
    }
}

/// Gathers a pipe's bytes on a thread of its own until the writer closes it, so a chatty
/// program never blocks on a full pipe. (Foundation's `readabilityHandler` crashed here.)
public final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private var ended = false

    public init(_ pipe: Pipe, onData: (@Sendable (Data) -> Void)? = nil) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.withLock { data.append(chunk) }
                onData?(chunk)
            }
            lock.withLock { ended = true }
        }
    }

    /// What arrived so far.
    public var text: String { lock.withLock { String(decoding: data, as: UTF8.self) } }

    /// Waits (briefly: a daemon the program started may keep the pipe open) for the end of the
    /// stream and returns everything that came. It sleeps rather than blocks, so waiting never
    /// holds one of the few threads that every test and in-process server shares.
    public func finish() async -> String {
        let deadline = ContinuousClock.now + .seconds(5)
        while !lock.withLock({ ended }), ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return text
    }
}
