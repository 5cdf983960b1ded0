import OCI

/// The state of one upload between requests: how many bytes it holds and their running hash.
/// Pure: the service does the I/O and tells the state what it wrote, so every rule of the
/// chunk protocol is tested without storage.
public struct UploadState: Sendable {
    public let id: String
    public private(set) var offset: Int64
    private var hasher: DigestHasher
    /// A second running hash in the algorithm the client's digest names (sha512), started
    /// before the last chunk is received: the bytes are hashed as they stream, never read back
    /// from a file whose writes may still be in flight.
    private var claimedHasher: DigestHasher?

    /// A fresh upload, or one whose `offset` bytes were rehashed into `hasher`.
    public init(id: String, offset: Int64 = 0, hasher: DigestHasher = DigestHasher(.sha256)) {
        self.id = id
        self.offset = offset
        self.hasher = hasher
    }

    /// The byte count the next chunk must have, if the request says; throws 416 when the chunk
    /// does not start at the current offset or its headers disagree.
    public func expectedChunkLength(contentRange: ContentRange?, contentLength: Int64?) throws(RegistryError) -> Int64? {
        guard let contentRange else { return contentLength }
        guard contentRange.start == offset else {
            throw RegistryError(
                .rangeInvalid,
                detail: "chunk starts at \(contentRange.start) but the upload holds \(offset) bytes; resume at \(offset)"
            )
        }
        if let contentLength, contentLength != contentRange.length {
            throw RegistryError(
                .rangeInvalid,
                detail: "Content-Range covers \(contentRange.length) bytes but Content-Length is \(contentLength)"
            )
        }
        return contentRange.length
    }

    /// Records bytes that were written to the upload.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        hasher.update(bytes)
        claimedHasher?.update(bytes)
        offset += Int64(bytes.count)
    }

    /// Whether closing with `algorithm` needs a hash the state does not keep yet.
    public func needsHash(_ algorithm: DigestAlgorithm) -> Bool {
        algorithm != hasher.algorithm && claimedHasher?.algorithm != algorithm
    }

    /// Starts hashing in another algorithm too; `seeded` has already hashed the `offset` bytes
    /// held so far.
    public mutating func alsoHash(_ seeded: DigestHasher) {
        claimedHasher = seeded
    }

    /// The outcome of closing the upload with the digest the client claims.
    public enum Verification: Sendable, Equatable {
        case matches
        case mismatch(computed: Digest)
        /// The claimed digest uses another algorithm than the running hash: rehash the bytes.
        case rehash(DigestAlgorithm)
    }

    public func verify(_ claimed: Digest) -> Verification {
        let running = [hasher, claimedHasher].compactMap { $0 }.first { $0.algorithm == claimed.algorithm }
        guard let running else { return .rehash(claimed.algorithm) }
        let computed = running.finalize()
        return computed == claimed ? .matches : .mismatch(computed: computed)
    }

    public var status: UploadStatus { UploadStatus(id: id, offset: offset) }
}
