import Crypto
import Foundation
import WharfTestSupport

/// GETs a manifest from a registry on a loopback port with curl, as any client would: the
/// status, the digest header and the digest of the bytes received.
struct ManifestProbe: Equatable, Sendable {
    let status: Int
    let headerDigest: String?
    let bodyDigest: String

    static let accept = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    static func get(port: Int, repository: String, reference: String, scratch: String) async throws -> ManifestProbe {
        let body = scratch + "/probe-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: body) }
        let output = try await Command.run([
            "curl", "-s", "-o", body, "-D", "-", "-H", "Accept: \(accept)", "http://127.0.0.1:\(port)/v2/\(repository)/manifests/\(reference)",
        ])
        let lines = output.stdout.split(separator: "\r\n")
        let status = lines.first.flatMap { Int($0.split(separator: " ").dropFirst().first ?? "") } ?? 0
        let digest = lines.first { $0.lowercased().hasPrefix("docker-content-digest:") }
            .map { String($0.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces) }
        let bytes = (try? Data(contentsOf: URL(fileURLWithPath: body))) ?? Data()
        return ManifestProbe(
            status: status, headerDigest: digest, bodyDigest: "sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        )
    }
}
