import Foundation

/// A server started once per test process and shared by its tests (moto's S3, which every
/// case of a conformance suite uses). A watchdog shell kills it within a second of the test
/// process ending, however it ends, so no server outlives the run. It kills with SIGKILL: a
/// child of the test process inherits its blocked signal mask, so SIGTERM would stay pending.
public actor SharedServer {
    public static let moto = SharedServer(name: "moto_server") { port in
        ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
    }

    /// A second moto for the suites that push large objects through it: one Python process
    /// busy hashing hundreds of MiB answered the other suites' requests past their 30 s read
    /// timeout.
    public static let motoForLargeObjects = SharedServer(name: "moto_server (large objects)") { port in
        ["moto_server", "-H", "127.0.0.1", "-p", String(port)]
    }

    let name: String
    let command: @Sendable (Int) -> [String]
    private var started: Task<Int, any Error>?
    /// The watchdog shell, kept for the life of the test process (a dropped `TestProcess` kills
    /// its program).
    private var watchdog: TestProcess?

    public init(name: String, command: @escaping @Sendable (Int) -> [String]) {
        self.name = name
        self.command = command
    }

    /// The server's loopback port, starting it on first use.
    public func port() async throws -> Int {
        if let started { return try await started.value }
        // Not the priority of whichever suite asks first (background, for the S3 suites).
        let task = Task(priority: .medium) { try await launch() }
        started = task
        return try await task.value
    }

    private func launch() async throws -> Int {
        let arguments = command(try FreePort.find())
        guard let executable = Tool.path(arguments[0]) else { throw SupportError("\(arguments[0]) is not installed") }
        let port = Int(arguments.last ?? "") ?? 0
        let quoted = ([executable] + arguments.dropFirst()).map { "'\($0)'" }.joined(separator: " ")
        let watchdog = """
            \(quoted) >/dev/null 2>&1 &
            server=$!
            while kill -0 \(getpid()) 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done
            kill -KILL $server 2>/dev/null
            """
        // At the test process's own priority: every test of the S3 suites waits for this one
        // server, whose start (moto imports all of its services) is seconds of CPU; niced, it
        // starved behind the tests of the first minute and missed its deadline. It is watched
        // for exit meanwhile, so the bound is only for a server that hangs.
        let process = try await TestProcess.start(["/bin/sh", "-c", watchdog], niceness: 0)
        self.watchdog = process
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            if (try? RawConnection(port: port, timeoutSeconds: 1)) != nil { return port }
            guard process.isRunning else { throw SupportError("\(name) exited before it listened") }
            try await Task.sleep(for: .milliseconds(100))
        }
        if (try? RawConnection(port: port, timeoutSeconds: 1)) != nil { return port }
        throw SupportError("\(name) did not listen on \(port)")
    }
}
