import Foundation

/// A one-node Ceph cluster (a monitor, one OSD keeping objects in memory, no cephx) with
/// radosgw in front, started once per test process in about 15 s. The shell that builds it
/// stays as a watchdog: when the test process ends, however it ends, it SIGKILLs the daemons
/// and removes the cluster's directory.
public actor RadosGateway {
    public static let shared = RadosGateway()
    public static let tools = ["ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "monmaptool", "ceph-authtool", "ceph"]

    static let accessKey = "WHARFTESTACCESSKEY"
    static let secretKey = "wharf-test-secret-key"
    private var started: Task<S3Endpoint, any Error>?
    /// The script, which stays as the cluster's watchdog (a dropped `TestProcess` kills it).
    private var watchdog: TestProcess?

    public func endpoint() async throws -> S3Endpoint {
        if let started { return try await started.value }
        let task = Task { try await launch() }
        started = task
        return try await task.value
    }

    private func launch() async throws -> S3Endpoint {
        for tool in Self.tools where Tool.path(tool) == nil {
            throw SupportError("\(tool) is not installed (apt-get install radosgw ceph-mon ceph-osd)")
        }
        let directory = try ShortDirectory.make()
        let gatewayPort = try FreePort.find()
        let monitorPort = try FreePort.find()
        let process = try await TestProcess.start(
            ["/bin/sh", Self.script, directory, String(gatewayPort), String(monitorPort), String(getpid()), Self.accessKey, Self.secretKey],
            logPath: directory + "/launch.log"
        )
        watchdog = process
        let deadline = ContinuousClock.now + .seconds(90)
        while ContinuousClock.now < deadline {
            if FileManager.default.fileExists(atPath: directory + "/ready"), (try? RawConnection(port: gatewayPort, timeoutSeconds: 1)) != nil {
                return S3Endpoint(url: "http://127.0.0.1:\(gatewayPort)", accessKey: Self.accessKey, secretKey: Self.secretKey)
            }
            guard process.isRunning else {
                try await Task.sleep(for: .milliseconds(200))
                throw SupportError("the Ceph cluster did not start: \(process.log.suffix(3000))")
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        process.signal(SIGTERM)
        throw SupportError("radosgw did not answer on \(gatewayPort) within 90 s: \(process.log.suffix(3000))")
    }

    /// `scripts/ceph-s3-cluster.sh` of this package (bench/s3 uses it too).
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts/ceph-s3-cluster.sh").path
    }
}
