/// The seed deployment's own variables: GitLab's `GITLAB_REGISTRY_*` and nginx's
/// `SSL_REGISTRY_*`, applied after `REGISTRY_*`.
enum SeedVariables {
    static func apply(_ environment: [String: String], to configuration: inout Configuration) throws(ConfigurationError) {
        try configuration.identity.apply(environment: environment)
        if configuration.http.host == nil, let host = environment["GITLAB_REGISTRY_HOST"], !host.isEmpty {
            let port = environment["GITLAB_REGISTRY_PORT"].flatMap { $0.isEmpty ? nil : $0 }
            if let port, Int(port) == nil {
                throw ConfigurationError(key: "GITLAB_REGISTRY_PORT", problem: "is \"\(port)\", not a port", fix: "give a number such as 443")
            }
            let scheme = port == "80" ? "http" : "https"
            let suffix = port == nil || port == "443" || port == "80" ? "" : ":\(port!)"
            configuration.http.host = "\(scheme)://\(host)\(suffix)"
        }
        let certificate = environment["SSL_REGISTRY_CERT_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        let key = environment["SSL_REGISTRY_KEY_PATH"].flatMap { $0.isEmpty ? nil : $0 }
        switch (certificate, key) {
        case (let certificate?, let key?):
            if let existing = configuration.http.tls, existing != Configuration.TLSFiles(certificate: certificate, key: key) {
                throw ConfigurationError(
                    key: "SSL_REGISTRY_CERT_PATH and REGISTRY_HTTP_TLS_CERTIFICATE", problem: "name different certificates",
                    fix: "set one pair of TLS files"
                )
            }
            configuration.http.tls = Configuration.TLSFiles(certificate: certificate, key: key)
        case (nil, nil): break
        default:
            throw ConfigurationError(
                key: "SSL_REGISTRY_CERT_PATH and SSL_REGISTRY_KEY_PATH", problem: "must be given together",
                fix: "set both the certificate and its private key, or neither"
            )
        }
        if environment["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY"] == nil,
            let directory = environment["GITLAB_REGISTRY_DIR"] ?? environment["GITLAB_REGISTRY_PATH"], !directory.isEmpty,
            configuration.storage.rootDirectory == Configuration.Storage().rootDirectory
        {
            configuration.storage.rootDirectory = directory
        }
    }
}
