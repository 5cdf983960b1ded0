import Config
import Foundation
import MetadataSQLite
import StorageFilesystem

/// Writes one backup archive while the registry keeps serving: first an SQLite online-backup
/// snapshot of the metadata, then exactly the blobs that snapshot names (blobs are immutable,
/// so the pair is consistent even if pushes land meanwhile), then the checksum list. The
/// archive is written under a hidden partial name and renamed when complete and on disk, so
/// a kill leaves no half archive that looks like a backup.
public final class BackupCreator {
    let request: BackupRequest
    let progress: (BackupProgress) -> Void
    let now: () -> Int64

    public init(_ request: BackupRequest, now: @escaping () -> Int64 = { Int64(Date().timeIntervalSince1970) }, progress: @escaping (BackupProgress) -> Void = { _ in }) {
        self.request = request
        self.now = now
        self.progress = progress
    }

    public func create() throws -> BackupCatalog.Item {
        let root = request.root
        let database = DataDirectory(root).database
        guard FileManager.default.fileExists(atPath: database) else {
            throw BackupError.failed("no Wharf data in \(root) (no \(DataDirectory.databaseName)): nothing to back up")
        }
        let directory = request.directory
        guard !PathContainment.isInside(directory, root) else {
            throw BackupError.refused(
                "the backups directory \(directory) lies inside the data directory \(root), which a restore replaces: choose one outside it (--dir or backup.dir)"
            )
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw BackupError.failed("cannot create the backups directory \(directory): \(error.localizedDescription)")
        }
        // One backup at a time per directory; partial files of killed runs are dropped.
        let lock: DataDirectoryLock?
        do { lock = try DataDirectoryLock.acquire(.exclusive, in: directory, patienceMilliseconds: 2000) } catch { throw BackupError.failed("\(error)") }
        guard let lock else { throw BackupError.refused("another backup is being written to \(directory)") }
        defer { withExtendedLifetime(lock) {} }
        for file in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where file.hasPrefix(".") && file.hasSuffix(".partial") {
            try? FileManager.default.removeItem(atPath: directory + "/" + file)
        }

        var timestamp = now()
        while FileManager.default.fileExists(atPath: directory + "/" + BackupArchiveName(timestamp: timestamp, version: request.version).fileName) {
            timestamp += 1
        }
        let name = BackupArchiveName(timestamp: timestamp, version: request.version)
        let partial = directory + "/." + name.fileName + ".partial"
        let snapshot = directory + "/.\(timestamp).snapshot.partial"
        defer {
            try? FileManager.default.removeItem(atPath: snapshot)
            try? FileManager.default.removeItem(atPath: partial)
        }
        // No garbage collector deletes a blob file from the snapshot until the last blob is copied.
        let collectionPause = request.includeBlobs ? try Self.pauseCollection(in: root) : nil
        defer { withExtendedLifetime(collectionPause) {} }
        do {
            try SQLiteSnapshot.take(from: database, to: snapshot)
        } catch {
            throw BackupError.failed("the metadata snapshot of \(database) failed: \(error)")
        }
        let blobs = request.includeBlobs ? try Self.uniqueBlobs(try SQLiteSnapshot.storedBlobs(in: snapshot)) : []
        let files = request.files.filter { FileManager.default.fileExists(atPath: $0.value) }
        let descriptor = BackupDescriptor(
            version: request.version, createdAt: timestamp, dataDirectory: root, blobsIncluded: request.includeBlobs,
            blobsNote: request.blobsNote, blobCount: blobs.count, blobBytes: blobs.reduce(0) { $0 + $1.size }, files: files
        )

        let output = try RawFile(path: partial, mode: .createNew)
        let writer = TarWriter(file: output)
        var checksums = BackupChecksums()
        let reporter = ProgressReporter(
            totalFiles: 3 + files.count + blobs.count,
            totalBytes: (Self.size(of: snapshot) ?? 0) + descriptor.blobBytes + files.values.reduce(0) { $0 + (Self.size(of: $1) ?? 0) },
            sink: progress
        )

        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let descriptorBytes = Array(try encoder.encode(descriptor))
        let descriptorHash = try writer.add(name: BackupEntryName.descriptor.name, bytes: descriptorBytes, modificationTime: timestamp)
        checksums.append(name: BackupEntryName.descriptor.name, size: Int64(descriptorBytes.count), sha256: descriptorHash)
        reporter.status.files += 1

        func copy(_ path: String, as entry: BackupEntryName, expecting hex: String? = nil) throws {
            let input = try RawFile(path: path, mode: .read)
            input.adviseSequential()
            defer { input.close() }
            guard let size = Self.size(of: path) else { throw BackupError.failed("\(path) vanished while it was backed up") }
            try writer.begin(TarHeader(name: entry.name, size: size, modificationTime: timestamp))
            try Self.withChunkBuffer { buffer in
                var left = size
                while left > 0 {
                    let count = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<Int(min(Int64(buffer.count), left))]))
                    guard count > 0 else { throw BackupError.failed("\(path) shrank while it was backed up") }
                    try writer.write(UnsafeRawBufferPointer(rebasing: buffer[..<count]))
                    left -= Int64(count)
                    reporter.status.bytes += Int64(count)
                    reporter.report()
                }
            }
            let hash = try writer.end()
            if let hex, hash != hex {
                throw BackupError.failed("blob \(hex) in \(root) is corrupt (its bytes hash to \(hash)): repair or remove it, then back up again")
            }
            checksums.append(name: entry.name, size: size, sha256: hash)
            reporter.status.files += 1
            reporter.report()
        }

        try copy(snapshot, as: .database)
        for (role, path) in files.sorted(by: { $0.key < $1.key }) { try copy(path, as: .file(role: role)) }
        for blob in blobs {
            let path = try DataDirectory(root).blobFile(algorithm: blob.algorithm, hex: blob.hex)
            guard FileManager.default.fileExists(atPath: path) else {
                throw BackupError.failed("blob \(blob.algorithm):\(blob.hex), which the metadata names, is missing from \(root): the registry is damaged")
            }
            // A sha256 blob's checksum is its digest: a mismatch is a corrupt blob, found now.
            try copy(path, as: .blob(algorithm: blob.algorithm, hex: blob.hex), expecting: blob.algorithm == "sha256" ? blob.hex : nil)
        }
        _ = try writer.add(name: BackupEntryName.checksums.name, bytes: Array(checksums.text.utf8), modificationTime: timestamp)
        reporter.status.files += 1
        try writer.finish()
        output.close()

        let final = directory + "/" + name.fileName
        guard rename(partial, final) == 0 else { throw BackupError.failed("cannot rename \(partial) to \(final): \(String(cString: strerror(errno)))") }
        try RawFile.syncDirectory(directory)
        reporter.report(force: true)
        return BackupCatalog.Item(name: name, path: final, size: Self.size(of: final) ?? 0)
    }

    /// Holds `collection.lock` exclusively, waiting (at most a minute) for a collector's batch
    /// of deletes under way to end.
    static func pauseCollection(in root: String) throws -> DataDirectoryLock {
        for _ in 0..<600 {
            do {
                if let lock = try DataDirectoryLock.acquire(.exclusive, in: root, file: DataDirectoryLock.collectionFileName) { return lock }
            } catch {
                throw BackupError.failed("\(error)")
            }
            usleep(100_000)
        }
        throw BackupError.refused("garbage collection has held \(DataDirectoryLock.collectionFileName) in \(root) for a minute: try again")
    }

    struct Blob {
        let algorithm: String
        let hex: String
        let size: Int64
    }

    static func uniqueBlobs(_ rows: [(digest: String, size: Int64)]) throws -> [Blob] {
        var seen = Set<String>()
        var blobs: [Blob] = []
        for row in rows where seen.insert(row.digest).inserted {
            let parts = row.digest.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, BackupEntryName(parsing: BackupEntryName.blob(algorithm: String(parts[0]), hex: String(parts[1])).name) != nil else {
                throw BackupError.failed("the metadata names a malformed digest \(row.digest)")
            }
            blobs.append(Blob(algorithm: String(parts[0]), hex: String(parts[1]), size: row.size))
        }
        return blobs
    }

    static func size(of path: String) -> Int64? {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value
    }

    /// A 1 MiB buffer for streaming one file.
    static func withChunkBuffer<T>(_ body: (UnsafeMutableRawBufferPointer) throws -> T) throws -> T {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        return try body(buffer)
    }
}
