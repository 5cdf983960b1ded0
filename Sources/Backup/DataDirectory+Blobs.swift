import Config
import OCI
import Registry

extension DataDirectory {
    /// Where the filesystem driver rooted here keeps its blobs (`RegistryLayout`'s paths).
    var blobRoot: String { path + RegistryLayout.root + "/blobs" }

    /// The file of a blob named by algorithm and hex, as a backup entry names it.
    func blobFile(algorithm: String, hex: String) throws -> String {
        guard let algorithm = DigestAlgorithm(rawValue: algorithm) else { throw BackupError.failed("unknown digest algorithm \(algorithm)") }
        return path + RegistryLayout.blobData(try Digest(algorithm: algorithm, hex: hex))
    }
}
