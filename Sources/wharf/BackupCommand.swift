import ArgumentParser
import Backup
import Config
import Foundation
import WharfServer

/// `wharf backup create|list|restore`: the seed's backup and restore, online and verified.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Back up and restore a Wharf data directory.",
        subcommands: [Create.self, List.self, Restore.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a backup archive while the registry keeps serving.",
            discussion: """
                Writes <backups dir>/<unix timestamp>_<yyyy_mm_dd>_<version>_wharf_backup.tar: a consistent snapshot
                of the metadata and identity data, the blobs it names, the signing key and certificates, and a
                SHA-256 of every entry. The server need not stop.
                """
        )

        @OptionGroup var options: BackupOptions

        @Option(help: "Leave parts out: registry (the blobs; metadata and keys are still backed up).")
        var skip: [String] = []

        @Option(help: "Keep only the newest N backups afterwards (default: backup.keep, or all).")
        var keep: Int?

        func run() async throws {
            let configuration = try options.load()
            let unknown = skip.flatMap { $0.split(separator: ",").map(String.init) }.filter { $0 != "registry" }
            guard unknown.isEmpty else { throw ValidationError("--skip \(unknown.joined(separator: ",")): only registry can be skipped") }
            if let keep, keep < 1 { throw ValidationError("--keep \(keep): keep at least 1 backup") }
            let root = configuration.storage.rootDirectory
            let directory = configuration.backup.resolvedDirectory(root: root)
            let objectStorage = StorageFactory.objectStorage(configuration)
            let note =
                if let objectStorage {
                    "blobs live in \(objectStorage) and are not copied: back the bucket up with its own tools (versioning, replication)"
                } else if !skip.isEmpty {
                    "skipped with --skip registry"
                } else {
                    String?.none
                }
            let console = ConsoleOutput(plainInterval: .seconds(5))
            let request = BackupRequest(
                root: root, files: BackupOptions.files(configuration), includeBlobs: note == nil, blobsNote: note, directory: directory,
                version: WharfVersion.current
            )
            console.line("backing up \(root) to \(directory)")
            if let note { console.line("the archive holds the metadata and keys, not the blobs: \(note)") }
            let item = try BackupCommand.run { try BackupCreator(request, progress: { console.status($0.summary) }).create() }
            console.line("wrote \(item.path) (\(BackupProgress.size(item.size)))")
            if let keep = keep ?? configuration.backup.keep {
                for name in try BackupCatalog(directory: directory).prune(keep: keep) {
                    console.line("removed \(name.fileName) (keeping the newest \(keep))")
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List backups, newest first.")

        @OptionGroup var options: BackupOptions

        func run() async throws {
            let configuration = try options.load()
            let directory = configuration.backup.resolvedDirectory(root: configuration.storage.rootDirectory)
            let items = try BackupCatalog(directory: directory).items()
            guard !items.isEmpty else {
                print("no backups in \(directory)")
                return
            }
            print("TIMESTAMP   CREATED (UTC)         SIZE        VERSION  FILE")
            for item in items {
                let created = Date(timeIntervalSince1970: Double(item.name.timestamp)).formatted(.iso8601)
                print(
                    String(item.name.timestamp).padding(toLength: 12, withPad: " ", startingAt: 0)
                        + created.padding(toLength: 22, withPad: " ", startingAt: 0)
                        + BackupProgress.size(item.size).padding(toLength: 12, withPad: " ", startingAt: 0)
                        + item.name.version.padding(toLength: 9, withPad: " ", startingAt: 0) + item.path
                )
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup into the data directory, atomically.",
            discussion: """
                Restores the newest backup, or the one --backup (or BACKUP in the environment) names by its timestamp.
                Never asks: refuses a directory a server is running on, and one holding data unless --force is given.
                Every checksum is verified before the data directory changes; the new data replaces the old in one
                atomic swap, so a failure or a kill leaves the old data in place.
                """
        )

        @OptionGroup var options: BackupOptions

        @Option(help: "The timestamp of the backup to restore (default: BACKUP, or the newest).")
        var backup: String?

        @Flag(help: "Replace a data directory that holds data.")
        var force = false

        func run() async throws {
            let configuration = try options.load()
            let root = configuration.storage.rootDirectory
            let directory = configuration.backup.resolvedDirectory(root: root)
            let wanted = backup ?? ProcessInfo.processInfo.environment["BACKUP"].flatMap { $0.isEmpty ? nil : $0 }
            let item = try BackupCommand.run { try BackupCatalog(directory: directory).find(timestamp: wanted) }
            let console = ConsoleOutput(plainInterval: .seconds(5))
            console.line("restoring \(item.path) into \(root)")
            let request = RestoreRequest(
                root: root, fileDestinations: BackupOptions.files(configuration), force: force,
                objectStorage: StorageFactory.objectStorage(configuration)
            )
            let report = try BackupCommand.run { try BackupRestorer(archive: item.path, request: request) { console.status($0.summary) }.restore() }
            for note in report.notes { console.line(note) }
            for (role, path) in report.filesRestored.sorted(by: { $0.key < $1.key }) { console.line("restored \(role) to \(path)") }
            let blobs = report.descriptor.blobsIncluded ? "\(report.descriptor.blobCount) blobs" : "no blobs"
            console.line("restored backup \(item.name.timestamp) (Wharf \(report.descriptor.version), \(blobs)) into \(root)")
        }
    }

    /// Runs a backup step, turning its errors into a one-line failure.
    static func run<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as BackupError {
            throw CommandFailure(description: error.description)
        } catch let error as TarError {
            throw CommandFailure(description: error.description)
        }
    }
}
