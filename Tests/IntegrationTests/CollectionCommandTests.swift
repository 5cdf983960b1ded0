import Foundation
import NIOHTTP1
import Testing
import WharfTestSupport

/// `wharf gc run` and `wharf gc orphans` beside a running server, and the collector's metrics.
@Suite(.backgroundPriority, .timeLimit(.minutes(4)), .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"))
struct CollectionCommandTests {
    func wharf(_ arguments: [String], root: String) async throws -> String {
        try await Command.run([WharfProcess.binary] + arguments + ["--root", root]).stdout
    }

    func blobPath(_ root: String, _ digest: String) -> String {
        let hex = digest.split(separator: ":")[1]
        return "\(root)/docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data"
    }

    @Test func gcRunBesideARunningServerDeletesWhatADeletedImageLeftAndADryRunChangesNothing() async throws {
        try await withTemporaryDirectory { root in
            let server = try await WharfProcess(
                root: root, environment: ["REGISTRY_AUTH": "none", "REGISTRY_STORAGE_DELETE_ENABLED": "true", "REGISTRY_GC_DISABLED": "true"]
            )
            let port = try await server.waitUntilListening()
            defer { server.killNow() }
            let client = RegistryHTTPClient(port: port)
            let config = Data(#"{"architecture":"amd64","os":"linux"}"#.utf8)
            let kept = OCIImage.randomBytes(4096)
            let dropped = OCIImage.randomBytes(2048)
            let keeper = try #require(try await CollectionStressTests.push(client, "gc/app", tag: "keep", config: config, layers: [kept]))
            let doomed = try #require(try await CollectionStressTests.push(client, "gc/app", tag: "drop", config: config, layers: [dropped]))
            #expect(try await client.send(.DELETE, "/v2/gc/app/manifests/\(doomed.0)").status == 202)

            let dry = try await wharf(["gc", "run", "--dry-run", "--review-after", "0s"], root: root)
            #expect(dry.contains("would remove link gc/app -> \(RawHTTP.sha256(dropped))"), "\(dry)")
            #expect(dry.contains("would delete blob \(doomed.0)"), "\(dry)")
            #expect(dry.contains("(dry run: nothing changed)"), "\(dry)")
            #expect(FileManager.default.fileExists(atPath: blobPath(root, RawHTTP.sha256(dropped))))

            let run = try await wharf(["gc", "run", "--review-after", "0s"], root: root)
            #expect(run.contains("deleted blob \(RawHTTP.sha256(dropped))"), "\(run)")
            #expect(run.contains("deleted blob \(doomed.0)"), "\(run)")
            #expect(run.contains("2 blobs deleted"), "\(run)")
            #expect(!FileManager.default.fileExists(atPath: blobPath(root, RawHTTP.sha256(dropped))))
            try await CollectionStressTests.verifyPull(
                client, "gc/app", tag: "keep", digest: keeper.0, blobs: [RawHTTP.sha256(config), RawHTTP.sha256(kept)]
            )
            let again = try await wharf(["gc", "run", "--review-after", "0s"], root: root)
            #expect(again.contains("0 manifests, 0 links, 0 blobs deleted"), "\(again)")
        }
    }

    @Test func gcOrphansDeletesOnlyOldBlobFilesTheRegistryDoesNotKnow() async throws {
        try await withTemporaryDirectory { root in
            let server = try await WharfProcess(root: root, environment: ["REGISTRY_AUTH": "none", "REGISTRY_GC_DISABLED": "true"])
            let port = try await server.waitUntilListening()
            defer { server.killNow() }
            let known = OCIImage.randomBytes(1024)
            #expect(try await RegistryHTTPClient(port: port).upload("gc/app", known) == 201)
            let old = OCIImage.randomBytes(512)
            let young = OCIImage.randomBytes(256)
            for (content, age) in [(old, 3600.0), (young, 0.0)] {
                let path = blobPath(root, RawHTTP.sha256(content))
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try content.write(to: URL(fileURLWithPath: path))
                try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-age)], ofItemAtPath: path)
            }
            // The known blob is old too: only what nothing knows goes.
            try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3600)], ofItemAtPath: blobPath(root, RawHTTP.sha256(known)))
            let dry = try await wharf(["gc", "orphans", "--dry-run", "--review-after", "0s"], root: root)
            #expect(dry.contains("would delete orphan \(RawHTTP.sha256(old))"), "\(dry)")
            #expect(dry.contains("3 blobs examined, 1 orphans found"), "\(dry)")
            let run = try await wharf(["gc", "orphans", "--review-after", "0s"], root: root)
            #expect(run.contains("1 orphans deleted, 512 bytes freed"), "\(run)")
            #expect(!FileManager.default.fileExists(atPath: blobPath(root, RawHTTP.sha256(old))))
            #expect(FileManager.default.fileExists(atPath: blobPath(root, RawHTTP.sha256(young))), "a file younger than 10 minutes was deleted")
            #expect(FileManager.default.fileExists(atPath: blobPath(root, RawHTTP.sha256(known))), "a known blob was deleted")
        }
    }

    @Test func theWorkersCollectInsideTheServerAndReportInMetrics() async throws {
        try await withTemporaryDirectory { root in
            let debugPort = try FreePort.find()
            let server = try await WharfProcess(
                root: root,
                environment: CollectionStressTests.eagerCollection(["REGISTRY_GC_UPLOADGRACE": "0s", "REGISTRY_HTTP_DEBUG_ADDR": "127.0.0.1:\(debugPort)"])
            )
            let port = try await server.waitUntilListening(other: debugPort)
            defer { server.killNow() }
            let stray = OCIImage.randomBytes(777)
            #expect(try await RegistryHTTPClient(port: port).upload("gc/strays", stray) == 201)
            let metrics = RegistryHTTPClient(port: debugPort)
            var text = ""
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                text = try await metrics.send(.GET, "/metrics").text
                if text.contains(#"wharf_gc_deletions_total{artifact="blob"} 1"#) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(text.contains(#"wharf_gc_deletions_total{artifact="blob"} 1"#), "\(text)")
            #expect(text.contains(#"wharf_gc_deletions_total{artifact="link"} 1"#), "\(text)")
            #expect(text.contains("wharf_gc_bytes_freed_total 777"), "\(text)")
            #expect(text.contains(#"wharf_gc_runs_total{worker="blobs"}"#), "\(text)")
            #expect(text.contains(#"wharf_gc_queue_length_count{kind="blob",state="waiting"} 0"#), "\(text)")
            #expect(!FileManager.default.fileExists(atPath: blobPath(root, RawHTTP.sha256(stray))), "server log: \(server.logText.suffix(3000))")
            #expect(server.logText.contains("garbage collection pass"), "no log line for the pass")
        }
    }
}
