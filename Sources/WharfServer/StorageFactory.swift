import Config
import StorageDriver
import Foundation
import StorageFilesystem
import StorageGCS
import StorageS3

/// The storage driver the configuration names: the filesystem under the data directory, an
/// S3 bucket or a Google Cloud Storage bucket.
public enum StorageFactory {
    public static func driver(_ configuration: Configuration) async throws -> any StorageDriver {
        if let gcs = configuration.storage.gcs { return try await gcsDriver(gcs) }
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

    /// Credentials in Distribution's order: `keyfile`, `credentials`, then the application
    /// default ones (`GOOGLE_APPLICATION_CREDENTIALS`, then the machine's metadata server); none
    /// for an emulator, as Google's clients do. A key that cannot be used stops the start.
    static func gcsDriver(_ gcs: GCSStorageSettings) async throws -> any StorageDriver {
        let kind: GCSTokenSource.Kind
        do {
            if gcs.emulatorHost != nil {
                kind = .anonymous
            } else if let json = gcs.credentialsJSON {
                kind = .serviceAccount(try await GCSAssertion(account: try GCSServiceAccount(json: Data(json.utf8), source: "storage.gcs.credentials")))
            } else if let file = gcs.keyFile ?? gcs.applicationCredentials {
                let source = gcs.keyFile != nil ? "storage.gcs.keyfile \(file)" : "GOOGLE_APPLICATION_CREDENTIALS \(file)"
                guard let json = FileManager.default.contents(atPath: file) else {
                    throw GCSConfigurationError("\(source) cannot be read")
                }
                kind = .serviceAccount(try await GCSAssertion(account: try GCSServiceAccount(json: json, source: source)))
            } else {
                kind = .metadataServer(GCSTokenSource.metadataServerToken)
            }
        } catch let error as GCSConfigurationError {
            throw WharfStartupError(error.description)
        }
        let location = GCSLocation(base: gcs.emulatorHost ?? GCSLocation.production, bucket: gcs.bucket, rootDirectory: gcs.rootDirectory)
        let client = GCSClient(location: location, tokens: GCSTokenSource(kind, http: GCSClient.sharedHTTPClient))
        // One listing proves the bucket, the credentials and the token exchange before any
        // client is told a push worked.
        do {
            _ = try await client.list(prefix: location.prefix, delimiter: nil, pageToken: nil, maxResults: 1)
        } catch {
            throw WharfStartupError(
                "storage.gcs.bucket \(gcs.bucket) cannot be listed (\(error)): check the bucket's name and that the credentials may read and write it"
            )
        }
        return GCSDriver(client: client, chunkSize: gcs.chunkSize)
    }

    /// Where blobs live, for logs and backups: nil for the data directory itself.
    public static func objectStorage(_ configuration: Configuration) -> String? {
        if let gcs = configuration.storage.gcs { return "GCS bucket \(gcs.bucket)" + (gcs.emulatorHost.map { " at \($0)" } ?? "") }
        return configuration.storage.s3.map { "S3 bucket \($0.bucket)" + ($0.regionEndpoint.map { " at \($0)" } ?? " in \($0.region)") }
    }
}
