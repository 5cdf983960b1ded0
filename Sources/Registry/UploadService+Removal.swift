import Logging
import Metadata
import OCI
import StorageDriver

/// Removing a session's bytes: when the session is discarded, and when the store has ended it
/// already (a rename ends those below its source).
extension UploadService {
    /// Deletes the session's directory; one never written is not an error.
    func removeBytes(_ id: String, in repository: RepositoryName) async throws {
        do {
            try await driver.delete(RegistryLayout.uploadDirectory(id, in: repository))
        } catch let error as StorageDriverError where error.isNotFound {
            // Nothing was written.
        }
    }

    /// Removes the bytes of sessions the store has ended already; their clients start over.
    public func removeEnded(_ uploads: [UploadRecord]) async {
        for upload in uploads {
            states.remove(upload.id)
            do {
                try await removeBytes(upload.id, in: upload.repository)
            } catch {
                logger.warning("could not remove an ended upload's bytes", metadata: ["upload": "\(upload.id)", "error": "\(error)"])
            }
        }
    }
}
