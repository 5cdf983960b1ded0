import Metadata
import OCI

/// Waits out a garbage collector's deletion of a blob that a push wants: the deletion began
/// before the push claimed the blob, so the push writes the blob anew once it is gone. A
/// deletion takes one storage request; one that outlasts `patience` answers 503, and the
/// client retries.
enum DeletionWait {
    static let patience: Duration = .seconds(30)

    static func retrying<T>(_ body: () async throws -> T) async throws -> T {
        var pause: Duration = .milliseconds(50)
        var waited: Duration = .zero
        while true {
            do {
                return try await body()
            } catch MetadataError.blobBeingDeleted(let digest) {
                CollectionWake.shared.wake()
                guard waited < patience else {
                    throw RegistryError(
                        .unavailable, detail: "blob \(digest) is being deleted by garbage collection; retry the push", status: 503
                    )
                }
                try await Task.sleep(for: pause)
                waited += pause
                pause = min(pause * 2, .seconds(1))
            }
        }
    }
}
