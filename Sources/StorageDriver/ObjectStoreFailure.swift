/// A failed request to an object store (S3, Google Cloud Storage): what its driver's errors
/// are made of, so every remote driver tells clients the same things for the same failures.
public protocol ObjectStoreFailure: Error, CustomStringConvertible {
    /// The HTTP status of the answer.
    var status: Int { get }
    /// The object (not the bucket) is missing.
    var isNotFound: Bool { get }
    /// Worth another try later: a server error, a throttle, no answer.
    var isTransient: Bool { get }
}

/// A driver over an object store, whose failures it names as `StorageDriverError`s.
public protocol ObjectStoreDriver: StorageDriver {
    /// The service as an error names it ("the S3 endpoint").
    var serviceName: String { get }
}

extension ObjectStoreDriver {
    /// The driver's error for what a request threw: a missing object is `pathNotFound`, 416
    /// `invalidRange`, a transient failure or no answer at all `unavailable` (clients are told
    /// to retry), anything else `backend`.
    public func translated(_ error: any Error, path: String) -> any Error {
        if error is StorageDriverError || error is CancellationError { return error }
        guard let failure = error as? any ObjectStoreFailure else {
            return StorageDriverError.unavailable(path, driver: name, reason: "\(serviceName) did not answer (\(error))")
        }
        if failure.isNotFound { return StorageDriverError.pathNotFound(path, driver: name) }
        if failure.status == 416 { return StorageDriverError.invalidRange(path, driver: name, reason: failure.description) }
        if failure.isTransient { return StorageDriverError.unavailable(path, driver: name, reason: failure.description) }
        return StorageDriverError.backend(path, driver: name, reason: failure.description)
    }

    /// Runs a request, its failures translated.
    public func run<T>(_ path: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw translated(error, path: path)
        }
    }
}
