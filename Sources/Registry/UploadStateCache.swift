import NIOConcurrencyHelpers
import OCI

/// Running upload states of this process, so a chunk does not rehash what came before it.
/// A state is checked out for the length of one request: a second request on the same upload
/// at the same time is refused rather than allowed to interleave bytes.
final class UploadStateCache: Sendable {
    private enum Entry {
        case idle(UploadState)
        case busy
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])

    /// Marks the upload busy; returns its cached state, nil when it must be rebuilt.
    func checkOut(_ id: String) throws(RegistryError) -> UploadState? {
        let result: Result<UploadState?, RegistryError> = entries.withLockedValue { entries in
            switch entries[id] {
            case .busy:
                return .failure(
                    RegistryError(.blobUploadInvalid, detail: "another request is writing to upload \(id)")
                )
            case .idle(let state):
                entries[id] = .busy
                return .success(state)
            case nil:
                entries[id] = .busy
                return .success(nil)
            }
        }
        return try result.get()
    }

    /// Ends a request: keeps `state` for the next chunk, or forgets the upload when nil (after
    /// a failure left the bytes unknown). An upload removed meanwhile stays removed.
    func checkIn(_ id: String, _ state: UploadState?) {
        entries.withLockedValue { entries in
            guard entries[id] != nil else { return }
            entries[id] = state.map { .idle($0) }
        }
    }

    /// Forgets an upload that ended.
    func remove(_ id: String) {
        entries.withLockedValue { _ = $0.removeValue(forKey: id) }
    }
}
