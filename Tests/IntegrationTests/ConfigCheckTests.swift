import Foundation
import Testing
import WharfTestSupport

/// `wharf config check` on the real binary: the effective configuration, warnings, and a
/// non-zero exit naming the keys of a contradiction.
@Suite(.timeLimit(.minutes(10)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
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
    }
}
