import Config
import Testing

@Suite struct ConfigurationTests {
    @Test func defaultsMatchTheReadme() throws {
        let configuration = try Configuration.load(environment: [:])
        #expect(configuration.http.addr == ListenAddress(host: "0.0.0.0", port: 5000))
        #expect(configuration.storage.rootDirectory == "./wharf-data")
        #expect(configuration.storage.deleteEnabled == false)
        #expect(configuration.storage.fsync)
        #expect(configuration.logLevel == .info)
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
        #expect(configuration.logLevel == .debug)
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
        #expect(try Configuration.load(environment: ["REGISTRY_LOG_LEVEL": "warn"]).logLevel == .warn)
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_STORAGE_DELETE_ENABLED": "maybe"]) }
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_LOG_LEVEL": "loud"]) }
        #expect(throws: ConfigurationError.self) { try Configuration.load(environment: ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": ""]) }
    }
}
