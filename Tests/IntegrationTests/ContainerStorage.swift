import Foundation
import WharfTestSupport

/// podman's and buildah's storage options for a test: the graph root in the scratch directory,
/// the run root on a short path of its own (podman refuses run roots over 50 characters).
enum ContainerStorage {
    static func options(_ work: String) throws -> [String] {
        let runRoot = try ShortDirectory.make()
        return ["--root", work + "/containers/root", "--runroot", runRoot, "--storage-driver", "vfs"]
    }
}
