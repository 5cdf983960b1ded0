import Config
import StorageDriver
import StorageFilesystem
import StorageS3

/// The storage driver the configuration names: the filesystem under the data directory, or
/// an S3 bucket.
public enum StorageFactory {
    public static func driver(_ configuration: Configuration) throws -> any StorageDriver {
        guard let s3 = configuration.storage.s3 else {
            return FilesystemDriver(root: configuration.storage.rootDirectory, syncOnCommit: configuration.storage.fsync)
        }
        let location: S3Location
        do {
            location = try S3Location(
                endpoint: s3.regionEndpoint, region: s3.region, bucket: s3.bucket, pathStyle: s3.forcePathStyle, secure: s3.secure,
                rootDirectory: s3.rootDirectory
            )
        } catch {
            throw WharfStartupError("\(error)")
        }
        let client = S3Client(
            location: location, credentials: S3Credentials(accessKey: s3.accessKey, secretKey: s3.secretKey, sessionToken: s3.sessionToken),
            region: s3.region
        )
        return S3Driver(client: client, partSize: s3.chunkSize)
    }

    /// Where blobs live, for logs and backups: nil for the data directory itself.
    public static func objectStorage(_ configuration: Configuration) -> String? {
        configuration.storage.s3.map { "S3 bucket \($0.bucket)" + ($0.regionEndpoint.map { " at \($0)" } ?? " in \($0.region)") }
    }
}
