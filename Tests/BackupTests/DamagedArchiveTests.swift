import Backup
import Foundation
import Testing
import WharfTestSupport

/// Truncated, altered, foreign and newer archives are refused with a clear message, before
/// the data directory changes.
@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct DamagedArchiveTests {
    /// A fixture with data and one good backup; `body` damages a copy and tries to restore it.
    func withBackup(_ body: (DataDirectoryFixture, String) async throws -> Void) async throws {
        try await withTemporaryDirectory { base in
            let fixture = try DataDirectoryFixture(base: base)
            try await fixture.push("team/app", "v1", layerSize: 300_000)
            let (root, files, backups) = (fixture.root, fixture.files, fixture.backups)
            let item = try await onThread {
                try BackupCreator(BackupRequest(root: root, files: files, includeBlobs: true, blobsNote: nil, directory: backups, version: "0.1.0")).create()
            }
            try await body(fixture, item.path)
        }
    }

    /// Restores `archive` with --force and returns the error, checking nothing changed.
    /// On a thread of its own: a restore blocks (and may wait up to 2 s for the lock).
    func refusal(_ fixture: DataDirectoryFixture, _ archive: String) async throws -> BackupError? {
        let before = try fixture.fingerprint()
        defer { #expect((try? fixture.fingerprint()) == before, "a refused restore changes nothing") }
        let request = RestoreRequest(root: fixture.root, fileDestinations: fixture.files, force: true)
        return try await onThread { () throws -> BackupError? in
            do {
                _ = try BackupRestorer(archive: archive, request: request).restore()
                return nil
            } catch let error as BackupError {
                return error
            }
        }
    }

    func copy(_ archive: String, _ fixture: DataDirectoryFixture, edit: (inout Data) -> Void) throws -> String {
        var data = try Data(contentsOf: URL(fileURLWithPath: archive))
        edit(&data)
        let path = fixture.base + "/edited-\(UUID().uuidString).tar"
        try data.write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Where the body of the first entry whose name starts with `prefix` begins.
    func bodyOffset(of prefix: String, in archive: String) throws -> Int {
        let reader = TarReader(file: try RawFile(path: archive, mode: .read))
        while let header = try reader.next() {
            if header.name.hasPrefix(prefix) && header.size > 1000 { return Int(reader.position) }
        }
        throw SupportError("no \(prefix) entry")
    }

    @Test func truncatedArchivesAreRefused() async throws {
        try await withBackup { fixture, archive in
            let size = try Data(contentsOf: URL(fileURLWithPath: archive)).count
            let blob = try bodyOffset(of: "blobs/", in: archive)
            for cut in [0, 100, 512, blob + 1000, size - 1024, size - 1] {
                let path = try copy(archive, fixture) { $0 = $0.prefix(cut) }
                let error = try await refusal(fixture, path)
                guard case .damaged(let detail)? = error else {
                    Issue.record("cut at \(cut) of \(size): \(String(describing: error))")
                    continue
                }
                #expect(detail.contains("truncated") || detail.contains("cut short"), "\(detail)")
            }
        }
    }

    @Test func alteredBytesAreRefused() async throws {
        try await withBackup { fixture, archive in
            let blob = try bodyOffset(of: "blobs/", in: archive)
            let flipped = try copy(archive, fixture) { $0[blob + 5000] ^= 0x20 }
            #expect(try await refusal(fixture, flipped) == .damaged("blobs/\(try blobName(archive, at: blob)) does not match its checksum"))

            let text = try Data(contentsOf: URL(fileURLWithPath: archive))
            let list = try #require(text.range(of: Data("  \(300_000)  blobs/".utf8)))
            let alteredList = try copy(archive, fixture) { $0[list.lowerBound - 1] = $0[list.lowerBound - 1] == 0x30 ? 0x31 : 0x30 }
            guard case .damaged? = try await refusal(fixture, alteredList) else {
                Issue.record("an altered checksum list was accepted")
                return
            }
        }
    }

    func blobName(_ archive: String, at offset: Int) throws -> String {
        let reader = TarReader(file: try RawFile(path: archive, mode: .read))
        while let header = try reader.next() {
            if Int(reader.position) == offset { return String(header.name.dropFirst("blobs/".count)) }
        }
        throw SupportError("no entry at \(offset)")
    }

    @Test func anotherProgramsTarAndOtherFilesAreNotBackups() async throws {
        try await withBackup { fixture, _ in
            let foreign = fixture.base + "/foreign.tar"
            try await Command.run(["tar", "--format=ustar", "-cf", foreign, "-C", fixture.base, "etc"])
            guard case .notABackup(let detail)? = try await refusal(fixture, foreign) else {
                Issue.record("a foreign tar was not refused as such")
                return
            }
            #expect(detail.contains("starts with etc"))

            let random = fixture.base + "/random.tar"
            try Data((0..<4096).map { _ in UInt8.random(in: 1...255) }).write(to: URL(fileURLWithPath: random))
            // Held in a constant so a failure prints what the restore said instead.
            let randomRefusal = try await refusal(fixture, random)
            #expect(randomRefusal == .notABackup("\(random) is not a tar archive"))
        }
    }

    @Test func aNewerFormatAndUnexpectedEntriesAreRefused() async throws {
        try await withBackup { fixture, _ in
            func archive(_ descriptor: String, extra: String? = nil) throws -> String {
                let path = fixture.base + "/crafted-\(UUID().uuidString).tar"
                let file = try RawFile(path: path, mode: .createNew)
                let writer = TarWriter(file: file)
                try writer.add(name: BackupDescriptor.entryName, bytes: Array(descriptor.utf8), modificationTime: 0)
                if let extra { try writer.add(name: extra, bytes: Array("root::0:0::/root:/bin/sh\n".utf8), modificationTime: 0) }
                try writer.finish()
                file.close()
                return path
            }
            let newer = """
                {"program":"wharf","format":99,"version":"9.0.0","createdAt":0,"dataDirectory":"/x","blobsIncluded":true,"blobCount":0,"blobBytes":0,"files":{}}
                """
            #expect(try await refusal(fixture, try archive(newer)) == .newerFormat(99))
            let current = newer.replacingOccurrences(of: "\"format\":99", with: "\"format\":1")
            #expect(try await refusal(fixture, try archive(current, extra: "../../etc/passwd")) == .damaged("it holds ../../etc/passwd, which no Wharf backup holds"))
            #expect(!FileManager.default.fileExists(atPath: fixture.base + "/etc/passwd"))
            let foreign = try await refusal(fixture, try archive(#"{"hello":"world"}"#))
            guard case .notABackup? = foreign else {
                Issue.record("a descriptor of another program was not refused as not a backup: \(String(describing: foreign))")
                return
            }
        }
    }
}
