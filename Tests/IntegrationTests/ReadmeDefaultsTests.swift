import Foundation
import Testing
import WharfTestSupport

/// The README followed as a new user would: `wharf serve` with no settings (data in the
/// relative default `./wharf-data`), the First-login steps run from the same directory, then
/// a push with skopeo and pulls with podman and skopeo — the path that once hung, because a
/// relative data directory made every blob body a promise that was never kept.
@Suite(.backgroundPriority,
    .enabled(if: FileManager.default.isExecutableFile(atPath: WharfProcess.binary), "the wharf binary is not built"),
    .enabled(if: Tool.available("skopeo", "podman", "umoci"), "skopeo, podman or umoci is not installed"),
    .timeLimit(.minutes(5))
)
struct ReadmeDefaultsTests {
    @Test func theReadmesDefaultConfigurationPushesAndPulls() async throws {
        try await withTemporaryDirectory { directory in
            let wharf = try await WharfProcess(root: nil, environment: [:], directory: directory)
            defer { wharf.killNow() }
            let port = try await wharf.waitUntilListening()
            let host = "127.0.0.1:\(port)"
            #expect(wharf.logText.contains("first login: docker login localhost:\(port) -u root"), "\(wharf.logText)")

            // First login, verbatim but for the binary's path.
            func run(_ arguments: String...) async throws -> String {
                try await Command.run([WharfProcess.binary] + arguments, directory: directory).stdout
            }
            let passwordFile = try String(contentsOfFile: directory + "/wharf-data/initial_root_password", encoding: .utf8)
            #expect(passwordFile.contains("Password: "))
            _ = try await run("project", "create", "root/app")
            let created = try await run("token", "create", "--user", "root", "--name", "laptop", "--scopes", "read_registry,write_registry")
            let token = try #require(created.split(separator: "\n").first { $0.hasPrefix("token: ") }?.dropFirst("token: ".count))
            let credentials = "root:\(token)"

            try await OCIImage.make(in: directory, tag: "3.20", layerSizes: [3 * 1024 * 1024])
            try await Command.run([
                "skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", credentials, "oci:\(directory)/oci:3.20", "docker://\(host)/root/app:3.20",
            ])
            try await Command.run([
                "skopeo", "copy", "--src-tls-verify=false", "--src-creds", credentials, "docker://\(host)/root/app:3.20", "oci:\(directory)/back:3.20",
            ])
            #expect(try OCIImage.manifestDigest(layout: directory + "/back", tag: "3.20") == OCIImage.manifestDigest(layout: directory + "/oci", tag: "3.20"))
            try await ContainerStorage.withOptions(directory) { options in
                let podman = ["podman"] + options
                try await Command.run(podman + ["login", "--tls-verify=false", "-u", "root", "-p", String(token), host])
                try await Command.run(podman + ["pull", "--tls-verify=false", "\(host)/root/app:3.20"])
                _ = try? await Command.run(podman + ["rmi", "--all", "--force"], check: false)
            }
        }
    }
}
