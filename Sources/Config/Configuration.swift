/// Wharf's settings, filled from defaults, then `REGISTRY_*` variables (Distribution's names),
/// then command-line flags. Nested as Distribution's `config.yml` is, so the YAML file of the
/// configuration issue maps onto the same fields.
public struct Configuration: Sendable, Equatable {
    public struct HTTP: Sendable, Equatable {
        /// `http.addr`: where to listen, Go style (`:5000`, `127.0.0.1:5000`, `[::1]:5000`).
        public var addr = ListenAddress(host: "0.0.0.0", port: 5000)
    }

    public struct Storage: Sendable, Equatable {
        /// `storage.filesystem.rootdirectory`: blobs and the metadata database live under it.
        public var rootDirectory = "./wharf-data"
        /// `storage.delete.enabled`: off by default, as in Distribution.
        public var deleteEnabled = false
        /// `storage.filesystem.fsync` (Wharf's own key): blobs and manifests reach the disk before
        /// a push is acknowledged. Distribution never syncs; turning this off matches it.
        public var fsync = true
    }

    /// `auth`: how `/v2` requests are authenticated.
    public enum Auth: Sendable, Equatable {
        /// No authentication (`auth: none`, `REGISTRY_AUTH=none`).
        case disabled
        /// Bearer tokens from a token issuer.
        case token(TokenAuthSettings)
    }

    public var http = HTTP()
    public var storage = Storage()
    /// `auth`: explicit registry token settings, or none. Unset (`nil`), a process of role `all`
    /// trusts its own issuer.
    public var auth: Auth?
    public var identity = IdentitySettings()
    public var role = ProcessRole.all
    /// `log.level`.
    public var logLevel = LogLevel.info

    public init() {}

    /// Defaults overridden by the environment's `REGISTRY_*` variables.
    public static func load(environment: [String: String]) throws(ConfigurationError) -> Configuration {
        var configuration = Configuration()
        try configuration.apply(environment: environment)
        return configuration
    }

    /// Applies the `REGISTRY_*` variables Wharf reads.
    public mutating func apply(environment: [String: String]) throws(ConfigurationError) {
        if let value = environment["REGISTRY_HTTP_ADDR"] {
            http.addr = try ListenAddress(parsing: value, key: "REGISTRY_HTTP_ADDR")
        }
        if let value = environment["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] {
            guard !value.isEmpty else {
                throw ConfigurationError(key: "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY", problem: "is empty", fix: "set a directory path")
            }
            storage.rootDirectory = value
        }
        if let value = environment["REGISTRY_STORAGE_DELETE_ENABLED"] {
            storage.deleteEnabled = try YAMLBool.parse(value, key: "REGISTRY_STORAGE_DELETE_ENABLED")
        }
        if let value = environment["REGISTRY_STORAGE_FILESYSTEM_FSYNC"] {
            storage.fsync = try YAMLBool.parse(value, key: "REGISTRY_STORAGE_FILESYSTEM_FSYNC")
        }
        if let token = try TokenAuthSettings.load(environment: environment) {
            auth = .token(token)
        }
        try identity.apply(environment: environment)
        if let value = environment["REGISTRY_AUTH"] {
            switch value.lowercased() {
            case "none", "": auth = .disabled
            case "token": break
            default:
                throw ConfigurationError(key: "REGISTRY_AUTH", problem: "is \"\(value)\"", fix: "use none or token")
            }
        }
        if let value = environment["REGISTRY_LOG_LEVEL"] {
            logLevel = try LogLevel(parsing: value, key: "REGISTRY_LOG_LEVEL")
        }
    }
}
