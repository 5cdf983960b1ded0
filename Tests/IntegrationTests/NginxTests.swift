import Foundation
import Testing
import WharfTestSupport

/// Wharf behind nginx terminating TLS, as the seed deploys the registry: skopeo and podman
/// push and pull a 256 MiB layer through it, and the realm and Location headers name the
/// public https host.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(
    if: Tool.available("skopeo", "podman", "umoci", "curl") && (Tool.path("nginx") ?? Tool.path("/usr/sbin/nginx")) != nil
        && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
    "nginx, skopeo, podman, umoci or curl is not installed (apt-get install nginx ...), or wharf is not built"
))
struct NginxTests {
    @Test func pushAndPullThroughNginx() async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/root"
            let wharf = try await WharfProcess(root: root, environment: [:])
            let upstream = try await wharf.waitUntilListening()
            defer { wharf.killNow() }
            _ = try await Command.run([WharfProcess.binary, "project", "create", "root/app", "--root", root])
            let token = try #require(try await Command.run([
                WharfProcess.binary, "token", "create", "--user", "root", "--name", "nginx", "--scopes", "read_registry,write_registry",
                "--root", root,
            ]).stdout.split(separator: "\n").first { $0.hasPrefix("token: ") }?.dropFirst(7))

            let pair = try TestCertificates.make()
            let files = try pair.write(to: directory)
            let certs = directory + "/certs.d"
            try FileManager.default.createDirectory(atPath: certs, withIntermediateDirectories: true)
            try pair.certificatePEM.write(toFile: certs + "/ca.crt", atomically: true, encoding: .utf8)
            let nginx = try await NginxProcess(directory: directory, upstreamPort: upstream, certificate: files.certificate, key: files.key)
            let host = "localhost:\(nginx.port)"

            let challenge = try await Command.run(["curl", "-s", "-i", "--cacert", files.certificate, "https://\(host)/v2/"])
            #expect(challenge.stdout.contains(#"realm="https://\#(host)/jwt/auth""#), "the realm names the public https host")
            let jwt = try await Command.run([
                "curl", "-s", "--cacert", files.certificate, "-u", "root:\(token)",
                "https://\(host)/jwt/auth?service=container_registry&scope=repository:root/app:pull,push",
            ])
            let bearer = try #require((try JSONSerialization.jsonObject(with: Data(jwt.stdout.utf8)) as? [String: Any])?["token"] as? String)
            let start = try await Command.run([
                "curl", "-s", "-i", "-X", "POST", "--cacert", files.certificate, "-H", "Authorization: Bearer \(bearer)",
                "https://\(host)/v2/root/app/blobs/uploads/",
            ])
            #expect(start.stdout.contains("Location: https://\(host)/v2/root/app/blobs/uploads/"), "Location names the public https host")

            try await OCIImage.make(in: directory, tag: "v1", layerSizes: [256 * 1024 * 1024])
            let layout = directory + "/oci"
            let source = try OCIImage.manifestDigest(layout: layout, tag: "v1")
            let credentials = "root:\(token)"
            try await Command.run(["skopeo", "copy", "--dest-cert-dir", certs, "--dest-creds", credentials, "oci:\(layout):v1", "docker://\(host)/root/app:v1"])
            try await Command.run(["skopeo", "copy", "--src-cert-dir", certs, "--src-creds", credentials, "docker://\(host)/root/app:v1", "oci:\(directory)/back:v1"])
            #expect(try OCIImage.manifestDigest(layout: directory + "/back", tag: "v1") == source)

            let runRoot = try ShortDirectory.make()
            defer { try? FileManager.default.removeItem(atPath: runRoot) }
            let podman = ["podman", "--root", directory + "/podman", "--runroot", runRoot, "--storage-driver", "vfs"]
            let authFile = ["--authfile", directory + "/auth.json"]
            try await Command.run(podman + ["login", "--cert-dir", certs] + authFile + ["-u", "root", "-p", String(token), host])
            try await Command.run(podman + ["pull", "--cert-dir", certs] + authFile + ["\(host)/root/app:v1"])
            try await Command.run(podman + ["push", "--cert-dir", certs] + authFile + ["\(host)/root/app:v1", "docker://\(host)/root/app:podman"])
            _ = try? await Command.run(podman + ["rmi", "--all", "--force"], check: false)
            try await Command.run(["skopeo", "inspect", "--cert-dir", certs, "--creds", credentials, "docker://\(host)/root/app:podman"])
        }
    }
}
