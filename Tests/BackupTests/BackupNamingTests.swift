import Backup
import Testing

@Suite(.timeLimit(.minutes(3))) struct BackupNamingTests {
    @Test func archiveNamesFollowTheSeedsPattern() throws {
        let name = BackupArchiveName(timestamp: 1_417_624_827, version: "0.1.0")
        #expect(name.fileName == "1417624827_2014_12_03_0.1.0_wharf_backup.tar")
        #expect(BackupArchiveName(fileName: name.fileName) == name)
        #expect(BackupArchiveName(fileName: "1417624827_2014_12_03_1.2.3-rc_1_wharf_backup.tar")?.version == "1.2.3-rc_1")
        for other in [
            "1417624827_2014_12_03_8.1.0_gitlab_backup.tar", ".1417624827_2014_12_03_0.1.0_wharf_backup.tar.partial",
            "x_2014_12_03_0.1.0_wharf_backup.tar", "1417624827_2014_12_04_0.1.0_wharf_backup.tar", "wharf.lock",
        ] {
            #expect(BackupArchiveName(fileName: other) == nil, "\(other)")
        }
    }

    @Test func retentionKeepsTheNewest() {
        let names = [5, 1, 9, 3].map { BackupArchiveName(timestamp: Int64($0), version: "0.1.0") }
        #expect(BackupRetention.expired(names, keep: 2).map(\.timestamp) == [3, 1])
        #expect(BackupRetention.expired(names, keep: 10).isEmpty)
    }

    @Test func checksumListsRoundTripAndRejectMalformedLines() throws {
        var list = BackupChecksums()
        list.append(name: "wharf-backup.json", size: 12, sha256: String(repeating: "a", count: 64))
        list.append(name: "blobs/sha256/\(String(repeating: "b", count: 64))", size: 0, sha256: String(repeating: "c", count: 64))
        #expect(try BackupChecksums(parsing: list.text) == list)
        #expect(throws: BackupError.self) { try BackupChecksums(parsing: "abc  12  name\n") }
        #expect(throws: BackupError.self) { try BackupChecksums(parsing: String(repeating: "A", count: 64) + "  1  x\n") }
    }

    @Test func entryNamesParseOnlyWhatABackupHolds() {
        let hex = String(repeating: "0f", count: 32)
        let long = String(repeating: "0f", count: 64)
        for entry in [
            BackupEntryName.descriptor, .database, .checksums, .file(role: "signing-key"), .blob(algorithm: "sha256", hex: hex),
            .blob(algorithm: "sha512", hex: long),
        ] {
            #expect(BackupEntryName(parsing: entry.name) == entry)
        }
        for name in ["../etc/passwd", "/etc/passwd", "files/../x", "blobs/sha256/zz", "blobs/md5/\(hex)", "files/", "other.txt"] {
            #expect(BackupEntryName(parsing: name) == nil, "\(name)")
        }
    }
}
