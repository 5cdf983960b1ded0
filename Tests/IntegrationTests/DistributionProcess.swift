import Foundation
import WharfTestSupport

/// Debian's Docker Distribution 2.8.2 (`docker-registry serve`) on a loopback port, with the
/// given extra configuration, for interop tests.
final class DistributionProcess: @unchecked Sendable {
    let process: TestProcess
    let port: Int

    /// Starts it with filesystem storage under `directory` (or `storageYAML`, the lines of the
    /// config's storage driver, indented by two) and `extraYAML` appended to the config.
    init(directory: String, extraYAML: String = "", storageYAML: String? = nil) async throws {
        port = try FreePort.find()
        let config = directory + "/distribution.yml"
        let storage = storageYAML ?? "  filesystem:\n    rootdirectory: \(directory)/distribution-data"
        let yaml = """
            version: 0.1
            log:
              level: info
            storage:
            \(storage)
              delete:
                enabled: true
            http:
              addr: 127.0.0.1:\(port)
            \(extraYAML)
            """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        guard let binary = Tool.path("docker-registry") else { throw SupportError("docker-registry is not installed") }
        // Its aws-sdk-go panics at start when AWS_CA_BUNDLE is set, even for a plain-http endpoint.
        process = try await TestProcess.start([binary, "serve", config], environment: ["AWS_CA_BUNDLE": nil])
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if (try? RawConnection(port: port, timeoutSeconds: 1)) != nil { return }
            guard process.isRunning else { throw SupportError("docker-registry exited: \(process.log)") }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw SupportError("docker-registry did not listen: \(process.log)")
    }

    var log: String { process.log }

    /// SIGTERM and wait, as an operator stops `registry:2` before an upgrade.
    func stop() async throws {
        process.signal(SIGTERM)
        try await process.waitForExit()
    }
}
