import OCI

/// The effective configuration as `wharf config check` prints it: every setting Wharf uses, in
/// Distribution's key names, with the warnings after it. Values that could be secrets are masked.
public enum ConfigurationReport {
    public static func render(_ result: ConfigurationLoader.Result) -> String {
        let c = result.configuration
        var lines = ["# effective configuration" + (result.source.map { " (file: \($0))" } ?? " (no file)")]
        func add(_ key: String, _ value: String?) { lines.append("\(key): \(value ?? "(unset)")") }
        add("role", c.role.rawValue)
        add("log.level", c.log.level.rawValue)
        add("log.formatter", c.log.json ? "json" : "text")
        add("log.accesslog.disabled", String(!c.log.accessLog))
        if let s3 = c.storage.s3 {
            add("datadirectory", c.storage.rootDirectory)
            add("storage.s3.bucket", s3.bucket)
            add("storage.s3.region", s3.region)
            add("storage.s3.regionendpoint", s3.regionEndpoint ?? "(AWS)")
            add("storage.s3.rootdirectory", s3.rootDirectory)
            add("storage.s3.accesskey", s3.accessKey)
            add("storage.s3.secretkey", "(set)")
            add("storage.s3.chunksize", String(s3.chunkSize))
        } else if let gcs = c.storage.gcs {
            add("datadirectory", c.storage.rootDirectory)
            add("storage.gcs.bucket", gcs.bucket)
            add("storage.gcs.keyfile", gcs.keyFile)
            add("storage.gcs.credentials", gcs.credentialsJSON == nil ? nil : "(set)")
            add("storage.gcs.rootdirectory", gcs.rootDirectory)
            add("storage.gcs.chunksize", String(gcs.chunkSize))
            add("STORAGE_EMULATOR_HOST", gcs.emulatorHost)
        } else {
            add("storage.filesystem.rootdirectory", c.storage.rootDirectory)
            add("storage.filesystem.fsync", String(c.storage.fsync))
        }
        add("storage.delete.enabled", String(c.storage.deleteEnabled))
        add("storage.maintenance.readonly.enabled", String(c.storage.readOnly))
        add("storage.maintenance.uploadpurging.enabled", String(c.storage.uploadPurging.enabled))
        add("storage.maintenance.uploadpurging.age", "\(Int(c.storage.uploadPurging.age))s")
        add("storage.maintenance.uploadpurging.interval", "\(Int(c.storage.uploadPurging.interval))s")
        add("storage.maintenance.uploadpurging.dryrun", String(c.storage.uploadPurging.dryRun))
        add("http.addr", c.http.addr.description)
        add("http.host", c.http.host)
        add("http.relativeurls", String(c.http.relativeURLs))
        add("http.tls.certificate", c.http.tls?.certificate)
        add("http.tls.key", c.http.tls?.key)
        add("http.tls.redirectaddr", c.http.redirectAddr?.description)
        add("http.debug.addr", c.http.debugAddr?.description)
        add("http.trustedproxies", c.http.trustedProxies.joined(separator: ", "))
        add("http.timeouts.header", "\(Int(c.http.limits.header))s")
        add("http.timeouts.idle", "\(Int(c.http.limits.idle))s")
        add("http.timeouts.body", "\(Int(c.http.limits.body))s")
        add("http.maxconnections", String(c.http.limits.maxConnections))
        add("limits.uploads.perrepository", String(c.storage.uploadLimits.perRepository))
        add("limits.uploads.perprincipal", String(c.storage.uploadLimits.perPrincipal))
        add("cleanup", c.storage.cleanup.disabled ? "disabled" : "due policies every \(Int(c.storage.cleanup.interval))s, \(Int(c.storage.cleanup.maxRuntime))s a tick at most")
        add("quotas.default", c.storage.quotaDefault.map(ByteCount.format) ?? "none (namespaces without a limit of their own are unlimited)")
        switch c.auth {
        case .disabled?: add("auth", "none (the registry is open)")
        case nil: add("auth", "token, issued by this process's /jwt/auth")
        case .token(let token)?:
            add("auth.token.realm", token.realm)
            add("auth.token.service", token.service)
            add("auth.token.issuer", token.issuer)
            add("auth.token.rootcertbundle", token.rootCertBundle)
            add("auth.token.jwks", token.jwks)
            add("auth.token.signingalgorithms", token.signingAlgorithms?.joined(separator: ", "))
        }
        add("GITLAB_REGISTRY_ISSUER", c.identity.issuer)
        add("GITLAB_REGISTRY_KEY_PATH", c.identity.resolvedKeyPath(default: DataDirectory(c.storage.rootDirectory).defaultSigningKey))
        add("GITLAB_REGISTRY_CERT_PATH", c.identity.resolvedCertificatePath(default: DataDirectory(c.storage.rootDirectory).defaultSigningKey))
        add("GITLAB_REGISTRY_GENERATE_INTERNAL_CERTIFICATES", String(c.identity.generateKeys))
        add("token lifetime", "\(c.identity.tokenLifetime)s")
        for warning in result.warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }

    /// Masks values of keys that name secrets, for any place a raw value is shown.
    public static func mask(key: String, value: String) -> String {
        let lowered = key.lowercased()
        let secret = ["secret", "password", "accesskey", "token", "credentials", "privatekey"].contains { lowered.contains($0) }
        return secret && !value.isEmpty ? "********" : value
    }
}
