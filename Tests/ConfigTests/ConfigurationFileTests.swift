import Foundation
import Config
import Testing

@Suite(.timeLimit(.minutes(3))) struct ConfigurationFileTests {
    static let distributionYAML = """
        version: 0.1
        log:
          level: debug
          formatter: json
          accesslog:
            disabled: true
        storage:
          filesystem:
            rootdirectory: /var/lib/registry
          delete:
            enabled: true
          cache:
            blobdescriptor: inmemory
          maintenance:
            uploadpurging:
              enabled: true
              age: 72h
              interval: 12h
              dryrun: true
            readonly:
              enabled: false
        http:
          addr: :5001
          host: https://registry.example.com
          secret: asecretforlocaldevelopment
          relativeurls: true
          debug:
            addr: 127.0.0.1:5002
          headers:
            X-Content-Type-Options: [nosniff]
        auth:
          token:
            realm: https://gitlab.example.com/jwt/auth
            service: container_registry
            issuer: gitlab-issuer
            rootcertbundle: /certs/registry.crt
            signingalgorithms: [RS256, ES256]
        notifications:
          endpoints:
            - name: alistener
              url: https://listener.example.com/event
        """

    func load(_ yaml: String?, _ environment: [String: String] = [:]) throws -> ConfigurationLoader.Result {
        try ConfigurationLoader.load(yaml: yaml, source: "config.yml", environment: environment)
    }

    @Test func distributionsSchemaFillsTheConfiguration() throws {
        let result = try load(Self.distributionYAML)
        let configuration = result.configuration
        #expect(configuration.log.level == .debug)
        #expect(configuration.log.json)
        #expect(!configuration.log.accessLog)
        #expect(configuration.storage.rootDirectory == "/var/lib/registry")
        #expect(configuration.storage.deleteEnabled)
        #expect(configuration.storage.uploadPurging.age == 72 * 3600)
        #expect(configuration.storage.uploadPurging.interval == 12 * 3600)
        #expect(configuration.storage.uploadPurging.dryRun)
        #expect(configuration.http.addr == ListenAddress(host: "0.0.0.0", port: 5001))
        #expect(configuration.http.host == "https://registry.example.com")
        #expect(configuration.http.relativeURLs)
        #expect(configuration.http.debugAddr == ListenAddress(host: "127.0.0.1", port: 5002))
        guard case .token(let token)? = configuration.auth else {
            Issue.record("token auth not read")
            return
        }
        #expect(token.signingAlgorithms == ["RS256", "ES256"])
        #expect(token.rootCertBundle == "/certs/registry.crt")
    }

    @Test func connectionAndUploadLimitsHaveDefaultsAndSettings() throws {
        let defaults = try load(nil).configuration
        #expect(defaults.http.limits == ConnectionLimits())
        #expect(defaults.http.limits.header == 20 && defaults.http.limits.maxConnections == 4096)
        #expect(defaults.storage.uploadLimits.perRepository == 1000)
        let yaml = """
            http:
              timeouts: {header: 5s, idle: 2m, body: 10m}
              maxconnections: 500
            limits:
              uploads: {perrepository: 50}
            """
        let configured = try load(yaml, ["REGISTRY_LIMITS_UPLOADS_PERPRINCIPAL": "20", "REGISTRY_HTTP_TIMEOUTS_HEADER": "7s"])
        #expect(configured.warnings.isEmpty, "\(configured.warnings)")
        let limits = configured.configuration.http.limits
        #expect(limits.header == 7 && limits.idle == 120 && limits.body == 600 && limits.maxConnections == 500)
        #expect(configured.configuration.storage.uploadLimits == { var l = UploadLimits(); l.perRepository = 50; l.perPrincipal = 20; return l }())
        #expect(throws: ConfigurationError.self) { try load("http:\n  maxconnections: 0\n") }
        #expect(throws: ConfigurationError.self) { try load("http:\n  timeouts:\n    idle: soon\n") }
    }

    @Test func theDefaultStorageLimitIsAByteCountFromTheFileOrTheEnvironment() throws {
        #expect(try load("quotas:\n  default: 10GiB\n").configuration.storage.quotaDefault == 10 << 30)
        #expect(try load(nil, ["REGISTRY_QUOTAS_DEFAULT": "1.5GB"]).configuration.storage.quotaDefault == 1_500_000_000)
        #expect(try load(nil).configuration.storage.quotaDefault == nil)
        #expect {
            try load("quotas:\n  default: lots\n")
        } throws: { error in
            let error = error as? ConfigurationError
            return error?.key.hasPrefix("quotas.default") == true && "\(error!)".contains("10GiB")
        }
    }

    @Test func garbageCollectionTakesGitLabsKeysAndDefaults() throws {
        let defaults = try load(nil).configuration.gc
        #expect(!defaults.disabled && defaults.reviewAfter == 86400 && defaults.maxBackoff == 86400 && !defaults.noIdleBackoff)
        #expect(defaults.blobs == .init(disabled: false, interval: 5) && defaults.manifests == .init(disabled: false, interval: 5))
        #expect(defaults.storageTimeout == 5 && defaults.transactionTimeout == 10 && defaults.uploadGrace == 60)
        let yaml = """
            gc:
              disabled: false
              maxbackoff: 30m
              noidlebackoff: true
              transactiontimeout: 5s
              reviewafter: -1
              errorcooldownperiod: 30m
              blobs:
                disabled: true
                interval: 1s
                storagetimeout: 2s
              manifests:
                interval: 500ms
            """
        let configured = try load(yaml, ["REGISTRY_GC_MANIFESTS_DISABLED": "true", "REGISTRY_GC_UPLOADGRACE": "0s"])
        #expect(configured.warnings.isEmpty, "\(configured.warnings)")
        let gc = configured.configuration.gc
        #expect(gc.reviewAfter == 0 && gc.maxBackoff == 1800 && gc.noIdleBackoff && gc.transactionTimeout == 5 && gc.uploadGrace == 0)
        #expect(gc.blobs == .init(disabled: true, interval: 1) && gc.storageTimeout == 2)
        #expect(gc.manifests == .init(disabled: true, interval: 0.5))
        #expect(try load("gc:\n  reviewafter: 0s\n").configuration.gc.reviewAfter == 0)
        #expect(throws: ConfigurationError.self) { try load("gc:\n  reviewafter: tomorrow\n") }
        #expect(throws: ConfigurationError.self) { try load("gc:\n  blobs:\n    interval: 0s\n") }
    }

    @Test func keysWharfDoesNotImplementAreNamedOnce() throws {
        let warnings = try load(Self.distributionYAML).warnings
        #expect(warnings.contains { $0.hasPrefix("http.headers.X-Content-Type-Options.0") })
        #expect(warnings.contains { $0.hasPrefix("notifications.endpoints.0.url (REGISTRY_NOTIFICATIONS_ENDPOINTS_0_URL)") })
        #expect(!warnings.contains { $0.contains("storage.cache") || $0.contains("http.secret") || $0.contains("version") })
    }

    @Test func registryVariablesOverrideTheFileByDistributionsRule() throws {
        let configuration = try load(Self.distributionYAML, [
            "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/data",
            "REGISTRY_LOG_LEVEL": "warn",
            "REGISTRY_HTTP_ADDR": "127.0.0.1:6000",
            "REGISTRY_STORAGE_DELETE_ENABLED": "false",
            "REGISTRY_AUTH_TOKEN_SIGNINGALGORITHMS_0": "PS256",
            "REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE": "1h30m",
        ]).configuration
        #expect(configuration.storage.rootDirectory == "/data")
        #expect(configuration.log.level == .warn)
        #expect(configuration.http.addr == ListenAddress(host: "127.0.0.1", port: 6000))
        #expect(!configuration.storage.deleteEnabled)
        #expect(configuration.storage.uploadPurging.age == 5400)
        guard case .token(let token)? = configuration.auth else { return }
        #expect(token.signingAlgorithms == ["PS256", "ES256"], "an indexed variable replaces one list item")
    }

    @Test func theSeedsRegistryEnvironmentIsAcceptedUnchanged() throws {
        let result = try load(nil, [
            "REGISTRY_LOG_LEVEL": "info",
            "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/registry",
            "REGISTRY_AUTH_TOKEN_REALM": "https://gitlab.example.com/jwt/auth",
            "REGISTRY_AUTH_TOKEN_SERVICE": "container_registry",
            "REGISTRY_AUTH_TOKEN_ISSUER": "gitlab-issuer",
            "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE": "/certs/registry.crt",
            "REGISTRY_STORAGE_DELETE_ENABLED": "true",
            "REGISTRY_CACHE_BLOBDESCRIPTOR": "inmemory",
            "REGISTRY_HTTP_SECRET": "secret",
        ])
        #expect(result.configuration.storage.rootDirectory == "/registry")
        #expect(result.warnings == ["cache.blobdescriptor (REGISTRY_CACHE_BLOBDESCRIPTOR) is not implemented by Wharf yet and is ignored"])
    }

    @Test func theSeedsS3BlockConfiguresTheS3Driver() throws {
        let result = try load(nil, [
            "REGISTRY_STORAGE_S3_ACCESSKEY": "AKIA",
            "REGISTRY_STORAGE_S3_SECRETKEY": "secret",
            "REGISTRY_STORAGE_S3_BUCKET": "registry",
            "REGISTRY_STORAGE_S3_REGION": "us-east-1",
            "REGISTRY_STORAGE_S3_REGIONENDPOINT": "http://minio:9000",
            "REGISTRY_DATADIRECTORY": "/var/lib/wharf",
        ])
        #expect(result.warnings.isEmpty, "\(result.warnings)")
        let s3 = try #require(result.configuration.storage.s3)
        #expect(s3.bucket == "registry" && s3.region == "us-east-1" && s3.regionEndpoint == "http://minio:9000")
        #expect(s3.accessKey == "AKIA" && s3.secretKey == "secret" && s3.chunkSize == 10 << 20)
        #expect(result.configuration.storage.rootDirectory == "/var/lib/wharf")
    }

    @Test func s3SettingsAreCheckedAndCredentialsFallBackToAWSVariables() throws {
        let yaml = "storage:\n  s3:\n    region: eu-west-1\n    bucket: images\n    rootdirectory: /registry\n    chunksize: 20971520\n    forcepathstyle: true\n"
        let configuration = try load(yaml, ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "key", "AWS_SESSION_TOKEN": "token"]).configuration
        let s3 = try #require(configuration.storage.s3)
        #expect(s3.accessKey == "id" && s3.secretKey == "key" && s3.sessionToken == "token")
        #expect(s3.rootDirectory == "/registry" && s3.chunkSize == 20 << 20 && s3.forcePathStyle == true)
        #expect(throws: ConfigurationError.self) { try load(yaml, [:]) }
        #expect(throws: ConfigurationError.self) { try load("storage:\n  s3:\n    bucket: b\n    accesskey: a\n    secretkey: s\n", [:]) }
        #expect(throws: ConfigurationError.self) {
            try load(yaml, ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "key", "REGISTRY_STORAGE_S3_CHUNKSIZE": "1024"])
        }
        #expect(throws: ConfigurationError.self) {
            try load(yaml, ["AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "key", "REGISTRY_STORAGE_S3_REGIONENDPOINT": "minio:9000"])
        }
        #expect(throws: ConfigurationError.self) {
            try load(nil, ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/a", "REGISTRY_DATADIRECTORY": "/b"])
        }
    }

    @Test func gcsSettingsFollowDistributionAndGooglesVariables() throws {
        let yaml = """
            storage:
              gcs:
                bucket: images
                rootdirectory: /registry
                chunksize: 524288
                credentials:
                  type: service_account
                  private_key_id: k1
                  private_key: "-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----\\n"
                  client_email: registry@p.iam.gserviceaccount.com
                  token_uri: https://oauth2.googleapis.com/token
            datadirectory: /var/lib/wharf
            """
        let result = try load(yaml, ["STORAGE_EMULATOR_HOST": "127.0.0.1:4443", "GOOGLE_APPLICATION_CREDENTIALS": "/adc.json"])
        #expect(result.warnings == ["STORAGE_EMULATOR_HOST is set: blobs go to the emulator at http://127.0.0.1:4443, without credentials"])
        let gcs = try #require(result.configuration.storage.gcs)
        #expect(gcs.bucket == "images" && gcs.rootDirectory == "/registry" && gcs.chunkSize == 512 << 10)
        #expect(gcs.emulatorHost == "http://127.0.0.1:4443" && gcs.applicationCredentials == "/adc.json" && gcs.keyFile == nil)
        let json = try #require(gcs.credentialsJSON)
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: String])
        #expect(fields["client_email"] == "registry@p.iam.gserviceaccount.com" && fields["private_key_id"] == "k1")
        #expect(fields["private_key"]?.hasPrefix("-----BEGIN PRIVATE KEY-----\n") == true)
        #expect(result.configuration.storage.usesObjectStorage && result.configuration.storage.rootDirectory == "/var/lib/wharf")

        let seeds = try load(nil, ["REGISTRY_STORAGE_GCS_BUCKET": "b", "REGISTRY_STORAGE_GCS_KEYFILE": "/key.json"]).configuration.storage.gcs
        #expect(seeds?.bucket == "b" && seeds?.keyFile == "/key.json" && seeds?.chunkSize == 5 << 20 && seeds?.emulatorHost == nil)
        for environment in [
            ["REGISTRY_STORAGE_GCS_KEYFILE": "/key.json"],
            ["REGISTRY_STORAGE_GCS_BUCKET": "b", "REGISTRY_STORAGE_GCS_CHUNKSIZE": "300000"],
            ["REGISTRY_STORAGE_GCS_BUCKET": "b", "REGISTRY_STORAGE_GCS_CHUNKSIZE": "0"],
        ] {
            #expect(throws: ConfigurationError.self, "\(environment)") { try load(nil, environment) }
        }
        #expect(throws: ConfigurationError.self) { try load("storage:\n  gcs:\n    bucket: b\n    credentials:\n      type: service_account\n", [:]) }
    }

    /// A driver Wharf cannot use stops the start naming its key: storing blobs on the local disk
    /// instead, as earlier versions did with a warning, loses them with the machine.
    @Test func aDriverWharfCannotUseIsAnErrorNotAFallback() {
        for driver in ["azure", "swift", "oss", "inmemory"] {
            #expect(throws: ConfigurationError.self, "\(driver)") {
                try load("storage:\n  \(driver):\n    container: c\n", [:])
            }
            #expect {
                try load(nil, ["REGISTRY_STORAGE_\(driver.uppercased())_CONTAINER": "c"])
            } throws: { error in
                (error as? ConfigurationError)?.key.contains("REGISTRY_STORAGE_\(driver.uppercased())") == true
            }
        }
    }

    @Test func theSeedsGitLabEnvironmentIsAcceptedUnchanged() throws {
        let configuration = try load(nil, [
            "GITLAB_REGISTRY_ENABLED": "true",
            "GITLAB_REGISTRY_HOST": "registry.example.com",
            "GITLAB_REGISTRY_PORT": "443",
            "GITLAB_REGISTRY_API_URL": "http://registry:5000",
            "GITLAB_REGISTRY_KEY_PATH": "/certs/registry.key",
            "GITLAB_REGISTRY_ISSUER": "gitlab-issuer",
            "SSL_REGISTRY_KEY_PATH": "/certs/registry.key",
            "SSL_REGISTRY_CERT_PATH": "/certs/registry.crt",
        ]).configuration
        #expect(configuration.http.host == "https://registry.example.com")
        #expect(configuration.identity.keyPath == "/certs/registry.key")
        #expect(configuration.identity.resolvedCertificatePath(default: "/x/keys/registry.key") == "/certs/registry.crt")
        #expect(configuration.http.tls == Configuration.TLSFiles(certificate: "/certs/registry.crt", key: "/certs/registry.key"))
        let withPort = try load(nil, ["GITLAB_REGISTRY_HOST": "registry.example.com", "GITLAB_REGISTRY_PORT": "5050"])
        #expect(withPort.configuration.http.host == "https://registry.example.com:5050")
    }

    @Test func contradictionsAreErrorsNamingBothKeys() {
        let cases: [(String?, [String: String], [String])] = [
            ("storage:\n  filesystem:\n    rootdirectory: /a\n  s3:\n    bucket: b\n", [:], ["storage.filesystem", "storage.s3"]),
            (nil, ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/a", "REGISTRY_STORAGE_S3_BUCKET": "b"], ["REGISTRY_STORAGE_FILESYSTEM", "REGISTRY_STORAGE_S3"]),
            (nil, ["REGISTRY_HTTP_TLS_CERTIFICATE": "/c.crt"], ["http.tls.certificate", "http.tls.key"]),
            (nil, ["SSL_REGISTRY_CERT_PATH": "/c.crt"], ["SSL_REGISTRY_CERT_PATH", "SSL_REGISTRY_KEY_PATH"]),
            (nil, ["REGISTRY_AUTH_TOKEN_REALM": "https://x/jwt/auth"], ["auth.token.service"]),
            (nil, ["REGISTRY_AUTH_TOKEN_REALM": "https://x/jwt/auth", "REGISTRY_AUTH_TOKEN_SERVICE": "s", "REGISTRY_AUTH_TOKEN_ISSUER": "i"],
             ["auth.token.rootcertbundle", "auth.token.jwks"]),
            (nil, ["REGISTRY_HTTP_TLS_CERTIFICATE": "/a.crt", "REGISTRY_HTTP_TLS_KEY": "/a.key", "SSL_REGISTRY_CERT_PATH": "/b.crt", "SSL_REGISTRY_KEY_PATH": "/b.key"],
             ["SSL_REGISTRY_CERT_PATH", "REGISTRY_HTTP_TLS_CERTIFICATE"]),
        ]
        for (yaml, environment, keys) in cases {
            #expect("\(environment)") {
                try load(yaml, environment)
            } throws: { error in
                guard let error = error as? ConfigurationError else { return false }
                return keys.allSatisfy { error.key.contains($0) } && !error.fix.isEmpty
            }
        }
    }

    @Test func badValuesNameTheirKeyAndAFix() {
        let cases: [[String: String]] = [
            ["REGISTRY_STORAGE_DELETE_ENABLED": "sometimes"],
            ["REGISTRY_HTTP_ADDR": "nowhere"],
            ["REGISTRY_LOG_FORMATTER": "xml"],
            ["REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_AGE": "a week"],
            ["REGISTRY_AUTH_HTPASSWD_PATH": "/auth/htpasswd"],
            ["GITLAB_REGISTRY_PORT": "https"],
            ["REGISTRY_HTTP_HOST": "::"],
        ]
        for environment in cases {
            #expect(throws: ConfigurationError.self, "\(environment)") { try load(nil, environment.merging(["GITLAB_REGISTRY_HOST": "x"]) { a, _ in a }) }
        }
        #expect(throws: ConfigurationError.self) { try load("version: [unclosed", [:]) }
        #expect(throws: ConfigurationError.self) { try load("- a list\n- not a mapping\n", [:]) }
    }

    @Test func authNoneIsAcceptedInTheFileAndTheEnvironment() throws {
        #expect(try load("auth: none\n").configuration.auth == .disabled)
        #expect(try load(nil, ["REGISTRY_AUTH": "none"]).configuration.auth == .disabled)
        #expect(try load(nil, [:]).configuration.auth == nil)
    }

    @Test func goDurationsParse() throws {
        #expect(try load(nil, ["REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_INTERVAL": "45s"]).configuration.storage.uploadPurging.interval == 45)
        #expect(try load(nil, ["REGISTRY_STORAGE_MAINTENANCE_UPLOADPURGING_INTERVAL": "2h"]).configuration.storage.uploadPurging.interval == 7200)
    }

    @Test func backupSectionSetsDirectoryAndRetention() throws {
        let configuration = try load("backup:\n  dir: /srv/backups\n  keep: 7\n").configuration
        #expect(configuration.backup.directory == "/srv/backups")
        #expect(configuration.backup.keep == 7)
        #expect(try load(nil, ["REGISTRY_BACKUP_KEEP": "3"]).configuration.backup.keep == 3)
        #expect(throws: ConfigurationError.self) { try load(nil, ["REGISTRY_BACKUP_KEEP": "0"]) }
        #expect(throws: ConfigurationError.self) { try load(nil, ["REGISTRY_BACKUP_KEEP": "all"]) }
    }

    @Test func backupsDefaultBesideTheDataDirectory() throws {
        let backup = try load(nil, [:]).configuration.backup
        #expect(backup.resolvedDirectory(root: "/var/lib/wharf/data") == "/var/lib/wharf/wharf-backups")
        #expect(backup.resolvedDirectory(root: "/data") == "/wharf-backups")
        #expect(!backup.resolvedDirectory(root: "./wharf-data").hasPrefix(URL(fileURLWithPath: "./wharf-data").standardizedFileURL.path + "/"))
    }
}
