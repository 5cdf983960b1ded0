import Config
import Testing

@Suite(.timeLimit(.minutes(3))) struct ConfigurationTests {
    @Test func defaultsMatchTheReadme() throws {
        let configuration = try Configuration.load(environment: [:])
        #expect(configuration.http.addr == ListenAddress(host: "0.0.0.0", port: 5000))
        #expect(configuration.storage.rootDirectory == "./wharf-data")
        #expect(configuration.storage.deleteEnabled == false)
        #expect(configuration.storage.fsync)
        #expect(configuration.log.level == .info)
    }

    @Test func registryVariablesOverrideDefaults() throws {
        let configuration = try Configuration.load(environment: [
            "REGISTRY_HTTP_ADDR": "127.0.0.1:5001",
            "REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/var/lib/registry",
            "REGISTRY_STORAGE_DELETE_ENABLED": "true",
            "REGISTRY_LOG_LEVEL": "debug",
            "REGISTRY_STORAGE_FILESYSTEM_FSYNC": "false",
        ])
        #expect(!configuration.storage.fsync)
        #expect(configuration.http.addr == ListenAddress(host: "127.0.0.1", port: 5001))
        #expect(configuration.storage.rootDirectory == "/var/lib/registry")
        #expect(configuration.storage.deleteEnabled)
        #expect(configuration.log.level == .debug)
    }

    @Test(arguments: [(":5000", "0.0.0.0", 5000), ("[::1]:5002", "::1", 5002), ("localhost:80", "localhost", 80)])
    func listenAddressesParseGoStyle(_ text: String, _ host: String, _ port: Int) throws {
        #expect(try ListenAddress(parsing: text, key: "k") == ListenAddress(host: host, port: port))
    }

    @Test(arguments: ["5000", "host", ":port", ":70000", "::1:5000", "[::1:5000"])
    func badListenAddressesNameTheKey(_ text: String) {
        #expect {
            try ListenAddress(parsing: text, key: "REGISTRY_HTTP_ADDR")
        } throws: { error in
            (error as? ConfigurationError)?.key == "REGISTRY_HTTP_ADDR"
        }
    }

    @Test func booleansAndLevelsAreValidated() throws {
        #expect(try Configuration.load(environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "yes"]).storage.deleteEnabled)
        #expect(try !Configuration.load(environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "False"]).storage.deleteEnabled)
        #expect(try Configuration.load(environment: ["REGISTRY_LOG_LEVEL": "warn"]).log.level == .warn)
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "maybe"]) }
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_LOG_LEVEL": "loud"]) }
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": ""]) }
    }
}

@Suite(.timeLimit(.minutes(3))) struct TokenAuthConfigurationTests {
    static let seed = [
        "REGISTRY_AUTH_TOKEN_REALM": "https://gitlab.example.com/jwt/auth",
        "REGISTRY_AUTH_TOKEN_SERVICE": "container_registry",
        "REGISTRY_AUTH_TOKEN_ISSUER": "gitlab-issuer",
        "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE": "/certs/registry.crt",
    ]

    @Test func theSeedsVariablesEnableTokenAuth() throws {
        let configuration = try Configuration.load(environment: Self.seed)
        #expect(configuration.auth == .token(TokenAuthSettings(
            realm: "https://gitlab.example.com/jwt/auth", service: "container_registry", issuer: "gitlab-issuer",
            rootCertBundle: "/certs/registry.crt"
        )))
    }

    @Test func signingAlgorithmsParseAsAYAMLListOrCommas() throws {
        var environment = Self.seed
        environment["REGISTRY_AUTH_TOKEN_SIGNINGALGORITHMS"] = "[RS256, ES256]"
        guard case .token(let settings) = try Configuration.load(environment: environment).auth else {
            Issue.record("token auth not enabled")
            return
        }
        #expect(settings.signingAlgorithms == ["RS256", "ES256"])
        environment["REGISTRY_AUTH_TOKEN_SIGNINGALGORITHMS"] = "PS256,EdDSA"
        guard case .token(let other) = try Configuration.load(environment: environment).auth else { return }
        #expect(other.signingAlgorithms == ["PS256", "EdDSA"])
    }

    @Test func aPartialTokenConfigurationNamesWhatIsMissing() {
        for missing in ["REGISTRY_AUTH_TOKEN_REALM", "REGISTRY_AUTH_TOKEN_SERVICE", "REGISTRY_AUTH_TOKEN_ISSUER"] {
            var environment = Self.seed
            environment.removeValue(forKey: missing)
            #expect {
                try Configuration.load(environment: environment)
            } throws: { error in
                (error as? ConfigurationError)?.key.contains(missing) == true
            }
        }
        var noKeys = Self.seed
        noKeys.removeValue(forKey: "REGISTRY_AUTH_TOKEN_ROOTCERTBUNDLE")
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: noKeys) }
    }

    @Test func registryAuthNoneAndTokenAreChecked() throws {
        var environment = Self.seed
        environment["REGISTRY_AUTH"] = "none"
        #expect(try Configuration.load(environment: environment).auth == .disabled)
        #expect(try Configuration.load(environment: ["REGISTRY_AUTH": "token"]).auth == nil, "token auth by Wharf's own issuer")
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_AUTH": "htpasswd"]) }
    }
}
