import Foundation
import NIOCore
import StorageConformance
import StorageDriver
import StorageFilesystem
import Testing
import WharfTestSupport

@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct FilesystemDriverTests {
    /// The suite checks behaviour, not durability: without an fsync per file, its thousand-file
    /// cases take seconds instead of minutes on a loaded machine. Commits that sync are tested
    /// below and by every server test.
    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await withTemporaryDirectory { root in
            try await check.run(FilesystemDriver(root: root, syncOnCommit: false))
        }
    }

    @Test func filesLandUnderTheRootAtTheirPath() async throws {
        try await withTemporaryDirectory { root in
            let driver = FilesystemDriver(root: root)
            try await driver.putContent("/docker/registry/v2/blobs/sha256/ab/abc/data", ByteBuffer(string: "x"))
            #expect(FileManager.default.fileExists(atPath: root + "/docker/registry/v2/blobs/sha256/ab/abc/data"))
            #expect(driver.localFilePath("/docker/x") == root + "/docker/x")
            #expect(driver.localFilePath("/../etc/passwd") == nil)
        }
    }

    @Test func listingHidesTemporaryFiles() async throws {
        try await withTemporaryDirectory { root in
            let driver = FilesystemDriver(root: root)
            try await driver.putContent("/d/real", ByteBuffer(string: "x"))
            #expect(FileManager.default.createFile(atPath: root + "/d/real.tmp-abc", contents: Data("y".utf8)))
            #expect(try await driver.list("/d") == ["/d/real"])
        }
    }
}
