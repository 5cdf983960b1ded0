import ArgumentParser
import Config
import Foundation
import Logging
import Metadata
import MetadataSQLite
import Registry
import StorageDriver
import StorageFilesystem
import WharfServer

/// `wharf gc run` and `wharf gc orphans`: garbage collection by hand, beside a running server.
struct GCCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Collect garbage: unreferenced manifests, links and blobs.", subcommands: [Run.self, Orphans.self]
    )

    /// What both subcommands open: the configuration, the data directory (shared lock, as a
    /// server holds it), the metadata store and the storage driver.
    struct Opened {
        let configuration: Config.Configuration
        let database: SQLiteDatabase
        let metadata: SQLiteMetadataStore
        let driver: any StorageDriver
        let lock: DataDirectoryLock

        init(_ options: ConfigurationOptions, reviewAfter: String?, uploadGrace: String? = nil) async throws {
            var configuration = try options.configuration()
            if let reviewAfter { configuration.gc.reviewAfter = try Self.seconds(reviewAfter, option: "--review-after") }
            if let uploadGrace { configuration.gc.uploadGrace = try Self.seconds(uploadGrace, option: "--upload-grace") }
            let data = DataDirectory(configuration.storage.rootDirectory)
            guard FileManager.default.fileExists(atPath: data.database) else {
                throw ValidationError("no Wharf data in \(data) (no \(DataDirectory.databaseName)): pass --root or --config")
            }
            guard let lock = try DataDirectoryLock.acquire(.shared, in: data.path) else {
                throw CommandFailure(description: "\(data.path) is being restored: run garbage collection when the restore has finished")
            }
            self.lock = lock
            self.configuration = configuration
            database = try await SQLiteDatabase.open(path: data.database)
            metadata = SQLiteMetadataStore(database: database)
            driver = try await StorageFactory.driver(configuration)
        }

        func close() {
            try? database.close()
        }

        static func seconds(_ text: String, option: String) throws -> Double {
            guard let seconds = text == "-1" || text == "0" ? 0 : GoDuration.seconds(text) else {
                throw ValidationError("\(option) \(text) is not a duration: write e.g. 24h, 30m or 0s")
            }
            return seconds
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Collect every due candidate once, beside a running server, printing what is deleted.",
            discussion: """
                Reviews every candidate whose review delay (gc.reviewafter) has passed: untagged manifests nothing
                points at, links no manifest of their repository references, and blobs nothing links or references.
                With --dry-run, prints what would be deleted now and changes nothing (what those deletions would
                make due in turn is not shown).
                """
        )

        @OptionGroup var options: ConfigurationOptions

        @Flag(help: "Print what would be deleted; change nothing.")
        var dryRun = false

        @Option(help: "Review delay for this run instead of gc.reviewafter (e.g. 0s: everything queued is due).")
        var reviewAfter: String?

        @Option(help: "Least wait of links of pushes in progress instead of gc.uploadgrace (0s when no push runs).")
        var uploadGrace: String?

        func run() async throws {
            let opened = try await Opened(options, reviewAfter: reviewAfter, uploadGrace: uploadGrace)
            defer { opened.close() }
            let console = ConsoleOutput()
            let collector = WharfApplication.collector(
                opened.configuration, driver: opened.driver, metadata: opened.metadata, logger: Logger(label: "wharf.gc")
            )
            let verb = dryRun ? "would delete" : "deleted"
            let started = ContinuousClock.now
            var rounds = 0
            let total = try await collector.collectAll(dryRun: dryRun, progress: { pass in
                rounds += 1
                for item in pass.manifests { console.line("\(verb) manifest \(item.repository)@\(item.digest) (\(item.event.rawValue))") }
                for item in pass.links { console.line("\(dryRun ? "would remove" : "removed") link \(item.repository) -> \(item.digest)") }
                for blob in pass.blobs { console.line("\(verb) blob \(blob.digest) (\(blob.size) bytes)") }
                for blob in pass.failed { console.line("could not delete blob \(blob.digest); postponed") }
                console.status("round \(rounds): \(pass.manifests.count) manifests, \(pass.links.count) links, \(pass.blobs.count) blobs")
            })
            let seconds = Double((ContinuousClock.now - started).components.attoseconds) / 1e18
                + Double((ContinuousClock.now - started).components.seconds)
            console.line(
                "\(total.manifests.count) manifests, \(total.links.count) links, \(total.blobs.count) blobs \(verb), "
                    + "\(total.bytesFreed) bytes \(dryRun ? "would be freed" : "freed"), \(total.failed.count) failed, "
                    + String(format: "%.2f s", seconds) + (dryRun ? " (dry run: nothing changed)" : "")
            )
        }
    }

    struct Orphans: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete blobs in storage that Wharf does not know (an imported root, a crash between move and commit).",
            discussion: """
                Walks the blob tree once. A blob file is deleted when no row, upload or manifest knows its digest and it
                is older than the review delay (gc.reviewafter, at least 10 minutes: a manifest's bytes are written
                moments before its row).
                """
        )

        @OptionGroup var options: ConfigurationOptions

        @Flag(help: "Print what would be deleted; change nothing.")
        var dryRun = false

        @Option(help: "Minimum age instead of gc.reviewafter (never below 10 minutes).")
        var reviewAfter: String?

        /// Bytes written moments before their row (a manifest push) are never orphans.
        static let minimumAge: Double = 600

        func run() async throws {
            let opened = try await Opened(options, reviewAfter: reviewAfter)
            defer { opened.close() }
            let console = ConsoleOutput()
            let age = max(Self.minimumAge, opened.configuration.gc.reviewAfter)
            let cutoff = Date().timeIntervalSince1970 - age
            let walker = OrphanWalker(driver: opened.driver, metadata: opened.metadata)
            let collector = WharfApplication.collector(
                opened.configuration, driver: opened.driver, metadata: opened.metadata, logger: Logger(label: "wharf.gc")
            )
            var examined = 0
            var pending: [BlobRecord] = []
            var found = 0
            var deleted = 0
            var bytes: Int64 = 0
            var failed = 0
            // Each batch is marked just before its deletes (a push of one of them meanwhile wins).
            func flush() async throws {
                guard !pending.isEmpty else { return }
                defer { pending.removeAll() }
                if dryRun { return }
                let pass = try await collector.deleteOrphans(pending, now: Date().timeIntervalSince1970)
                deleted += pass.blobs.count
                bytes += pass.bytesFreed
                failed += pass.failed.count
                for blob in pass.failed { console.line("could not delete \(blob.digest); it is tried again later") }
            }
            try await walker.walk { blob in
                examined += 1
                console.status("\(examined) blobs examined")
                guard !blob.known, blob.modified < cutoff else { return }
                found += 1
                console.line("\(dryRun ? "would delete" : "deleting") orphan \(blob.digest) (\(blob.size) bytes)")
                pending.append(BlobRecord(digest: blob.digest, size: blob.size, createdAt: blob.modified))
                if pending.count >= 1000 { try await flush() }
            }
            try await flush()
            console.line(
                "\(examined) blobs examined, \(dryRun ? found : deleted) orphans \(dryRun ? "found" : "deleted"), \(bytes) bytes freed, "
                    + "\(failed) failed\(dryRun ? " (dry run: nothing changed)" : "")"
            )
        }
    }
}
