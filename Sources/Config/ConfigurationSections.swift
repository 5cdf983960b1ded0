/// The mapping from Distribution's YAML keys to `Configuration`, one section at a time.
enum ConfigurationSections {
    static let storageDrivers = ["filesystem", "s3", "gcs", "azure", "swift", "oss", "inmemory"]

    static func read(_ reader: inout TreeReader, into configuration: inout Configuration, warnings: inout [String]) throws(ConfigurationError) {
        _ = try reader.string(["version"])
        try readLog(&reader, into: &configuration.log)
        try readStorage(&reader, into: &configuration.storage, warnings: &warnings)
        try readHTTP(&reader, into: &configuration.http)
        try readAuth(&reader, into: &configuration)
        try readBackup(&reader, into: &configuration.backup)
        try readGC(&reader, into: &configuration.gc)
        if let count = try reader.positiveInt(["limits", "uploads", "perrepository"]) { configuration.storage.uploadLimits.perRepository = count }
        if let count = try reader.positiveInt(["limits", "uploads", "perprincipal"]) { configuration.storage.uploadLimits.perPrincipal = count }
        if let limit = try reader.bytes(["quotas", "default"]) { configuration.storage.quotaDefault = limit }
        if let disabled = try reader.bool(["cleanup", "disabled"]) { configuration.storage.cleanup.disabled = disabled }
        if let interval = try reader.duration(["cleanup", "interval"]) { configuration.storage.cleanup.interval = interval }
        if let runtime = try reader.duration(["cleanup", "maxruntime"]) { configuration.storage.cleanup.maxRuntime = runtime }
    }

    static func readGC(_ reader: inout TreeReader, into gc: inout GarbageCollectionSettings) throws(ConfigurationError) {
        if let disabled = try reader.bool(["gc", "disabled"]) { gc.disabled = disabled }
        if let delay = try reader.delay(["gc", "reviewafter"]) { gc.reviewAfter = delay }
        if let backoff = try reader.duration(["gc", "maxbackoff"]) { gc.maxBackoff = backoff }
        if let noIdle = try reader.bool(["gc", "noidlebackoff"]) { gc.noIdleBackoff = noIdle }
        if let timeout = try reader.duration(["gc", "transactiontimeout"]) { gc.transactionTimeout = timeout }
        if let disabled = try reader.bool(["gc", "blobs", "disabled"]) { gc.blobs.disabled = disabled }
        if let interval = try reader.duration(["gc", "blobs", "interval"]) { gc.blobs.interval = interval }
        if let timeout = try reader.duration(["gc", "blobs", "storagetimeout"]) { gc.storageTimeout = timeout }
        if let grace = try reader.delay(["gc", "uploadgrace"]) { gc.uploadGrace = grace }
        if let disabled = try reader.bool(["gc", "manifests", "disabled"]) { gc.manifests.disabled = disabled }
        if let interval = try reader.duration(["gc", "manifests", "interval"]) { gc.manifests.interval = interval }
        // GitLab's error cool-down: Wharf's backoff already grows on errors.
        reader.accept(["gc", "errorcooldownperiod"])
    }

    static func readBackup(_ reader: inout TreeReader, into backup: inout Configuration.Backup) throws(ConfigurationError) {
        if let directory = try reader.string(["backup", "dir"]) {
            guard !directory.isEmpty else {
                throw ConfigurationError(key: TreeReader.name(["backup", "dir"]), problem: "is empty", fix: "set a directory path")
            }
            backup.directory = directory
        }
        if let text = try reader.string(["backup", "keep"]) {
            guard let keep = Int(text), keep >= 1 else {
                throw ConfigurationError(key: TreeReader.name(["backup", "keep"]), problem: "is \"\(text)\"", fix: "give how many backups to keep, 1 or more")
            }
            backup.keep = keep
        }
    }

    static func readLog(_ reader: inout TreeReader, into log: inout Configuration.Log) throws(ConfigurationError) {
        if let level = try reader.string(["log", "level"]) { log.level = try LogLevel(parsing: level, key: TreeReader.name(["log", "level"])) }
        if let formatter = try reader.string(["log", "formatter"]) {
            switch formatter.lowercased() {
            case "text": log.json = false
            case "json", "logstash": log.json = true
            default:
                throw ConfigurationError(key: TreeReader.name(["log", "formatter"]), problem: "is \(formatter)", fix: "use text or json")
            }
        }
        if let disabled = try reader.bool(["log", "accesslog", "disabled"]) { log.accessLog = !disabled }
        reader.accept(["log", "fields"])
    }

    static func readStorage(
        _ reader: inout TreeReader, into storage: inout Configuration.Storage, warnings: inout [String]
    ) throws(ConfigurationError) {
        let drivers = storageDrivers.filter { reader.has(["storage", $0]) }
        if drivers.count > 1 {
            throw ConfigurationError(
                key: drivers.map { TreeReader.name(["storage", $0]) }.joined(separator: " and "),
                problem: "configure \(drivers.count) storage drivers", fix: "keep exactly one storage driver"
            )
        }
        switch drivers.first {
        case "s3": storage.s3 = try readS3(&reader)
        case "gcs":
            storage.gcs = try readGCS(&reader)
            if let emulator = storage.gcs?.emulatorHost {
                warnings.append("STORAGE_EMULATOR_HOST is set: blobs go to the emulator at \(emulator), without credentials")
            }
        case nil, "filesystem": break
        case let driver?:
            // Never a silent fallback: blobs stored on the local disk instead of the bucket an
            // operator configured would be lost with the machine.
            throw ConfigurationError(
                key: TreeReader.name(["storage", driver]), problem: "names the \(driver) driver, which this Wharf cannot use yet",
                fix: "use storage.filesystem, storage.s3 or storage.gcs (earlier versions stored blobs under "
                    + "\(storage.rootDirectory) instead: storage.filesystem keeps them there)"
            )
        }
        if let root = try reader.string(["storage", "filesystem", "rootdirectory"]) {
            guard !root.isEmpty else {
                throw ConfigurationError(key: TreeReader.name(["storage", "filesystem", "rootdirectory"]), problem: "is empty", fix: "set a directory path")
            }
            storage.rootDirectory = root
        }
        if let directory = try reader.string(["datadirectory"]) {
            guard !directory.isEmpty else {
                throw ConfigurationError(key: TreeReader.name(["datadirectory"]), problem: "is empty", fix: "set a directory path")
            }
            if reader.has(["storage", "filesystem", "rootdirectory"]), directory != storage.rootDirectory {
                throw ConfigurationError(
                    key: "\(TreeReader.name(["datadirectory"])) and \(TreeReader.name(["storage", "filesystem", "rootdirectory"]))",
                    problem: "name two data directories", fix: "with the filesystem driver, set only storage.filesystem.rootdirectory"
                )
            }
            storage.rootDirectory = directory
        }
        if let fsync = try reader.bool(["storage", "filesystem", "fsync"]) { storage.fsync = fsync }
        reader.accept(["storage", "filesystem", "maxthreads"])
        if let delete = try reader.bool(["storage", "delete", "enabled"]) { storage.deleteEnabled = delete }
        if let readOnly = try reader.bool(["storage", "maintenance", "readonly", "enabled"]) { storage.readOnly = readOnly }
        let purging = ["storage", "maintenance", "uploadpurging"]
        if let enabled = try reader.bool(purging + ["enabled"]) { storage.uploadPurging.enabled = enabled }
        if let age = try reader.duration(purging + ["age"]) { storage.uploadPurging.age = age }
        if let interval = try reader.duration(purging + ["interval"]) { storage.uploadPurging.interval = interval }
        if let dryRun = try reader.bool(purging + ["dryrun"]) { storage.uploadPurging.dryRun = dryRun }
        // Wharf keeps manifests and blob sizes in its own store and cache; these tune Distribution's.
        reader.accept(["storage", "cache"])
        reader.accept(["storage", "redirect"])
    }

    /// `storage.s3`, with the AWS_* credential variables as a fallback.
    static func readS3(_ reader: inout TreeReader) throws(ConfigurationError) -> S3StorageSettings {
        func key(_ name: String) -> [String] { ["storage", "s3", name] }
        func required(_ name: String, _ reader: inout TreeReader) throws(ConfigurationError) -> String {
            guard let value = try reader.string(key(name)), !value.isEmpty else {
                throw ConfigurationError(key: TreeReader.name(key(name)), problem: "is missing", fix: "set it: the S3 driver needs it")
            }
            return value
        }
        let environment = reader.environment
        let accessKey = try reader.string(key("accesskey")).flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_ACCESS_KEY_ID"]
        let secretKey = try reader.string(key("secretkey")).flatMap { $0.isEmpty ? nil : $0 } ?? environment["AWS_SECRET_ACCESS_KEY"]
        guard let accessKey, let secretKey else {
            throw ConfigurationError(
                key: "\(TreeReader.name(key("accesskey"))) and \(TreeReader.name(key("secretkey")))", problem: "are missing",
                fix: "set them (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); instance roles are not supported"
            )
        }
        var settings = S3StorageSettings(
            accessKey: accessKey, secretKey: secretKey, region: try required("region", &reader), bucket: try required("bucket", &reader)
        )
        settings.sessionToken = environment["AWS_SESSION_TOKEN"]
        if let endpoint = try reader.string(key("regionendpoint")), !endpoint.isEmpty {
            guard endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                throw ConfigurationError(key: TreeReader.name(key("regionendpoint")), problem: "is \(endpoint)", fix: "give a URL such as http://127.0.0.1:9000")
            }
            settings.regionEndpoint = endpoint
        }
        if let root = try reader.string(key("rootdirectory")) { settings.rootDirectory = root }
        settings.forcePathStyle = try reader.bool(key("forcepathstyle"))
        if let secure = try reader.bool(key("secure")) { settings.secure = secure }
        if let text = try reader.string(key("chunksize")) {
            guard let size = Int(text), size >= 5 << 20 else {
                throw ConfigurationError(key: TreeReader.name(key("chunksize")), problem: "is \(text)", fix: "give bytes, at least 5242880 (S3's part minimum)")
            }
            settings.chunkSize = size
        }
        // Always SigV4; Distribution's default.
        if try reader.bool(key("v4auth")) == false {
            throw ConfigurationError(key: TreeReader.name(key("v4auth")), problem: "is false", fix: "Wharf signs with SigV4 only: remove it")
        }
        return settings
    }

    /// `storage.gcs`, with Google's `STORAGE_EMULATOR_HOST` and `GOOGLE_APPLICATION_CREDENTIALS`.
    static func readGCS(_ reader: inout TreeReader) throws(ConfigurationError) -> GCSStorageSettings {
        func key(_ name: String) -> [String] { ["storage", "gcs", name] }
        guard let bucket = try reader.string(key("bucket")), !bucket.isEmpty else {
            throw ConfigurationError(key: TreeReader.name(key("bucket")), problem: "is missing", fix: "set it: the gcs driver needs the bucket's name")
        }
        var settings = GCSStorageSettings(bucket: bucket)
        if let file = try reader.string(key("keyfile")), !file.isEmpty { settings.keyFile = file }
        if reader.has(key("credentials")) {
            var fields: [String: String] = [:]
            for field in GCSStorageSettings.credentialFields {
                if let value = try reader.string(key("credentials") + [field]) { fields[field] = value }
            }
            reader.accept(key("credentials"))
            guard fields["private_key"] != nil, fields["client_email"] != nil else {
                throw ConfigurationError(
                    key: TreeReader.name(key("credentials")), problem: "lacks private_key or client_email",
                    fix: "give the service account key's fields (type, private_key_id, private_key, client_email, token_uri)"
                )
            }
            settings.credentialsJSON = GCSStorageSettings.json(fields)
        }
        if settings.keyFile != nil, settings.credentialsJSON != nil {
            throw ConfigurationError(
                key: "\(TreeReader.name(key("keyfile"))) and \(TreeReader.name(key("credentials")))", problem: "are both set",
                fix: "give the service account's key once"
            )
        }
        if let root = try reader.string(key("rootdirectory")) { settings.rootDirectory = root }
        if let text = try reader.string(key("chunksize")) {
            guard let size = Int(text), size >= GCSStorageSettings.chunkUnit, size % GCSStorageSettings.chunkUnit == 0 else {
                throw ConfigurationError(
                    key: TreeReader.name(key("chunksize")), problem: "is \(text)", fix: "give bytes, a multiple of 262144 (256 KiB), such as 5242880"
                )
            }
            settings.chunkSize = size
        }
        if let host = reader.environment["STORAGE_EMULATOR_HOST"], !host.isEmpty {
            settings.emulatorHost = host.contains("://") ? host : "http://" + host
        }
        if let file = reader.environment["GOOGLE_APPLICATION_CREDENTIALS"], !file.isEmpty { settings.applicationCredentials = file }
        return settings
    }

    static func readHTTP(_ reader: inout TreeReader, into http: inout Configuration.HTTP) throws(ConfigurationError) {
        if let addr = try reader.string(["http", "addr"]) {
            http.addr = try ListenAddress(parsing: addr, key: TreeReader.name(["http", "addr"]))
        }
        _ = try reader.string(["http", "net"])
        if let host = try reader.string(["http", "host"]), !host.isEmpty {
            http.host = try PublicURL.normalize(host, key: TreeReader.name(["http", "host"]))
        }
        _ = try reader.string(["http", "prefix"])
        _ = try reader.string(["http", "secret"])
        if let relative = try reader.bool(["http", "relativeurls"]) { http.relativeURLs = relative }
        let certificate = try reader.string(["http", "tls", "certificate"])
        let key = try reader.string(["http", "tls", "key"])
        switch (certificate, key) {
        case (let certificate?, let key?): http.tls = Configuration.TLSFiles(certificate: certificate, key: key)
        case (nil, nil): break
        default:
            throw ConfigurationError(
                key: TreeReader.name(["http", "tls", "certificate"]) + " and " + TreeReader.name(["http", "tls", "key"]),
                problem: "must be given together", fix: "set both the certificate and its private key, or neither"
            )
        }
        if let redirect = try reader.string(["http", "tls", "redirectaddr"]) {
            guard http.tls != nil else {
                throw ConfigurationError(
                    key: TreeReader.name(["http", "tls", "redirectaddr"]), problem: "is set without TLS",
                    fix: "set http.tls.certificate and http.tls.key, or drop the redirect"
                )
            }
            http.redirectAddr = try ListenAddress(parsing: redirect, key: TreeReader.name(["http", "tls", "redirectaddr"]))
        }
        if let debug = try reader.string(["http", "debug", "addr"]) {
            http.debugAddr = try ListenAddress(parsing: debug, key: TreeReader.name(["http", "debug", "addr"]))
        }
        if let proxies = try reader.list(["http", "trustedproxies"]) { http.trustedProxies = proxies }
        if let header = try reader.duration(["http", "timeouts", "header"]) { http.limits.header = header }
        if let idle = try reader.duration(["http", "timeouts", "idle"]) { http.limits.idle = idle }
        if let body = try reader.duration(["http", "timeouts", "body"]) { http.limits.body = body }
        if let connections = try reader.positiveInt(["http", "maxconnections"]) { http.limits.maxConnections = connections }
    }

    static func readAuth(_ reader: inout TreeReader, into configuration: inout Configuration) throws(ConfigurationError) {
        if case .scalar(let value)? = reader.tree[["auth"]] {
            _ = try reader.string(["auth"])
            guard value.lowercased() == "none" else {
                throw ConfigurationError(key: TreeReader.name(["auth"]), problem: "is \(value)", fix: "use none, or an auth.token mapping")
            }
            configuration.auth = .disabled
            return
        }
        for unsupported in ["htpasswd", "silly"] where reader.has(["auth", unsupported]) {
            throw ConfigurationError(
                key: TreeReader.name(["auth", unsupported]), problem: "is not supported",
                fix: "use token auth (Wharf's own /jwt/auth, or auth.token.* for another issuer)"
            )
        }
        guard reader.has(["auth", "token"]) else { return }
        func required(_ key: String) throws(ConfigurationError) -> String {
            guard let value = try reader.string(["auth", "token", key]), !value.isEmpty else {
                throw ConfigurationError(
                    key: TreeReader.name(["auth", "token", key]), problem: "is missing while other auth.token settings are given",
                    fix: "token auth needs realm, service, issuer and rootcertbundle (or jwks)"
                )
            }
            return value
        }
        let settings = TokenAuthSettings(
            realm: try required("realm"), service: try required("service"), issuer: try required("issuer"),
            rootCertBundle: try reader.string(["auth", "token", "rootcertbundle"]).flatMap { $0.isEmpty ? nil : $0 },
            jwks: try reader.string(["auth", "token", "jwks"]).flatMap { $0.isEmpty ? nil : $0 },
            signingAlgorithms: try reader.list(["auth", "token", "signingalgorithms"])
        )
        _ = try reader.bool(["auth", "token", "autoredirect"])
        guard settings.rootCertBundle != nil || settings.jwks != nil else {
            throw ConfigurationError(
                key: TreeReader.name(["auth", "token", "rootcertbundle"]) + " and " + TreeReader.name(["auth", "token", "jwks"]),
                problem: "are both missing", fix: "give the PEM certificate of the token issuer (GitLab's registry .crt) or a JWKS file"
            )
        }
        configuration.auth = .token(settings)
    }
}
