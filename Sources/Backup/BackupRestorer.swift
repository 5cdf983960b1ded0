import Config
import Foundation
import MetadataSQLite
import StorageFilesystem

/// Restores a backup archive into a data directory, all or nothing: the archive is extracted
/// into a new directory beside the data directory while every checksum is checked, and only
/// when all matched does that directory replace the data directory in one atomic swap. A
/// failure or a kill at any moment leaves the old data in place and usable; the next restore
/// clears what a killed one left behind.
public final class BackupRestorer {
    let archive: String
    let request: RestoreRequest
    let progress: (BackupProgress) -> Void

    public init(archive: String, request: RestoreRequest, progress: @escaping (BackupProgress) -> Void = { _ in }) {
        self.archive = archive
        self.request = request
        self.progress = progress
    }

    var target: URL { URL(fileURLWithPath: request.root).standardizedFileURL }
    var parent: String { target.deletingLastPathComponent().path }
    var base: String { target.lastPathComponent }
    var parked: String { parent + "/.\(base).parked" }
    var scratchPrefix: String { ".\(base).restore-" }

    public func restore() throws -> RestoreReport {
        let root = target.path
        guard !PathContainment.isInside(archive, root) else {
            throw BackupError.refused("the archive \(archive) lies inside the data directory it would replace: move it out first")
        }
        var notes: [String] = []
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
        try DirectorySwap.recover(target: root, parked: parked)
        for leftover in (try? FileManager.default.contentsOfDirectory(atPath: parent)) ?? [] where leftover.hasPrefix(scratchPrefix) {
            try? FileManager.default.removeItem(atPath: parent + "/" + leftover)
            notes.append("removed \(parent)/\(leftover), left by an interrupted restore")
        }

        // The exclusive lock keeps servers off the directory until the swap is done.
        var lock: DataDirectoryLock?
        if FileManager.default.fileExists(atPath: root) {
            do { lock = try DataDirectoryLock.acquire(.exclusive, in: root, patienceMilliseconds: 2000) } catch { throw BackupError.failed("\(error)") }
            guard lock != nil else {
                throw BackupError.refused("a Wharf server is running on \(root) (it holds \(DataDirectoryLock.fileName)): stop it, then restore")
            }
            let contents = try FileManager.default.contentsOfDirectory(atPath: root).filter { $0 != DataDirectoryLock.fileName }
            guard contents.isEmpty || request.force else {
                throw BackupError.refused("\(root) holds data: pass --force to replace it with the backup (the data there now is discarded)")
            }
        }
        defer { withExtendedLifetime(lock) {} }

        let scratch = parent + "/" + scratchPrefix + UUID().uuidString.lowercased()
        let outside = scratch + "-files"
        defer {
            try? FileManager.default.removeItem(atPath: scratch)
            try? FileManager.default.removeItem(atPath: outside)
        }
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var staged: [String: String] = [:]
        let descriptor = try BackupArchiveReader(path: archive).read(progress: progress) { entry, _ in
            switch entry {
            case .descriptor, .checksums:
                return nil
            case .database:
                return try RawFile(path: DataDirectory(scratch).database, mode: .createNew)
            case .blob(let algorithm, let hex):
                let path = try DataDirectory(scratch).blobFile(algorithm: algorithm, hex: hex)
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                return try RawFile(path: path, mode: .createNew, permissions: 0o644)
            case .file(let role):
                guard self.request.fileDestinations[role] != nil else { return nil }
                staged[role] = outside + "/" + role
                return try RawFile(path: outside + "/" + role, mode: .createNew)
            }
        }
        var report = RestoreReport(descriptor: descriptor)
        report.notes = notes

        // Every checksum matched: finish the new directory.
        try SQLiteSnapshot.forgetUploads(in: DataDirectory(scratch).database)
        if let storage = request.objectStorage {
            report.notes.append("blobs stay in \(storage); the restored metadata names them")
        } else if !descriptor.blobsIncluded {
            let kept = try linkBlobs(from: root, into: scratch)
            report.notes.append("the backup holds no blobs (\(descriptor.blobsNote ?? "skipped")): kept \(kept) blobs of the current data")
        }
        var outsideWrites: [(from: String, to: String)] = []
        for (role, from) in staged.sorted(by: { $0.key < $1.key }) {
            guard let destination = request.fileDestinations[role] else { continue }
            let resolved = URL(fileURLWithPath: destination).standardizedFileURL.path
            if resolved.hasPrefix(root + "/") {
                let inside = scratch + resolved.dropFirst(root.count)
                try FileManager.default.createDirectory(atPath: (inside as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try FileManager.default.moveItem(atPath: from, toPath: inside)
            } else {
                outsideWrites.append((from, resolved))
            }
            report.filesRestored[role] = resolved
        }
        for role in descriptor.files.keys.sorted() where request.fileDestinations[role] == nil {
            report.notes.append("\(role) (backed up from \(descriptor.files[role] ?? "?")) not restored: the configuration names no place for it")
        }
        // The new directory takes the old one's permissions (0700 stays 0700).
        if let permissions = try? FileManager.default.attributesOfItem(atPath: root)[.posixPermissions] {
            try FileManager.default.setAttributes([.posixPermissions: permissions], ofItemAtPath: scratch)
        }
        sync()

        try DirectorySwap.swap(scratch, into: root, parked: parked)
        try RawFile.syncDirectory(parent)
        // `scratch` now holds the old data (or nothing); the deferred removal deletes it.
        for write in outsideWrites {
            try FileManager.default.createDirectory(atPath: (write.to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let temporary = write.to + ".wharf-restore"
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: write.from, toPath: temporary)
            let file = try RawFile(path: temporary, mode: .read)
            try file.sync()
            file.close()
            guard rename(temporary, write.to) == 0 else { throw BackupError.failed("cannot put \(write.to) in place: \(String(cString: strerror(errno)))") }
            try RawFile.syncDirectory((write.to as NSString).deletingLastPathComponent)
        }
        return report
    }

    /// Hard links of the current data's blobs, for a backup that holds none: same files, no copy.
    func linkBlobs(from root: String, into scratch: String) throws -> Int {
        let blobs = DataDirectory(root).blobRoot
        guard let walker = FileManager.default.enumerator(atPath: blobs) else { return 0 }
        var count = 0
        while let relative = walker.nextObject() as? String {
            guard relative.hasSuffix("/data") else { continue }
            let destination = DataDirectory(scratch).blobRoot + "/" + relative
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.linkItem(atPath: blobs + "/" + relative, toPath: destination)
            count += 1
        }
        return count
    }
}
