import Foundation
import WharfTestSupport

/// podman's and buildah's storage options for a test: the graph root in the scratch directory,
/// the run root on a short path of its own (podman refuses run roots over 50 characters),
/// removed when `body` ends, however it ends.
enum ContainerStorage {
    static func withOptions<T>(_ work: String, _ body: ([String]) async throws -> T) async throws -> T {
        let runRoot = try ShortDirectory.make()
        defer { try? FileManager.default.removeItem(atPath: runRoot) }
        return try await body(["--root", work + "/containers/root", "--runroot", runRoot, "--storage-driver", "vfs"])
    }
}
