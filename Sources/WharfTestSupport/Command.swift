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
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
            let pid = process.processIdentifier
            Task {
                try? await Task.sleep(for: timeout)
                if process.isRunning { kill(pid, SIGKILL) }
            }
        }
        let output = Output(status: status, stdout: collectedOut.finish(), stderr: collectedErr.finish())
        if check, !output.succeeded {
            throw SupportError(
                "\(arguments.joined(separator: " ")) exited \(status)\nstdout: \(output.stdout.suffix(2000))\nstderr: \(output.stderr.suffix(2000))"
            )
        }
        return output
    }
}

/// Gathers a pipe's bytes as they come, so a chatty program never blocks on a full pipe.
final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    private let handle: FileHandle

    init(_ pipe: Pipe) {
        handle = pipe.fileHandleForReading
        handle.readabilityHandler = { [weak self] handle in
            let chunk = handle.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.lock()
            self.data.append(chunk)
            self.lock.unlock()
        }
    }

    func finish() -> String {
        handle.readabilityHandler = nil
        let rest = handle.readDataToEndOfFile()
        lock.lock()
        defer { lock.unlock() }
        data.append(rest)
        return String(decoding: data, as: UTF8.self)
    }
}
