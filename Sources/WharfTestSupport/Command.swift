import Foundation

/// Runs external programs (skopeo, umoci, python3...) to completion without blocking a
/// thread: swift-subprocess starts them and awaits their exit; output goes through files, so
/// a daemon a program leaves behind holding its output open cannot hold the caller.
public enum Command {
    public struct Output: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        public var succeeded: Bool { status == 0 }
    }

    /// Runs `arguments` (the first is looked up on PATH) and returns its output; throws when it
    /// fails unless `check` is false. Past `timeout` it is killed.
    @discardableResult
    public static func run(
        _ arguments: [String], environment: [String: String?] = [:], directory: String? = nil, check: Bool = true,
        timeout: Duration = .seconds(600)
    ) async throws -> Output {
        let scratch = NSTemporaryDirectory() + "wharf-command-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: scratch + ".out")
            try? FileManager.default.removeItem(atPath: scratch + ".err")
        }
        let process = try await TestProcess.start(
            arguments, environment: environment, directory: directory, logPath: scratch + ".out", errorPath: scratch + ".err"
        )
        let status: Int32
        do {
            status = try await process.waitForExit(timeout: timeout)
        } catch {
            await process.kill()
            throw SupportError("\(arguments.joined(separator: " ")) did not finish within \(timeout)")
        }
        let output = Output(
            status: status, stdout: process.log,
            stderr: (try? String(contentsOfFile: scratch + ".err", encoding: .utf8)) ?? ""
        )
        if check, !output.succeeded {
            throw SupportError(
                "\(arguments.joined(separator: " ")) exited \(status)\nstdout: \(output.stdout.suffix(2000))\nstderr: \(output.stderr.suffix(2000))"
            )
        }
        return output
    }
}
