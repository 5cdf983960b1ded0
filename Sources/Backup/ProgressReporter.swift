/// Counts files and bytes as a backup or restore goes, and hands the count to the caller at
/// most four times a second (and once more at the end), so a terminal line or a log keeps up
/// without slowing the copy.
final class ProgressReporter {
    var status = BackupProgress()
    private let sink: (BackupProgress) -> Void
    private let started = ContinuousClock.now
    private var last = ContinuousClock.now

    init(totalFiles: Int, totalBytes: Int64, sink: @escaping (BackupProgress) -> Void) {
        status.totalFiles = totalFiles
        status.totalBytes = totalBytes
        self.sink = sink
    }

    func report(force: Bool = false) {
        let now = ContinuousClock.now
        guard force || now - last >= .milliseconds(250) else { return }
        last = now
        let elapsed = (now - started).components
        status.seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        sink(status)
    }
}
