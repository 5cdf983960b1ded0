import Foundation
import StorageFilesystem
import Testing
import WharfTestSupport

/// `wharf backup` against a running Wharf, with images pushed and pulled by skopeo.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available("skopeo", "umoci", "curl") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "skopeo, umoci or curl is not installed, or wharf is not built"
    )
)
struct BackupCommandTests {
    typealias Image = DistributionImportTests.Image

    /// `wharf <arguments>` with the data directory and backups directory of `directory`.
    @discardableResult
    func wharf(_ arguments: [String], in directory: String, environment: [String: String] = [:], check: Bool = true) async throws -> Command.Output {
        try await Command.run(
            [WharfProcess.binary] + arguments + ["--root", directory + "/data", "--dir", directory + "/backups"], environment: environment,
            check: check
        )
    }

    func push(_ tag: String, to repository: String, port: Int, directory: String, format: [String] = []) async throws {
        try await Command.run(
            ["skopeo", "copy", "--dest-tls-verify=false"] + format + ["oci:\(directory)/oci:\(tag)", "docker://127.0.0.1:\(port)/\(repository):\(tag)"]
        )
    }

    func probe(_ images: [Image], port: Int, scratch: String) async throws -> [Image: ManifestProbe] {
        var found: [Image: ManifestProbe] = [:]
        for image in images {
            found[image] = try await ManifestProbe.get(port: port, repository: image.repository, reference: image.reference, scratch: scratch)
        }
        return found
    }

    /// Every tag of every repository, from the catalog.
    func everything(port: Int) async throws -> [Image] {
        func json(_ path: String) async throws -> [String: Any] {
            let output = try await Command.run(["curl", "-sf", "http://127.0.0.1:\(port)\(path)"])
            return try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any] ?? [:]
        }
        var images: [Image] = []
        for repository in try await json("/v2/_catalog?n=1000")["repositories"] as? [String] ?? [] {
            for tag in try await json("/v2/\(repository)/tags/list")["tags"] as? [String] ?? [] {
                images.append(Image(repository: repository, reference: tag))
            }
        }
        return images
    }

    /// Pulls every blob of every image through skopeo, which verifies each digest.
    func pullAll(_ images: [Image], port: Int, scratch: String) async throws {
        for image in images {
            try await Command.run([
                "skopeo", "copy", "--all", "--src-tls-verify=false", "docker://127.0.0.1:\(port)/\(image.repository):\(image.reference)",
                "dir:\(scratch)/pulled-\(UUID().uuidString)",
            ])
        }
    }

    func timestamp(of output: Command.Output) throws -> String {
        let line = try #require(output.stdout.split(separator: "\n").first { $0.hasPrefix("wrote ") })
        return String(line.split(separator: "/").last?.prefix { $0.isNumber } ?? "")
    }

    @Test func backupWipeRestoreAndAnOlderBackupOverNewerDataWithForce() async throws {
        try await withTemporaryDirectory { directory in
            try await OCIImage.make(in: directory, tag: "v1", layerSizes: [1024 * 1024, 64 * 1024])
            try await OCIImage.make(in: directory, tag: "v2", layerSizes: [256 * 1024])
            try await OCIImage.make(in: directory, tag: "v3", layerSizes: [128 * 1024])
            let server = try await WharfProcess(root: directory + "/data")
            let port = try await server.waitUntilListening()
            try await push("v1", to: "team/app", port: port, directory: directory)
            try await push("v2", to: "team/app", port: port, directory: directory, format: ["--format", "v2s2"])
            try await push("v2", to: "tools/base", port: port, directory: directory)
            let images = try await everything(port: port)
            #expect(images.count == 3)
            let before = try await probe(images, port: port, scratch: directory)

            // Online: the server keeps running while the backup is written.
            let created = try await wharf(["backup", "create"], in: directory)
            let first = try timestamp(of: created)
            let listed = try await wharf(["backup", "list"], in: directory)
            #expect(listed.stdout.contains("\(first)_") && listed.stdout.contains("0.1.0"), "\(listed.stdout)")
            #expect(try await ManifestProbe.get(port: port, repository: "team/app", reference: "v1", scratch: directory).status == 200)

            // Wipe and restore (by BACKUP, as the seed takes it): every image pulls with its digest.
            await server.kill()
            try FileManager.default.removeItem(atPath: directory + "/data")
            try await wharf(["backup", "restore"], in: directory, environment: ["BACKUP": first])
            let restored = try await WharfProcess(root: directory + "/data")
            let port2 = try await restored.waitUntilListening()
            #expect(try await probe(images, port: port2, scratch: directory) == before)
            try await pullAll(images, port: port2, scratch: directory)

            // Newer data, then the older backup over it: refused without --force, applied with it.
            try await push("v3", to: "team/new", port: port2, directory: directory)
            // Archives are named by the second: wait for the clock to pass the first's.
            while Int64(Date().timeIntervalSince1970) <= Int64(first) ?? 0 { try await Task.sleep(for: .milliseconds(20)) }
            let second = try timestamp(of: try await wharf(["backup", "create"], in: directory))
            #expect(second != first)
            await restored.kill()
            let refused = try await wharf(["backup", "restore", "--backup", first], in: directory, check: false)
            #expect(!refused.succeeded)
            #expect(refused.stderr.contains("--force"), "\(refused.stderr)")
            try await wharf(["backup", "restore", "--backup", first, "--force"], in: directory)
            let older = try await WharfProcess(root: directory + "/data")
            let port3 = try await older.waitUntilListening()
            #expect(try await everything(port: port3).count == 3)
            #expect(try await ManifestProbe.get(port: port3, repository: "team/new", reference: "v3", scratch: directory).status == 404)
            #expect(try await probe(images, port: port3, scratch: directory) == before)
            await older.kill()
        }
    }

    @Test func aBackupTakenWhileEightClientsPushRestoresConsistently() async throws {
        try await withTemporaryDirectory { directory in
            for index in 0..<8 { try await OCIImage.make(in: directory, tag: "c\(index)", layerSizes: [2 * 1024 * 1024, 512 * 1024]) }
            let server = try await WharfProcess(root: directory + "/data")
            let port = try await server.waitUntilListening()
            try await push("c0", to: "seed/image", port: port, directory: directory)

            // The backup starts once the first push has landed, with the other pushes under way.
            let (firstPush, landed) = AsyncStream<Void>.makeStream()
            let backup = try await withThrowingTaskGroup(of: Command.Output?.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        for round in 0..<3 {
                            try await Command.run([
                                "skopeo", "copy", "--dest-tls-verify=false", "oci:\(directory)/oci:c\(index)",
                                "docker://127.0.0.1:\(port)/client\(index)/app:r\(round)",
                            ])
                            landed.yield()
                        }
                        return nil
                    }
                }
                group.addTask {
                    for await _ in firstPush { break }
                    return try await wharf(["backup", "create"], in: directory)
                }
                var result: Command.Output?
                for try await output in group { if let output { result = output } }
                return result
            }
            let created = try #require(backup)
            #expect(created.stdout.contains("wrote "))
            await server.kill()

            try FileManager.default.removeItem(atPath: directory + "/data")
            try await wharf(["backup", "restore"], in: directory)
            let restored = try await WharfProcess(root: directory + "/data")
            let port2 = try await restored.waitUntilListening()
            let images = try await everything(port: port2)
            #expect(images.contains(Image(repository: "seed/image", reference: "c0")))
            // Whatever the snapshot caught is whole: every manifest's blobs pull and verify.
            try await pullAll(images, port: port2, scratch: directory)
            await restored.kill()
        }
    }

    /// Polls until `condition` holds, then SIGKILLs `process`; false if it ended first. The poll
    /// runs on a thread of its own: on the cooperative pool, a busy full run delayed it past the
    /// moment the condition held.
    func kill(_ process: TestProcess, when condition: @escaping @Sendable () -> Bool) async throws -> Bool {
        let killed = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                while process.isRunning {
                    if condition() {
                        process.signal(SIGKILL)
                        continuation.resume(returning: true)
                        return
                    }
                    usleep(1_000)
                }
                continuation.resume(returning: false)
            }
        }
        guard killed else { return false }
        return try await process.waitForExit() == 128 + SIGKILL
    }

    func start(_ arguments: [String], in directory: String) async throws -> TestProcess {
        try await TestProcess.start([WharfProcess.binary] + arguments + ["--root", directory + "/data", "--dir", directory + "/backups"])
    }

    @Test func killDuringBackupAndDuringRestoreLeavesTheOldDataIntact() async throws {
        try await withTemporaryDirectory { directory in
            try await OCIImage.make(in: directory, tag: "big", layerSizes: [96 * 1024 * 1024, 96 * 1024 * 1024])
            try await OCIImage.make(in: directory, tag: "small", layerSizes: [64 * 1024])
            let server = try await WharfProcess(root: directory + "/data")
            let port = try await server.waitUntilListening()
            try await push("big", to: "team/big", port: port, directory: directory)
            let images = [Image(repository: "team/big", reference: "big")]
            let before = try await probe(images, port: port, scratch: directory)

            // Killed while writing: no archive appears, and the server never noticed.
            let backup = try await start(["backup", "create"], in: directory)
            let killedBackup = try await kill(backup) {
                ((try? FileManager.default.contentsOfDirectory(atPath: directory + "/backups")) ?? []).contains { $0.hasSuffix(".tar.partial") }
            }
            #expect(killedBackup, "the backup was killed while it was writing")
            #expect(try await wharf(["backup", "list"], in: directory).stdout.contains("no backups"))
            #expect(try await probe(images, port: port, scratch: directory) == before)

            // A complete backup, then newer data that a killed restore must not lose.
            try await wharf(["backup", "create"], in: directory)
            try await push("small", to: "team/after", port: port, directory: directory)
            await server.kill()
            let restore = try await start(["backup", "restore", "--force"], in: directory)
            // Killed once blobs are being extracted (the archive holds the database, then the blobs).
            let killedRestore = try await kill(restore) {
                let scratch = (try? FileManager.default.contentsOfDirectory(atPath: directory))?.first { $0.hasPrefix(".data.restore-") && !$0.hasSuffix("-files") }
                return scratch.map { FileManager.default.fileExists(atPath: directory + "/" + $0 + "/docker") } ?? false
            }
            #expect(killedRestore, "the restore was killed while it was extracting")
            let intact = try await WharfProcess(root: directory + "/data")
            let port2 = try await intact.waitUntilListening()
            #expect(try await probe(images, port: port2, scratch: directory) == before)
            #expect(try await ManifestProbe.get(port: port2, repository: "team/after", reference: "small", scratch: directory).status == 200)
            try await pullAll(images + [Image(repository: "team/after", reference: "small")], port: port2, scratch: directory)
            await intact.kill()

            // Run again, it completes and clears what the killed one left.
            let again = try await wharf(["backup", "restore", "--force"], in: directory)
            #expect(again.stdout.contains("interrupted restore"), "\(again.stdout)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(".data.") }.isEmpty)
            let final = try await WharfProcess(root: directory + "/data")
            let port3 = try await final.waitUntilListening()
            #expect(try await probe(images, port: port3, scratch: directory) == before)
            #expect(try await ManifestProbe.get(port: port3, repository: "team/after", reference: "small", scratch: directory).status == 404)
            await final.kill()
        }
    }

    @Test func aServerDoesNotStartOnADirectoryBeingRestored() async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/data"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let restore = try #require(try DataDirectoryLock.acquire(.exclusive, in: root))
            let server = try await WharfProcess(root: root)
            await #expect {
                _ = try await server.waitUntilListening(timeout: .seconds(30))
            } throws: { error in
                "\(error)".contains("is being restored")
            }
            withExtendedLifetime(restore) {}
        }
    }

    @Test func keepPrunesOlderArchivesAndListShowsNewestFirst() async throws {
        try await withTemporaryDirectory { directory in
            let server = try await WharfProcess(root: directory + "/data")
            _ = try await server.waitUntilListening()
            var written: [String] = []
            for _ in 0..<3 { written.append(try timestamp(of: try await wharf(["backup", "create", "--keep", "2"], in: directory))) }
            await server.kill()
            let listed = try await wharf(["backup", "list"], in: directory)
            let rows = listed.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0.isNumber }) }
            #expect(rows == [written[2], written[1]], "\(listed.stdout)")
            let restore = try await wharf(["backup", "restore", "--backup", written[0], "--force"], in: directory, check: false)
            #expect(!restore.succeeded && restore.stderr.contains("no backup \(written[0])"), "\(restore.stderr)")
        }
    }
}
