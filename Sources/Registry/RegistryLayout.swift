import OCI

/// Where things live in a storage driver: Distribution's layout (`registry/storage/paths.go`),
/// so a Distribution root can be adopted in place.
///
/// ```
/// /docker/registry/v2/
///   blobs/<algorithm>/<first two hex>/<hex>/data          every blob, manifests included
///   repositories/<name>/_uploads/<id>/data                an upload in progress
/// ```
public enum RegistryLayout {
    public static let root = "/docker/registry/v2"

    /// Where every blob's directory lives; garbage collection removes the directories it
    /// empties below it.
    public static let blobsRoot = "\(root)/blobs"

    public static func blobData(_ digest: Digest) -> String {
        "\(root)/blobs/\(digest.algorithm.rawValue)/\(digest.hex.prefix(2))/\(digest.hex)/data"
    }

    public static func uploadDirectory(_ id: String, in repository: RepositoryName) -> String {
        "\(root)/repositories/\(repository.value)/_uploads/\(id)"
    }

    public static func uploadData(_ id: String, in repository: RepositoryName) -> String {
        uploadDirectory(id, in: repository) + "/data"
    }
}
