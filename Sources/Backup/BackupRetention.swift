/// `backup.keep` / `--keep N`: which archives to delete so the newest N remain.
public enum BackupRetention {
    public static func expired(_ names: [BackupArchiveName], keep: Int) -> [BackupArchiveName] {
        guard keep >= 0 else { return [] }
        return Array(names.sorted(by: >).dropFirst(keep))
    }
}
