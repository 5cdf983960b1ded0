import Foundation
import Testing
import WharfTestSupport

/// `wharf quota` and `wharf usage` beside a running server, and what a real client is told
/// when a push does not fit.
@Suite(.backgroundPriority,
    .timeLimit(.minutes(5)),
    .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"),
    .enabled(if: Tool.available("skopeo", "umoci"), "skopeo and umoci are not installed (apt-get install skopeo umoci)")
)
struct QuotaCommandTests {
    func wharf(_ arguments: [String], root: String, check: Bool = true) async throws -> Command.Output {
        try await Command.run([WharfProcess.binary] + arguments + ["--root", root], check: check)
    }

    @Test func limitsSetBesideARunningServerRefuseSkopeosPushWithTheNumbers() async throws {
        try await withTemporaryDirectory { root in
            let server = try await WharfProcess(root: root + "/data", environment: ["REGISTRY_AUTH": "none"])
            let port = try await server.waitUntilListening()
            defer { server.killNow() }
            let data = root + "/data"
            let set = try await wharf(["quota", "set", "--namespace", "team", "--limit", "600KiB"], root: data).stdout
            #expect(set.contains("limit of namespace team set to 600.0 KiB; in use: 0 B stored"), "\(set)")
            #expect(try await RegistryHTTPClient(port: port).upload("team/app", OCIImage.randomBytes(512 * 1024)) == 201)
            let usage = try await wharf(["usage", "--namespace", "team"], root: data).stdout
            #expect(usage.contains("namespace team: 512.0 KiB stored, 0 B reserved by uploads in progress, limit 600.0 KiB (85.3 % used)"), "\(usage)")

            try await OCIImage.make(in: root, tag: "v1", layerSizes: [256 * 1024])
            let push = ["skopeo", "copy", "--dest-tls-verify=false", "oci:\(root)/oci:v1", "docker://127.0.0.1:\(port)/team/web:v1"]
            let refused = try await Command.run(push, check: false)
            #expect(!refused.succeeded)
            #expect(refused.stderr.contains("storage limit of namespace team reached: limit 600.0 KiB"), "\(refused.stderr)")

            let list = try await wharf(["quota", "list"], root: data).stdout
            #expect(list.contains("team\t512.0 KiB stored"), "\(list)")
            #expect(try await wharf(["quota", "remove", "--namespace", "team"], root: data).stdout.contains("limit of namespace team removed"))
            let again = try await wharf(["quota", "remove", "--namespace", "team"], root: data, check: false)
            #expect(!again.succeeded && again.stderr.contains("namespace team has no limit of its own"), "\(again.stderr)")
            try await Command.run(push)
            let bad = try await wharf(["quota", "set", "--project", "team", "--limit", "1GiB"], root: data, check: false)
            #expect(!bad.succeeded && bad.stderr.contains("team is a top-level namespace, not a project"), "\(bad.stderr)")
        }
    }
}
