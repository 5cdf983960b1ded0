import Crypto
import Foundation

/// Reads a backup archive front to back and proves it: a Wharf descriptor first, a format this
/// Wharf reads, only entries a backup holds, and every entry's size and SHA-256 equal to the
/// checksum list at the end. Entries can be written out as they pass (restore); nothing read
/// may be trusted until `read` returns.
public struct BackupArchiveReader {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// Where an entry's bytes go while they are verified; nil skips them.
    public typealias Sink = (BackupEntryName, TarHeader) throws -> RawFile?

    @discardableResult
    public func read(progress: @escaping (BackupProgress) -> Void = { _ in }, sink: Sink? = nil) throws -> BackupDescriptor {
        let file: RawFile
        do { file = try RawFile(path: path, mode: .read) } catch { throw BackupError.failed("\(error)") }
        defer { file.close() }
        let reader = TarReader(file: file)
        do {
            return try read(reader, totalBytes: (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0, progress: progress, sink: sink)
        } catch TarError.notTar {
            throw BackupError.notABackup("\(path) is not a tar archive")
        } catch TarError.truncated {
            throw BackupError.damaged("\(path) is truncated: it ends at byte \(reader.position), before its end")
        } catch let error as TarError {
            throw BackupError.damaged("\(path): \(error)")
        }
    }

    private func read(_ reader: TarReader, totalBytes: Int64, progress: @escaping (BackupProgress) -> Void, sink: Sink?) throws -> BackupDescriptor {
        guard let first = try reader.next() else { throw BackupError.notABackup("\(path) is an empty tar archive") }
        guard first.name == BackupDescriptor.entryName, first.kind == .file else {
            throw BackupError.notABackup("\(path) starts with \(first.name), not \(BackupDescriptor.entryName)")
        }
        let descriptorBytes = try reader.readSmallBody(limit: 1 << 20)
        let descriptor: BackupDescriptor
        do {
            descriptor = try JSONDecoder().decode(BackupDescriptor.self, from: Data(descriptorBytes))
        } catch {
            throw BackupError.notABackup("its \(BackupDescriptor.entryName) is not a Wharf backup descriptor")
        }
        guard descriptor.program == "wharf", descriptor.format >= 1 else {
            throw BackupError.notABackup("its descriptor names program \(descriptor.program), format \(descriptor.format)")
        }
        guard descriptor.format <= BackupDescriptor.currentFormat else { throw BackupError.newerFormat(descriptor.format) }

        var computed = BackupChecksums()
        computed.append(name: first.name, size: first.size, sha256: SHA256.hash(data: descriptorBytes).hexString)
        var names: Set<String> = [first.name]
        let reporter = ProgressReporter(totalFiles: 3 + descriptor.files.count + descriptor.blobCount, totalBytes: totalBytes, sink: progress)
        reporter.status.files = 1
        func report(force: Bool = false) {
            reporter.status.bytes = reader.position
            reporter.report(force: force)
        }

        var blobs = 0
        var hasDatabase = false
        while let header = try reader.next() {
            guard header.kind == .file, let entry = BackupEntryName(parsing: header.name) else {
                throw BackupError.damaged("it holds \(header.name), which no Wharf backup holds")
            }
            guard names.insert(header.name).inserted else { throw BackupError.damaged("it holds \(header.name) twice") }
            if entry == .checksums {
                let listed = try BackupChecksums(parsing: String(decoding: try reader.readSmallBody(limit: 1 << 30), as: UTF8.self))
                guard try reader.next() == nil else { throw BackupError.damaged("entries follow its checksum list") }
                try reader.readEndMarker()
                try compare(listed, computed)
                guard hasDatabase else { throw BackupError.damaged("it holds no metadata database") }
                guard !descriptor.blobsIncluded || blobs == descriptor.blobCount else {
                    throw BackupError.damaged("it holds \(blobs) blobs, its descriptor says \(descriptor.blobCount)")
                }
                reporter.status.files += 1
                report(force: true)
                return descriptor
            }
            if entry == .descriptor { throw BackupError.damaged("it holds a second descriptor") }
            if entry == .database { hasDatabase = true }
            if case .blob = entry { blobs += 1 }
            let output = try sink?(entry, header)
            var hasher = SHA256()
            try reader.readBody { chunk in
                hasher.update(bufferPointer: chunk)
                try output?.write(chunk)
                report()
            }
            // Durability is the caller's: one sync of everything beats a wait per file.
            output?.close()
            computed.append(name: header.name, size: header.size, sha256: hasher.finalize().hexString)
            reporter.status.files += 1
        }
        throw BackupError.damaged("it ends without its checksum list (\(BackupChecksums.entryName)): it was cut short")
    }

    private func compare(_ listed: BackupChecksums, _ computed: BackupChecksums) throws {
        let expected = Dictionary(listed.entries.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for entry in computed.entries {
            guard let want = expected[entry.name] else { throw BackupError.damaged("\(entry.name) is not in its checksum list") }
            guard want.size == entry.size else { throw BackupError.damaged("\(entry.name) has \(entry.size) bytes, its checksum list says \(want.size)") }
            guard want.sha256 == entry.sha256 else { throw BackupError.damaged("\(entry.name) does not match its checksum") }
        }
        guard listed.entries.count == computed.entries.count else {
            let present = Set(computed.entries.map(\.name))
            let missing = listed.entries.first { !present.contains($0.name) }?.name ?? "an entry"
            throw BackupError.damaged("\(missing) is in its checksum list but not in the archive")
        }
    }
}
