import Foundation
import Testing
import WharfTestSupport

/// `wharf config check` on the real binary: the effective configuration, warnings, and a
/// non-zero exit naming the keys of a contradiction.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct ConfigCheckTests {
    @Test func aGoodConfigurationPrintsItsSettingsAndWarnings() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/config.yml"
            try """
                version: 0.1
                storage:
                  filesystem:
                    rootdirectory: \(directory)/data
                  delete:
                    enabled: true
                http:
                  addr: 127.0.0.1:5999
                  secret: do-not-print-me
                notifications:
                  endpoints:
                    - name: listener
                      url: https://listener.example.com/event
                """.write(toFile: file, atomically: true, encoding: .utf8)
            let output = try await Command.run([WharfProcess.binary, "config", "check", "--config", file], environment: ["REGISTRY_LOG_LEVEL": "debug"])
            #expect(output.stdout.contains("storage.filesystem.rootdirectory: \(directory)/data"))
            #expect(output.stdout.contains("storage.delete.enabled: true"))
            #expect(output.stdout.contains("log.level: debug"))
            #expect(output.stdout.contains("warning: notifications.endpoints.0.url (REGISTRY_NOTIFICATIONS_ENDPOINTS_0_URL) is not implemented"))
            #expect(!output.stdout.contains("do-not-print-me"))
        }
    }

    @Test func aContradictionExitsNonZeroNamingBothKeys() async throws {
        let output = try await Command.run(
            [WharfProcess.binary, "config", "check"],
            environment: ["REGISTRY_STORAGE_FILESYSTEM_ROOTDIRECTORY": "/data", "REGISTRY_STORAGE_S3_BUCKET": "images"], check: false
        )
        #expect(output.status != 0)
        #expect(output.stdout.contains("REGISTRY_STORAGE_FILESYSTEM") && output.stdout.contains("REGISTRY_STORAGE_S3"))
        #expect(output.stdout.contains("fix:"))
    }

    @Test func serveRefusesABadConfigurationBeforeListening() async throws {
        let output = try await Command.run(
            [WharfProcess.binary, "serve", "--addr", "127.0.0.1:0"], environment: ["REGISTRY_HTTP_TLS_KEY": "/k.pem"], check: false
        )
        #expect(output.status != 0)
        #expect(output.stderr.contains("http.tls.certificate"))
        #expect(output.stderr.contains("fix:"), "the key, the problem and the fix")
        #expect(!output.stderr.contains("USAGE"), "no usage dump for a bad configuration")
    }
}

/// The management commands read the configuration as `wharf serve` does: a user created with
/// `--config` (or with GITLAB_REGISTRY_DIR) lands in the database the running server uses.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct ManagementConfigurationTests {
    func login(_ port: Int, _ user: String, _ password: String) async throws -> String {
        let basic = Data("\(user):\(password)".utf8).base64EncodedString()
        let connection = try RawConnection(port: port)
        try await connection.send("GET /jwt/auth?service=container_registry HTTP/1.1\r\nHost: x\r\nAuthorization: Basic \(basic)\r\nConnection: close\r\n\r\n")
        return await connection.read().text
    }

    @Test func commandsWithTheServersConfigFileChangeItsDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory + "/config.yml"
            try "version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: \(directory)/elsewhere\n".write(toFile: file, atomically: true, encoding: .utf8)
            let wharf = try await WharfProcess(root: nil, arguments: ["--config", file], environment: [:], directory: directory, keyRoot: directory + "/elsewhere")
            defer { wharf.killNow() }
            let port = try await wharf.waitUntilListening()
            let created = try await Command.run([WharfProcess.binary, "user", "create", "alice", "--config", file], directory: directory)
            let password = try #require(created.stdout.split(separator: "\n").first { $0.hasPrefix("password: ") }?.dropFirst("password: ".count))
            #expect(try await login(port, "alice", String(password)).hasPrefix("HTTP/1.1 200"))
            #expect(!FileManager.default.fileExists(atPath: directory + "/wharf-data"), "no other database was made")
            let listed = try await Command.run(
                [WharfProcess.binary, "user", "list"], environment: ["REGISTRY_CONFIGURATION_PATH": file], directory: "/"
            )
            #expect(listed.stdout.contains("alice"), "REGISTRY_CONFIGURATION_PATH is honoured from any directory")
        }
    }

    @Test func gitlabRegistryDirNamesTheDataDirectoryForEveryCommand() async throws {
        try await withTemporaryDirectory { directory in
            let environment = ["GITLAB_REGISTRY_DIR": directory + "/shared/registry"]
            let wharf = try await WharfProcess(root: nil, environment: environment, directory: directory, keyRoot: directory + "/shared/registry")
            defer { wharf.killNow() }
            let port = try await wharf.waitUntilListening()
            let created = try await Command.run([WharfProcess.binary, "user", "create", "bob"], environment: environment, directory: directory)
            let password = try #require(created.stdout.split(separator: "\n").first { $0.hasPrefix("password: ") }?.dropFirst("password: ".count))
            #expect(try await login(port, "bob", String(password)).hasPrefix("HTTP/1.1 200"))
            #expect(FileManager.default.fileExists(atPath: directory + "/shared/registry/wharf.sqlite"))
        }
    }
}
