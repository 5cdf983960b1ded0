import ArgumentParser
import Config
import Foundation
import Logging
import MetadataSQLite
import Registry
import StorageDriver
import StorageFilesystem
import WharfServer

/// `wharf import distribution`: adopt a Docker Distribution (registry:2) storage root.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import another registry's data.", subcommands: [Distribution.self]
    )

    struct Distribution: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a Distribution root's repositories, manifests, tags and layer links in Wharf.",
            discussion: """
                Point --root at registry:2's rootdirectory (the folder holding docker/registry/v2). When it is
                Wharf's own root too, blobs are adopted in place; otherwise they are copied into Wharf's storage
                (the data directory, or the S3 bucket the configuration names). Without --root, the storage the
                configuration names is imported in place: the S3 bucket and rootdirectory registry:2 used. Every
                blob is verified; problems are listed and skipped. Running it again changes nothing; an
                interrupted run completes when run again.
                """
        )

        @Option(help: "Distribution's storage root on disk (holding docker/registry/v2); omit to import the configured S3 storage.")
        var root: String?

        @Option(help: "Wharf's data directory (default: the configuration's, REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY or ./wharf-data).")
        var wharfRoot: String?

        @Option(help: "A Distribution config.yml (default: REGISTRY_CONFIGURATION_PATH).")
        var config: String?

        @Flag(help: "Verify and report without changing anything.")
        var dryRun = false

        func run() async throws {
            let configuration: Config.Configuration
            do {
                configuration = try ConfigurationOptions.load(file: config, root: wharfRoot).configuration
            } catch {
                throw ValidationError("\(error)")
            }
            let target = configuration.storage.rootDirectory
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let storage = try await StorageFactory.driver(configuration)
            let objectStorage = StorageFactory.objectStorage(configuration)
            let source: any StorageDriver
            let same: Bool
            let from: String
            if let root {
                guard FileManager.default.fileExists(atPath: root + "/docker/registry/v2") else {
                    throw CommandFailure(description: "\(root) holds no docker/registry/v2: give Distribution's rootdirectory")
                }
                source = FilesystemDriver(root: root)
                same = objectStorage == nil && Self.canonical(root) == Self.canonical(target)
                from = root
            } else if let objectStorage {
                guard try await storage.exists(DistributionImporter.repositoriesRoot) else {
                    throw CommandFailure(
                        description: "\(objectStorage) holds no docker/registry/v2/repositories: check the bucket and rootdirectory of storage.s3 or storage.gcs"
                    )
                }
                source = storage
                same = true
                from = objectStorage
            } else {
                throw ValidationError("give --root (registry:2's rootdirectory), or configure storage.s3 or storage.gcs to import the bucket it used")
            }
            let into = objectStorage.map { "\(target) and \($0)" } ?? target
            let console = ConsoleOutput()
            // A collecting server on the same data deletes no blob file while the import adopts
            // or copies blobs (with S3 there is no such pause: import with gc disabled).
            let collectionPause = objectStorage == nil && !dryRun ? try await Self.pauseCollection(in: target) : nil
            defer { withExtendedLifetime(collectionPause) {} }
            // Relaxed commits: an import interrupted by a power cut is simply run again. The
            // checkpoint at the end puts everything on disk before the command reports success.
            let database = try await SQLiteDatabase.open(path: DataDirectory(target).database, durability: .relaxed)
            let importer = DistributionImporter(
                source: source, target: storage, metadata: SQLiteMetadataStore(database: database), sameStorage: same, dryRun: dryRun,
                progress: { console.line($0) }
            )
            console.line("\(dryRun ? "checking" : "importing") \(from) into \(into)\(same ? " (same storage: blobs adopted in place)" : "")")
            let report = try await importer.run()
            try database.checkpoint()
            try database.close()
            for problem in report.problems { console.line("problem: \(problem)") }
            console.line(
                "\(report.repositories) repositories, \(report.blobsAdopted) blobs adopted, \(report.blobsCopied) copied, "
                    + "\(report.blobsAlreadyKnown) already known, \(report.manifests) manifests, \(report.tags) tags, "
                    + "\(report.deletedLinks) deleted links skipped, \(report.problems.count) problems\(dryRun ? " (dry run: nothing changed)" : "")"
            )
        }

        /// Holds `collection.lock` exclusively, waiting at most a minute for a batch of deletes.
        static func pauseCollection(in directory: String) async throws -> DataDirectoryLock {
            for _ in 0..<600 {
                if let lock = try DataDirectoryLock.acquire(.exclusive, in: directory, file: DataDirectoryLock.collectionFileName) { return lock }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw CommandFailure(description: "garbage collection has held \(DataDirectoryLock.collectionFileName) in \(directory) for a minute: try again")
        }

        static func canonical(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        }
    }
}
