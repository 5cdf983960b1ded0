import Foundation
import NIOHTTP1
import Testing
import WharfTestSupport

/// `wharf cleanup-policy` beside a running server, with tags pushed over HTTP.
@Suite(.backgroundPriority, .timeLimit(.minutes(4)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct CleanupPolicyCommandTests {
    func wharf(_ arguments: [String], root: String, check: Bool = true) async throws -> Command.Output {
        try await Command.run([WharfProcess.binary] + arguments + ["--root", root], check: check)
    }

    @Test func aDryRunListsExactlyWhatTheRunThenDeletes() async throws {
        try await withTemporaryDirectory { root in
            let server = try await WharfProcess(root: root, environment: ["REGISTRY_AUTH": "none"])
            let port = try await server.waitUntilListening()
            defer { server.killNow() }
            let client = RegistryHTTPClient(port: port)
            let config = Data(#"{"architecture":"amd64","os":"linux"}"#.utf8)
            for number in 1...8 {
                let layer = Data("layer \(number)".utf8)
                #expect(try await CollectionStressTests.push(client, "team/app", tag: "v\(number)", config: config, layers: [layer]) != nil)
            }
            _ = try await CollectionStressTests.push(client, "team/app", tag: "latest", config: config, layers: [Data("layer 8".utf8)])
            _ = try await CollectionStressTests.push(client, "team/app", tag: "main", config: config, layers: [Data("layer 1".utf8)])

            let set = try await wharf(
                ["cleanup-policy", "set", "--project", "team/app", "--enable", "--keep-n", "5", "--older-than", "none",
                 "--name-regex", "v.*|main", "--name-regex-keep", "main"],
                root: root
            ).stdout
            #expect(set.contains("project team/app: enabled, cadence 1d, keep_n 5, older_than none, name_regex v.*|main, name_regex_keep main"), "\(set)")
            let dry = try await wharf(["cleanup-policy", "run", "--project", "team/app", "--dry-run"], root: root).stdout
            let wouldDelete = dry.split(separator: "\n").filter { $0.hasPrefix("would delete") }.map { $0.split(separator: " ")[2] }
            #expect(wouldDelete == ["team/app:v1", "team/app:v2", "team/app:v3"], "\(dry)")
            #expect(dry.contains("3 tags would be deleted of 10 in 1 repositories (dry run: nothing changed)"), "\(dry)")
            let run = try await wharf(["cleanup-policy", "run", "--project", "team/app"], root: root).stdout
            let deleted = run.split(separator: "\n").filter { $0.hasPrefix("deleted") }.map { $0.split(separator: " ")[1] }
            #expect(deleted == wouldDelete, "\(run)")
            let tags = try await client.send(.GET, "/v2/team/app/tags/list")
            let names = try #require(try JSONSerialization.jsonObject(with: tags.body) as? [String: Any])["tags"] as? [String]
            #expect(names == ["latest", "main", "v4", "v5", "v6", "v7", "v8"])
            let bad = try await wharf(["cleanup-policy", "set", "--project", "team/app", "--cadence", "2d"], root: root, check: false)
            #expect(!bad.succeeded && bad.stderr.contains("cadence 2d is not one of 1d, 7d, 14d, 1month, 3month"), "\(bad.stderr)")
            let show = try await wharf(["cleanup-policy", "show", "--project", "team/app"], root: root).stdout
            #expect(show.contains("next run: "), "\(show)")
        }
    }
}
