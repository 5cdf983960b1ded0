import Foundation

/// A moto S3 server started once per test process and shared by its tests (every case of a
/// conformance suite uses it). A watchdog shell kills it within a second of the test process
/// ending, however it ends, so no server outlives the run. It kills with SIGKILL: a child of
/// the test process inherits its blocked signal mask, so SIGTERM would stay pending.
public actor SharedMotoServer {
    public static let standard = SharedMotoServer(name: "moto_server")

    /// A second moto for the suites that push large objects through it: one Python process
    /// busy hashing hundreds of MiB answered the other suites' requests past their 30 s read
    /// timeout.
    public static let forLargeObjects = SharedMotoServer(name: "moto_server (large objects)")

    let name: String
    let environment: [String: String?]
    private var started: Task<Int, any Error>?
    /// The watchdog shell, kept for the life of the test process (a dropped `TestProcess` kills
    /// its program).
    private var watchdog: TestProcess?

    public init(name: String, environment: [String: String?] = [:]) {
        self.name = name
        self.environment = environment
    }

    /// The server's loopback port, starting it on first use.
    public func port() async throws -> Int {
        if let started { return try await started.value }
        // Not the priority of whichever suite asks first (background, for the S3 suites).
        let task = Task(priority: .medium) { try await launch() }
        started = task
        return try await task.value
    }

    /// moto binds a port the kernel chooses and names it in a file: a port chosen beforehand
    /// stays free only until the seconds moto spends importing are over, and a server another
    /// test started there meanwhile would answer in moto's place.
    private static let launcher = """
        import logging, os, sys
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
        from werkzeug.serving import make_server
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
        server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=True)
        port = str(server.server_address[1])
        os.environ["MOTO_PORT"] = port
        with open(sys.argv[1] + ".partial", "w") as named:
            named.write(port)
        os.rename(sys.argv[1] + ".partial", sys.argv[1])
        server.serve_forever()
        """

    private func launch() async throws -> Int {
        guard let python = Tool.path("python3") else { throw SupportError("python3 is not installed") }
        let directory = try ShortDirectory.make()
        let portFile = directory + "/port"
        // Not moto.py: the script's own directory comes first on sys.path and would shadow moto.
        let scriptFile = directory + "/launch_moto.py"
        try Self.launcher.write(toFile: scriptFile, atomically: true, encoding: .utf8)
        let watchdog = """
            '\(python)' '\(scriptFile)' '\(portFile)' >'\(directory)/log' 2>&1 &
            server=$!
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done
            kill -KILL $server 2>/dev/null
            cat '\(directory)/log'
            rm -rf '\(directory)'
            """
        // At the test process's own priority: every test of the S3 suites waits for this one
        // server, whose start (moto imports all of its services) is seconds of CPU; niced, it
        // starved behind the tests of the first minute and missed its deadline. It is watched
        // for exit meanwhile, so the bound is only for a server that hangs.
        let process = try await TestProcess.start(["/bin/sh", "-c", watchdog], environment: environment, niceness: 0)
        self.watchdog = process
        let deadline = ContinuousClock.now + .seconds(120)
        while true {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                try await warmUp(port)
                return port
            }
            guard process.isRunning else {
                throw SupportError("\(name) exited before it listened: \(process.log)")
            }
            guard ContinuousClock.now < deadline else { throw SupportError("\(name) did not listen within 120 s") }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// One request before any test's: moto builds its S3 application on the first request, under
    /// a lock every other request waits on, and on a loaded machine that took longer than the
    /// tests' read timeout when dozens of them arrived at once.
    private func warmUp(_ port: Int) async throws {
        let connection = try RawConnection(port: port, timeoutSeconds: 120)
        defer { connection.close() }
        try await connection.send("GET / HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n")
        let answer = await connection.read(until: "\r\n\r\n").text
        guard answer.hasPrefix("HTTP/1.1 200") else {
            throw SupportError("\(name) answered its first request with \(answer.prefix(200))")
        }
    }
}
