import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MetadataSQLite
import Registry
import StorageFilesystem
import WharfServer
import WharfTestSupport

/// Wharf on its embedded default (filesystem + SQLite in a temporary root), served on an
/// ephemeral loopback port for the length of `body`.
enum LiveRegistry {
    /// What a test gets: the `host:port`, an HTTP client to it, the services behind it, and a
    /// scratch directory for images.
    struct Context: Sendable {
        let host: String
        let client: any TestClientProtocol
        let services: RegistryServices
        let work: String

        /// The `Docker-Content-Digest` and `Content-Type` Wharf answers for a manifest.
        func manifestHead(_ repository: String, _ reference: String) async throws -> (digest: String?, mediaType: String?) {
            let response = try await client.execute(
                uri: "/v2/\(repository)/manifests/\(reference)", method: .head, headers: [.accept: "*/*"]
            )
            return (response.headers[HTTPField.Name("Docker-Content-Digest")!], response.headers[.contentType])
        }
    }

    static func run<T: Sendable>(
        deleteEnabled: Bool = false, authorizer: (@Sendable (String) async throws -> any RegistryAuthorizer)? = nil,
        _ body: @Sendable (Context) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { directory in
            let root = directory + "/root"
            let work = directory + "/work"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            var logger = Logger(label: "wharf-integration")
            logger.logLevel = .warning
            let services = RegistryServices(
                driver: FilesystemDriver(root: root), metadata: try await SQLiteMetadataStore.open(path: root + "/wharf.sqlite"),
                options: RegistryOptions(deleteEnabled: deleteEnabled), logger: logger
            )
            let access = try await authorizer?(work) ?? OpenAccess()
            // The test client keeps one connection open while skopeo, podman or buildah run for
            // minutes on a loaded machine: an idle limit shorter than the suite's would close it.
            let app = WharfApplication.build(
                services: services, authorizer: access, policy: ConnectionPolicy(idle: .seconds(900)),
                address: .hostname("127.0.0.1", port: 0), logger: logger
            )
            return try await app.test(.live) { client in
                guard let port = client.port else { throw SupportError("live server has no port") }
                return try await body(Context(host: "127.0.0.1:\(port)", client: client, services: services, work: work))
            }
        }
    }
}
