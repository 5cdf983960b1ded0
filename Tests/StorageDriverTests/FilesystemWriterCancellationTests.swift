import Foundation
import NIOCore
import StorageDriver
import StorageFilesystem
import Testing
import WharfTestSupport

/// A request task is cancelled when its client leaves mid-upload; the writer it was filling is
/// then closed from that cancelled task. The file must still be closed: NIOFileSystem skips
/// work queued by a cancelled task, and dropping an open handle stops the whole process.
@Suite(.timeLimit(.minutes(1))) struct FilesystemWriterCancellationTests {
    /// Descriptors of this process open on `file`.
    static func openDescriptors(on file: String) -> Int {
        let directory = "/proc/self/fd"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.filter { (try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0)) == file }.count
    }

    @Test(arguments: ["close", "commit", "cancel"])
    func aWriterFinishedFromACancelledTaskReleasesItsFile(_ finish: String) async throws {
        try await withTemporaryDirectory { root in
            let driver = FilesystemDriver(root: root)
            let task = Task {
                let writer = try await driver.writer("/uploads/data", append: true)
                try await writer.write(ByteBuffer(string: "partial upload"))
                withUnsafeCurrentTask { $0?.cancel() }
                switch finish {
                case "close": try? await writer.close()
                case "commit": try? await writer.commit()
                default: try? await writer.cancel()
                }
            }
            _ = await task.result
            #expect(Self.openDescriptors(on: root + "/uploads/data") == 0)
        }
    }
}
