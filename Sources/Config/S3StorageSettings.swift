/// `storage.s3`: blobs in an S3 bucket (AWS, or `regionendpoint` for Ceph radosgw, MinIO...).
/// The keys are Distribution's; credentials may come from `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` instead.
public struct S3StorageSettings: Sendable, Equatable {
    public var accessKey: String
    public var secretKey: String
    public var sessionToken: String?
    public var region: String
    /// `regionendpoint`: an S3-compatible server's URL; nil means AWS in `region`.
    public var regionEndpoint: String?
    public var bucket: String
    /// `rootdirectory`: a key prefix inside the bucket.
    public var rootDirectory = ""
    /// `forcepathstyle`: `/<bucket>/<key>` addressing; nil lets Wharf choose (path style with
    /// a region endpoint, virtual hosts on AWS).
    public var forcePathStyle: Bool?
    /// `secure`: https to AWS (a region endpoint's scheme decides for itself).
    public var secure = true
    /// `chunksize`: bytes per multipart part, at least 5 MiB (Distribution's default 10 MiB).
    public var chunkSize = 10 << 20

    public init(accessKey: String, secretKey: String, region: String, bucket: String) {
        self.accessKey = accessKey
        self.secretKey = secretKey
        self.region = region
        self.bucket = bucket
    }
}
