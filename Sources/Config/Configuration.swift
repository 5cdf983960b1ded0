import Foundation

/// Wharf's settings: defaults, then an optional `config.yml` in Distribution's schema, then
/// `REGISTRY_*` overrides (Distribution's rule), then the seed's `GITLAB_REGISTRY_*` and
/// `SSL_REGISTRY_*`, then command-line flags (applied by the CLI).
public struct Configuration: Sendable, Equatable {
    public struct HTTP: Sendable, Equatable {
        /// `http.addr`: where to listen, Go style (`:5000`, `127.0.0.1:5000`, `[::1]:5000`).
        public var addr = ListenAddress(host: "0.0.0.0", port: 5000)
        /// `http.host`: the public base URL (`https://registry.example.com`); it makes
        /// `Location` headers and the token realm absolute.
        public var host: String?
        /// `http.relativeurls`: relative `Location` headers even when the host is known.
        public var relativeURLs = false
        /// `http.tls`: terminate TLS here.
        public var tls: TLSFiles?
        /// `http.debug.addr`: the health and metrics listener.
        public var debugAddr: ListenAddress?
        /// `http.tls.redirectaddr` (Wharf's key): a plain-HTTP listener that sends clients to
        /// https, as the seed's port-80 nginx server block does.
        public var redirectAddr: ListenAddress?
        /// `http.trustedproxies` (Wharf's key): peers whose `X-Forwarded-*` headers are believed.
        public var trustedProxies = ["127.0.0.1", "::1"]
        public var limits = ConnectionLimits()
    }

    /// A certificate and its key, PEM files.
    public struct TLSFiles: Sendable, Equatable {
        public var certificate: String
        public var key: String

        public init(certificate: String, key: String) {
            self.certificate = certificate
            self.key = key
        }
    }

    public struct Storage: Sendable, Equatable {
        /// The data directory: the metadata database and keys, and with the filesystem driver the
        /// blobs too (`storage.filesystem.rootdirectory`; `datadirectory` with object storage).
        public var rootDirectory = "./wharf-data"
        /// `storage.s3`: blobs in a bucket instead of under the data directory.
        public var s3: S3StorageSettings?
        /// `storage.gcs`: blobs in a Google Cloud Storage bucket.
        public var gcs: GCSStorageSettings?
        /// Whether blobs live in a bucket rather than under the data directory.
        public var usesObjectStorage: Bool { s3 != nil || gcs != nil }
        /// `storage.delete.enabled`: off by default, as in Distribution.
        public var deleteEnabled = false
        /// `storage.filesystem.fsync` (Wharf's own key): blobs reach the disk before a push is
        /// acknowledged. Distribution never syncs; turning this off matches it.
        public var fsync = true
        /// `storage.maintenance.readonly.enabled`: refuse writes, serve reads.
        public var readOnly = false
        public var uploadPurging = UploadPurging()
        public var uploadLimits = UploadLimits()
        /// `cleanup` (Wharf's keys): the scheduler of cleanup policies in `wharf serve`.
        public var cleanup = CleanupScheduling()
        /// `quotas.default` (Wharf's key): the storage limit of every top-level namespace
        /// without one of its own (`wharf quota set`); nil, none.
        public var quotaDefault: Int64?
    }

    /// `cleanup.disabled`, `cleanup.interval` (how often due policies are looked for) and
    /// `cleanup.maxruntime` (how long one tick may run before it resumes at the next).
    public struct CleanupScheduling: Sendable, Equatable {
        public var disabled = false
        public var interval: Double = 60
        public var maxRuntime: Double = 300
    }

    /// `storage.maintenance.uploadpurging`.
    public struct UploadPurging: Sendable, Equatable {
        public var enabled = true
        /// Seconds an upload may stay unfinished (168 h).
        public var age: Double = 168 * 3600
        /// Seconds between purges (24 h).
        public var interval: Double = 24 * 3600
        /// Log what would be purged without removing it.
        public var dryRun = false
    }

    public struct Log: Sendable, Equatable {
        /// `log.level`.
        public var level = LogLevel.info
        /// `log.formatter`: text or json.
        public var json = false
        /// `log.accesslog.disabled`.
        public var accessLog = true
    }

    /// `backup` (Wharf's own section): where `wharf backup` writes archives and how many it keeps.
    public struct Backup: Sendable, Equatable {
        /// `backup.dir`; nil means `wharf-backups` beside the data directory, so wiping the data
        /// keeps the backups.
        public var directory: String?
        /// `backup.keep`: the newest N archives are kept after each backup; nil keeps all.
        public var keep: Int?

        /// The backups directory in effect for data directory `root`.
        public func resolvedDirectory(root: String) -> String {
            if let directory { return directory }
            let parent = URL(fileURLWithPath: root).standardizedFileURL.deletingLastPathComponent().path
            return (parent == "/" ? "" : parent) + "/wharf-backups"
        }
    }

    /// `auth`: how `/v2` requests are authenticated.
    public enum Auth: Sendable, Equatable {
        /// No authentication (`auth: none`, `REGISTRY_AUTH=none`).
        case disabled
        /// Bearer tokens from another issuer.
        case token(TokenAuthSettings)
    }

    public var http = HTTP()
    public var storage = Storage()
    public var log = Log()
    public var backup = Backup()
    public var gc = GarbageCollectionSettings()
    /// Explicit registry token settings, or none. Unset (`nil`), a process of role `all`
    /// trusts its own issuer.
    public var auth: Auth?
    public var identity = IdentitySettings()
    public var role = ProcessRole.all

    public init() {}

    /// Defaults and the environment, without a file.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> Configuration {
        try ConfigurationLoader.load(yaml: nil, source: "", environment: environment).configuration
    }
}
