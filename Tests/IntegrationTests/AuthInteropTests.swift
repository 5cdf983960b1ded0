import Foundation
import Testing
import WharfTestSupport

/// Wharf as the GitLab half beside the real registry: Debian's Distribution 2.8.2 with token
/// auth pointing at `wharf serve --role auth` and its certificate. skopeo and podman log in with
/// a password, a personal access token and a deploy token; what GitLab would refuse is refused.
@Suite(.backgroundPriority, .timeLimit(.minutes(10)), .enabled(
    if: Tool.available("docker-registry", "skopeo", "podman", "umoci")
        && FileManager.default.isExecutableFile(atPath: WharfProcess.binary),
    "docker-registry, skopeo, podman or umoci is not installed, or wharf is not built"
))
struct AuthInteropTests {
    /// Runs a management command against the auth process's data.
    func wharf(_ root: String, _ arguments: String...) async throws -> String {
        try await Command.run([WharfProcess.binary] + arguments + ["--root", root]).stdout
    }

    func value(_ key: String, in output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").first { $0.hasPrefix(key + ": ") })
        return String(line.dropFirst(key.count + 2))
    }

    @Test func distributionTrustsWharfsTokens() async throws {
        try await withTemporaryDirectory { directory in
            let root = directory + "/wharf"
            // The key Wharf makes itself on a first start: Distribution must trust what it generated.
            let auth = try await WharfProcess(root: root, arguments: ["--role", "auth"], environment: [:], generateSigningKey: true)
            let authPort = try await auth.waitUntilListening()
            defer { auth.killNow() }

            let devPassword = try value("password", in: try await wharf(root, "user", "create", "dev"))
            let reporterPassword = try value("password", in: try await wharf(root, "user", "create", "reporter"))
            _ = try await wharf(root, "group", "create", "team")
            _ = try await wharf(root, "project", "create", "team/api")
            _ = try await wharf(root, "member", "add", "--group", "team", "--user", "dev", "--role", "developer")
            _ = try await wharf(root, "member", "add", "--project", "team/api", "--user", "reporter", "--role", "reporter")
            let pat = try value("token", in: try await wharf(
                root, "token", "create", "--user", "dev", "--name", "ci", "--scopes", "read_registry,write_registry"
            ))
            let deployWrite = try await wharf(
                root, "deploy-token", "create", "--project", "team/api", "--name", "push", "--scopes", "read_registry,write_registry"
            )
            let deployRead = try await wharf(root, "deploy-token", "create", "--project", "team/api", "--name", "pull", "--scopes", "read_registry")

            let registry = try await DistributionProcess(directory: directory, extraYAML: """
                auth:
                  token:
                    realm: http://127.0.0.1:\(authPort)/jwt/auth
                    service: container_registry
                    issuer: gitlab-issuer
                    rootcertbundle: \(root)/keys/registry.crt
                """)
            let host = "127.0.0.1:\(registry.port)"
            try await OCIImage.make(in: directory, tag: "v1", layerSizes: [128 * 1024])
            let image = "oci:\(directory)/oci:v1"
            let source = try OCIImage.manifestDigest(layout: directory + "/oci", tag: "v1")

            func push(_ credentials: String, tag: String) async throws -> Command.Output {
                try await Command.run(
                    ["skopeo", "copy", "--dest-tls-verify=false", "--dest-creds", credentials, image, "docker://\(host)/team/api:\(tag)"],
                    check: false
                )
            }
            func pull(_ credentials: String?, tag: String, into name: String) async throws -> Command.Output {
                var arguments = ["skopeo", "copy", "--src-tls-verify=false"]
                arguments += credentials.map { ["--src-creds", $0] } ?? ["--src-no-creds"]
                return try await Command.run(arguments + ["docker://\(host)/team/api:\(tag)", "oci:\(directory)/\(name):v1"], check: false)
            }

            // Allowed: password, PAT and a write deploy token push; each pulls back the same digest.
            #expect(try await push("dev:\(devPassword)", tag: "password").succeeded)
            #expect(try await push("dev:\(pat)", tag: "pat").succeeded)
            let deployUser = try value("username", in: deployWrite)
            #expect(try await push("\(deployUser):\(try value("token", in: deployWrite))", tag: "deploy").succeeded)
            for (index, tag) in ["password", "pat", "deploy"].enumerated() {
                #expect(try await pull("reporter:\(reporterPassword)", tag: tag, into: "back\(index)").succeeded)
                #expect(try OCIImage.manifestDigest(layout: "\(directory)/back\(index)", tag: "v1") == source)
            }
            let readUser = try value("username", in: deployRead)
            let readSecret = try value("token", in: deployRead)
            #expect(try await pull("\(readUser):\(readSecret)", tag: "pat", into: "back-deploy").succeeded)

            // podman logs in with each kind of credential, pulls and pushes.
            let runRoot = try ShortDirectory.make()
            defer { try? FileManager.default.removeItem(atPath: runRoot) }
            let podman = ["podman", "--root", directory + "/podman", "--runroot", runRoot, "--storage-driver", "vfs"]
            let authFile = ["--authfile", directory + "/auth.json"]
            let credentials = [("dev", devPassword), ("dev", pat), (deployUser, try value("token", in: deployWrite))]
            for (index, (user, secret)) in credentials.enumerated() {
                try await Command.run(podman + ["login", "--tls-verify=false"] + authFile + ["-u", user, "-p", secret, host])
                try await Command.run(podman + ["pull", "--tls-verify=false"] + authFile + ["\(host)/team/api:pat"])
                try await Command.run(
                    podman + ["push", "--tls-verify=false"] + authFile + ["\(host)/team/api:pat", "docker://\(host)/team/api:podman\(index)"]
                )
            }
            _ = try? await Command.run(podman + ["rmi", "--all", "--force"], check: false)

            // Refused: a Reporter's push, an anonymous pull of a private project, a read-only
            // deploy token's push, a wrong password.
            #expect(!(try await push("reporter:\(reporterPassword)", tag: "reporter").succeeded))
            #expect(!(try await pull(nil, tag: "pat", into: "anonymous").succeeded))
            #expect(!(try await push("\(readUser):\(readSecret)", tag: "readonly").succeeded))
            #expect(!(try await push("dev:not-the-password", tag: "wrong").succeeded))
        }
    }
}
