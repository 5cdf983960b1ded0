import ArgumentParser
import Foundation
import Logging
import MetadataSQLite
import Registry
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
                Wharf's own root too, blobs are adopted in place; otherwise they are copied. Every blob is
                verified; problems are listed and skipped. Running it again changes nothing; an interrupted
                run completes when run again.
                """
        )

        @Option(help: "Distribution's storage root (holding docker/registry/v2).")
        var root: String

        @Option(help: "Wharf's data directory (default: REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY or ./wharf-data).")
        var wharfRoot: String?

        @Flag(help: "Verify and report without changing anything.")
        var dryRun = false

        func run() async throws {
            let target = wharfRoot ?? ProcessInfo.processInfo.environment["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] ?? "./wharf-data"
            guard FileManager.default.fileExists(atPath: root + "/docker/registry/v2") else {
                throw CommandFailure(description: "\(root) holds no docker/registry/v2: give Distribution's rootdirectory")
            }
            try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
            let same = Self.canonical(root) == Self.canonical(target)
            let console = ConsoleOutput()
            // Relaxed commits: an import interrupted by a power cut is simply run again. The
            // checkpoint at the end puts everything on disk before the command reports success.
            let database = try SQLiteDatabase(path: target + "/" + WharfApplication.databaseName, durability: .relaxed)
            let importer = DistributionImporter(
                source: FilesystemDriver(root: root), target: FilesystemDriver(root: target),
                metadata: SQLiteMetadataStore(database: database), sameStorage: same, dryRun: dryRun,
                progress: { console.line($0) }
            )
            console.line("\(dryRun ? "checking" : "importing") \(root) into \(target)\(same ? " (same storage: blobs adopted in place)" : "")")
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

        static func canonical(_ path: String) -> String {
            URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        }
    }
}
