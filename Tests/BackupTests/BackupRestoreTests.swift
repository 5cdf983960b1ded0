import Backup
import Foundation
import OCI
import StorageFilesystem
import Testing
import WharfTestSupport

@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct BackupRestoreTests {
    /// Backups write and sync files: on a thread of their own, not the cooperative pool.
    func create(_ fixture: DataDirectoryFixture, includeBlobs: Bool = true, at time: Int64 = 1_796_000_000) async throws -> BackupCatalog.Item {
        let (root, files, backups) = (fixture.root, fixture.files, fixture.backups)
        return try await onThread {
            try BackupCreator(
                BackupRequest(
                    root: root, files: files, includeBlobs: includeBlobs, blobsNote: includeBlobs ? nil : "skipped",
                    directory: backups, version: "0.1.0"
                ),
                now: { time }
            ).create()
        }
    }

    func restore(_ fixture: DataDirectoryFixture, _ item: BackupCatalog.Item, force: Bool = false) async throws -> RestoreReport {
        let (root, files, path) = (fixture.root, fixture.files, item.path)
        return try await onThread {
            try BackupRestorer(archive: path, request: RestoreRequest(root: root, fileDestinations: files, force: force)).restore()
        }
    }

    @Test func backupWipeRestoreBringsBackMetadataBlobsAndKeys() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            let app = try await fixture.push("team/app", "v1")
            let tool = try await fixture.push("team/tool", "latest", layerSize: 3 * 1024 * 1024 + 17)
            let before = try fixture.fingerprint()
            let item = try await create(fixture)
            #expect(item.name.fileName == "1796000000_2026_11_30_0.1.0_wharf_backup.tar")

            try FileManager.default.removeItem(atPath: fixture.root)
            try FileManager.default.removeItem(atPath: fixture.outsideCertificate)
            let report = try await restore(fixture, item)
            #expect(report.descriptor.blobCount == 5, "two layers, one shared config, two manifests")
            #expect(report.filesRestored == ["signing-key": fixture.keyPath, "tls-certificate": fixture.outsideCertificate])
            #expect(try await fixture.tagged("team/app", "v1") == app)
            #expect(try await fixture.tagged("team/tool", "latest") == tool)
            let after = try fixture.fingerprint()
            #expect(after.filter { $0.key != "wharf.sqlite" } == before.filter { $0.key != "wharf.sqlite" }, "blobs and the key come back byte for byte")
            #expect(try String(contentsOfFile: fixture.outsideCertificate, encoding: .utf8) == "CERT-1")
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: base).filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "no scratch directories remain: \(leftovers)")
        }
    }

    @Test func anOlderBackupReplacesNewerDataOnlyWithForce() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            let old = try await fixture.push("team/app", "v1")
            let first = try await create(fixture, at: 1_796_000_000)
            try await fixture.push("team/app", "v1")
            try await fixture.push("team/new", "v1")
            _ = try await create(fixture, at: 1_796_000_100)
            let newer = try fixture.fingerprint()

            await #expect(throws: BackupError.self) { try await restore(fixture, first) }
            #expect(try fixture.fingerprint() == newer, "a refused restore changes nothing")

            let chosen = try BackupCatalog(directory: fixture.backups).find(timestamp: "1796000000")
            #expect(chosen == first)
            _ = try await restore(fixture, chosen, force: true)
            #expect(try await fixture.tagged("team/app", "v1") == old)
            #expect(try await fixture.tagged("team/new", "v1") == nil)
        }
    }

    @Test func aRunningServersDirectoryIsRefusedEvenWithForce() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            try await fixture.push("team/app", "v1")
            let item = try await create(fixture)
            let server = try #require(try DataDirectoryLock.acquire(.shared, in: fixture.root))
            let before = try fixture.fingerprint()
            await #expect {
                try await restore(fixture, item, force: true)
            } throws: { error in
                "\(error)".contains("server is running")
            }
            #expect(try fixture.fingerprint() == before)
            withExtendedLifetime(server) {}
            #expect(try DataDirectoryLock.acquire(.exclusive, in: fixture.root) == nil, "the server still holds its lock")
        }
    }

    @Test func skippingTheRegistryKeepsTheCurrentBlobs() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            let app = try await fixture.push("team/app", "v1", layerSize: 1024 * 1024)
            let item = try await create(fixture, includeBlobs: false)
            #expect(item.size < 512 * 1024, "no blobs in the archive")
            let blobs = try fixture.fingerprint().filter { $0.key.hasPrefix("docker/") }
            let report = try await restore(fixture, item, force: true)
            #expect(report.notes.contains { $0.contains("kept 3 blobs") })
            #expect(try fixture.fingerprint().filter { $0.key.hasPrefix("docker/") } == blobs)
            #expect(try await fixture.tagged("team/app", "v1") == app)
        }
    }

    @Test func aCorruptBlobInStorageFailsTheBackupAndLeavesNoArchive() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            let manifest = try await fixture.push("team/app", "v1")
            let path = fixture.root + "/docker/registry/v2/blobs/sha256/\(manifest.hex.prefix(2))/\(manifest.hex)/data"
            try Data("tampered".utf8).write(to: URL(fileURLWithPath: path))
            await #expect {
                try await create(fixture)
            } throws: { error in
                "\(error)".contains("corrupt")
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: fixture.backups).filter { $0 != DataDirectoryLock.fileName }
            #expect(left.isEmpty, "\(left)")
        }
    }

    @Test func retentionKeepsTheNewestArchives() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            try await fixture.push("team/app", "v1")
            for time in [100, 200, 300, 400] { _ = try await create(fixture, at: Int64(1_796_000_000 + time)) }
            let catalog = BackupCatalog(directory: fixture.backups)
            #expect(try catalog.prune(keep: 2).map(\.timestamp) == [1_796_000_200, 1_796_000_100])
            #expect(try catalog.items().map(\.name.timestamp) == [1_796_000_400, 1_796_000_300])
            #expect(throws: BackupError.self) { try catalog.find(timestamp: "1796000100") }
        }
    }

    @Test func leftoversOfAKilledRestoreAreCleanedAndParkedDataComesBack() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            let app = try await fixture.push("team/app", "v1")
            let item = try await create(fixture)
            try FileManager.default.createDirectory(atPath: base + "/.data.restore-dead/docker", withIntermediateDirectories: true)
            // A kill between the fallback's two renames: the data is parked and the path is gone.
            try FileManager.default.moveItem(atPath: fixture.root, toPath: base + "/.data.parked")
            await #expect(throws: BackupError.self) { try await restore(fixture, item) }
            #expect(try await fixture.tagged("team/app", "v1") == app, "the parked data is back in place")
            #expect(!FileManager.default.fileExists(atPath: base + "/.data.restore-dead"))
        }
    }

    @Test func backupsAndArchivesInsideTheDataDirectoryAreRefused() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            try await fixture.push("team/app", "v1")
            #expect {
                try BackupCreator(
                    BackupRequest(root: fixture.root, files: [:], includeBlobs: true, blobsNote: nil, directory: fixture.root + "/../data/backups", version: "0.1.0")
                ).create()
            } throws: { error in
                "\(error)".contains("inside the data directory")
            }
            let item = try await create(fixture)
            let inside = fixture.root + "/" + item.name.fileName
            try FileManager.default.copyItem(atPath: item.path, toPath: inside)
            #expect {
                try BackupRestorer(archive: inside, request: RestoreRequest(root: fixture.root, fileDestinations: [:], force: true)).restore()
            } throws: { error in
                "\(error)".contains("inside the data directory")
            }
            #expect(FileManager.default.fileExists(atPath: inside))
        }
    }

    @Test func theRestoredDirectoryKeepsTheOldOnesPermissions() async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            try await fixture.push("team/app", "v1")
            let item = try await create(fixture)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: fixture.root)
            _ = try await restore(fixture, item, force: true)
            let permissions = try FileManager.default.attributesOfItem(atPath: fixture.root)[.posixPermissions] as? NSNumber
            #expect(permissions?.intValue == 0o700)
        }
    }
}
