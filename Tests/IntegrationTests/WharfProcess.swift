import Config
import Foundation
import Identity
import WharfServer
import WharfTestSupport

/// The real `wharf` binary, started on an ephemeral port, for tests that kill and restart it.
final class WharfProcess: @unchecked Sendable {
    let process: TestProcess
    private(set) var port = 0
    /// It makes its own 4096-bit signing key before it listens: seconds of a debug build's CPU,
    /// which a loaded machine stretched past a minute.
    let makesItsKey: Bool

    /// The `wharf` built next to this test bundle.
    static var binary: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("wharf").path
    }

    /// Starts `wharf serve`; open (`REGISTRY_AUTH=none`) unless `environment` says otherwise.
    /// Without `root` the data directory is the default `./wharf-data` of `directory`, and
    /// Wharf makes its signing key itself, as on a first start; with one, a fixed test key is
    /// put where Wharf looks first (making a 4096-bit key costs a debug build seconds of CPU,
    /// taken from every test beside it).
    /// `generateSigningKey`: Wharf makes its own key even with a `root` (tests of that key).
    /// `keyRoot`: the data directory a configuration names, given the fixture key like a `root`.
    init(
        root: String?, arguments: [String] = [], environment: [String: String] = ["REGISTRY_AUTH": "none"], directory: String? = nil,
        generateSigningKey: Bool = false, keyRoot: String? = nil
    ) async throws {
        if let root, !generateSigningKey, environment["REGISTRY_AUTH"] != "none" { try Self.provisionSigningKey(root: root) }
        if let keyRoot { try Self.provisionSigningKey(root: keyRoot) }
        makesItsKey = (root == nil || generateSigningKey) && keyRoot == nil && environment["REGISTRY_AUTH"] != "none"
        // Niced all the same: unniced, its key took the cores from the clients other tests
        // start (niced), and those missed their own deadlines.
        process = try await TestProcess.start(
            [Self.binary, "serve", "--addr", "127.0.0.1:0"] + (root.map { ["--root", $0] } ?? []) + arguments,
            environment: environment, directory: directory
        )
    }

    /// The fixture key at `<root>/keys/registry.key` (and its certificate), unless a key is there.
    static func provisionSigningKey(root: String) throws {
        let data = DataDirectory(root)
        guard !FileManager.default.fileExists(atPath: data.defaultSigningKey) else { return }
        let pair = try SigningKeyPair(privateKeyPEM: KeyFixtures.rsa.privateKeyPEM, certificatePEM: KeyFixtures.rsa.certificatePEM)
        try SigningKeyFiles.write(pair, keyPath: data.defaultSigningKey, certificatePath: String(data.defaultSigningKey.dropLast(4)) + ".crt")
    }

    /// Waits for the "listening on" line of the main listener and records its port; `other`
    /// is a port to skip (the debug listener's).
    func waitUntilListening(timeout: Duration? = nil, other: Int? = nil) async throws -> Int {
        let deadline = ContinuousClock.now + (timeout ?? (makesItsKey ? .seconds(240) : .seconds(60)))
        while ContinuousClock.now < deadline {
            let text = process.log
            for line in text.split(separator: "\n") {
                guard let range = line.range(of: "listening on 127.0.0.1:"),
                    let port = Int(line[range.upperBound...].prefix { $0.isNumber }), port != other
                else { continue }
                self.port = port
                return port
            }
            guard process.isRunning else { throw SupportError("wharf exited: \(text)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SupportError("wharf did not start listening: \(process.log)")
    }

    var logText: String { process.log }

    /// SIGKILL (no shutdown code runs, as in a crash or an OOM kill), and its exit awaited.
    func kill() async {
        await process.kill()
    }

    /// SIGKILL without waiting, for `defer`.
    func killNow() {
        process.signal(SIGKILL)
    }
}
