import Foundation
import Logging
import Metadata
import NIOCore
import OCI
import StorageDriver

/// Blob uploads: sessions that survive restarts, chunks streamed to storage while hashing, and
/// a digest check before anything becomes a blob.
public struct UploadService: Sendable {
    let driver: any StorageDriver
    let metadata: any MetadataStore
    let blobs: BlobStore
    let states: UploadStateCache
    let logger: Logger
    let limit: UploadLimit
    let quota: QuotaDefaults
    /// Bytes gathered before one write: fewer, larger writes keep the blocking pool cheap.
    static let writeBatch = 1024 * 1024

    init(
        driver: any StorageDriver, metadata: any MetadataStore, blobs: BlobStore, limit: UploadLimit, quota: QuotaDefaults,
        logger: Logger
    ) {
        self.limit = limit
        self.quota = quota
        self.driver = driver
        self.metadata = metadata
        self.blobs = blobs
        self.states = UploadStateCache()
        self.logger = logger
    }

    /// Opens a session for `owner`; 429 when the repository or the owner has as many open
    /// sessions as the limit allows.
    public func start(in repository: RepositoryName, owner: String? = nil) async throws -> UploadStatus {
        let id = UUID().uuidString.lowercased()
        do {
            try await metadata.createUpload(
                UploadRecord(id: id, repository: repository, startedAt: Date().timeIntervalSince1970, owner: owner), limit: limit
            )
        } catch MetadataError.tooManyUploads(let reason) {
            throw RegistryError(
                .tooManyRequests,
                detail: "\(reason) (limits.uploads): finish or cancel them, or wait for storage.maintenance.uploadpurging"
            )
        }
        return UploadStatus(id: id, offset: 0)
    }

    public func status(_ id: String, in repository: RepositoryName) async throws -> UploadStatus {
        try await session(id, in: repository)
        var state = try states.checkOut(id)
        defer { states.checkIn(id, state) }
        if state == nil { state = try await rebuild(id, in: repository) }
        return state!.status
    }

    /// Appends one chunk (`PATCH`).
    public func append<Body: AsyncSequence>(
        _ id: String, in repository: RepositoryName, contentRange: ContentRange?, contentLength: Int64?, body: Body
    ) async throws -> UploadStatus where Body.Element == ByteBuffer {
        let record = try await session(id, in: repository)
        return try await withState(id, in: repository) { state in
            let (writer, held) = try await receive(
                body, into: record, state: &state, contentRange: contentRange, contentLength: contentLength, digest: nil
            )
            try await writer.close()
            // A streamed chunk reserved a step ahead: the upload holds what it wrote, no more.
            if let held, held > state.offset { try await metadata.trimReservation(id, to: state.offset) }
            return state.status
        }
    }

    /// Closes the upload (`PUT ?digest=`), with an optional last chunk: verifies the digest and
    /// commits the blob, or removes the upload when the digest does not match.
    public func finish<Body: AsyncSequence>(
        _ id: String, in repository: RepositoryName, digest: Digest, contentRange: ContentRange?, contentLength: Int64?,
        body: Body
    ) async throws -> BlobRecord where Body.Element == ByteBuffer {
        let record = try await session(id, in: repository)
        if let recovered = try await recoverMovedUpload(id, in: repository, digest: digest) { return recovered }
        return try await withState(id, in: repository) { state in
            if state.needsHash(digest.algorithm) {
                // Chunks written by earlier requests are complete in storage: hash them now,
                // and the last chunk as it streams.
                state.alsoHash(try await hashStored(id, in: repository, bytes: state.offset, algorithm: digest.algorithm))
            }
            let (writer, held) = try await receive(
                body, into: record, state: &state, contentRange: contentRange, contentLength: contentLength, digest: digest
            )
            do {
                try await verify(state, claimed: digest, path: RegistryLayout.uploadData(id, in: repository))
                // Reserved as the bytes came, unless a limit was set after they did (or earlier
                // chunks came before any limit): the commit must not take a path past its limit
                // either way. The commit checks once more in its own transaction.
                let covered: Bool
                if let held { covered = held >= state.offset } else { covered = !(try await limitsApply()) }
                if !covered { _ = try await reserve(id, ask: state.offset, atLeast: state.offset, digest: digest) }
            } catch let error as RegistryError where error.code == .digestInvalid {
                // The spec's rule: a wrong digest ends the upload and stores nothing.
                try? await writer.cancel()
                try await discard(id, in: repository)
                throw error
            } catch {
                try? await writer.close()
                throw error
            }
            // The claim comes first: once it is recorded no deletion of the blob can begin, so
            // whether the blob is already stored is then a fact, not a race with the collector.
            do {
                try await DeletionWait.retrying { try await metadata.markUploadCommitting(id, digest: digest) }
            } catch MetadataError.uploadGone {
                try? await writer.close()
                throw RegistryError(.blobUploadUnknown, detail: "upload \(id) was purged while it was being closed")
            } catch {
                try? await writer.close()
                throw error
            }
            // Synced unless the blob is stored already (row and file): these bytes may become it.
            if try await blobs.isStored(digest) {
                try await writer.close()
            } else {
                try await writer.commit()
            }
            do {
                try await blobs.commit(
                    uploadPath: RegistryLayout.uploadData(id, in: repository), digest: digest, size: state.offset,
                    into: repository, upload: id, quota: quota
                )
            } catch let error as RegistryError where error.code == .denied {
                // A limit refused the link after all (see `BlobStore.commit`): the session ends.
                try? await discard(id, in: repository)
                throw error
            }
            try await discard(id, in: repository)
            return BlobRecord(digest: digest, size: state.offset, createdAt: Date().timeIntervalSince1970)
        }
    }

    /// A whole blob in one request (`POST ?digest=` with a body). The client never learns the
    /// session's id, so when the request fails (a full disk, a dropped connection) its session
    /// and partial bytes are removed at once rather than left for the purge.
    public func monolithic<Body: AsyncSequence>(
        in repository: RepositoryName, owner: String? = nil, digest: Digest, contentLength: Int64?, body: Body
    ) async throws -> BlobRecord where Body.Element == ByteBuffer {
        let session = try await start(in: repository, owner: owner)
        do {
            return try await finish(
                session.id, in: repository, digest: digest, contentRange: nil, contentLength: contentLength, body: body
            )
        } catch {
            try? await discard(session.id, in: repository)
            throw error
        }
    }

    /// Cancels the upload (`DELETE`).
    public func cancel(_ id: String, in repository: RepositoryName) async throws {
        try await session(id, in: repository)
        _ = try states.checkOut(id)
        try await discard(id, in: repository)
    }

    /// Removes sessions older than `maxAge` seconds and their bytes; returns how many. A dry
    /// run only logs them.
    public func purge(olderThan maxAge: Double, dryRun: Bool = false) async throws -> Int {
        let now = Date().timeIntervalSince1970
        // A session committing its blob holds a claim on it: left alone unless it is twice as
        // old (its server died in the commit and nobody retried).
        let stale = try await metadata.uploads(startedBefore: now - maxAge).filter { $0.committing == nil || $0.startedAt < now - 2 * maxAge }
        for upload in stale {
            if !dryRun { try await discard(upload.id, in: upload.repository) }
            logger.info(
                dryRun ? "would purge stale upload (dry run)" : "purged stale upload",
                metadata: ["upload": "\(upload.id)", "repository": "\(upload.repository)"]
            )
        }
        return stale.count
    }

    // MARK: Steps

    /// Checks the session exists and belongs to `repository`.
    @discardableResult
    private func session(_ id: String, in repository: RepositoryName) async throws -> UploadRecord {
        guard Self.isValidID(id), let record = try await metadata.upload(id), record.repository == repository else {
            throw RegistryError(.blobUploadUnknown, detail: "upload \(id.prefix(64)) is not open in repository \(repository)")
        }
        return record
    }

    /// Runs `body` with the upload's state checked out. On failure the state is dropped, since
    /// the bytes in storage may be ahead of it; the next request rebuilds it from storage.
    private func withState<T>(
        _ id: String, in repository: RepositoryName, _ body: (inout UploadState) async throws -> T
    ) async throws -> T {
        var state = try states.checkOut(id)
        do {
            if state == nil { state = try await rebuild(id, in: repository) }
            let result = try await body(&state!)
            states.checkIn(id, state)
            return result
        } catch {
            states.checkIn(id, nil)
            throw error
        }
    }

    /// The state of an upload from its bytes in storage: after a restart, or on another replica.
    private func rebuild(_ id: String, in repository: RepositoryName) async throws -> UploadState {
        var state = UploadState(id: id)
        do {
            try await driver.read(RegistryLayout.uploadData(id, in: repository), range: nil) { chunk in
                chunk.withUnsafeReadableBytes { state.append($0) }
            }
        } catch let error as StorageDriverError where error.isNotFound {
            // No chunk yet.
        }
        return state
    }

    /// Checks the chunk's range, opens the upload file for appending and streams the body into
    /// it, reserving against the storage limits ahead of the bytes when any limit is set.
    /// Returns the open writer and what the upload holds (nil: no limit was set); closes the
    /// writer when receiving fails.
    private func receive<Body: AsyncSequence>(
        _ body: Body, into record: UploadRecord, state: inout UploadState, contentRange: ContentRange?,
        contentLength: Int64?, digest: Digest?
    ) async throws -> (writer: any StorageWriter, held: Int64?) where Body.Element == ByteBuffer {
        let expected = try state.expectedChunkLength(contentRange: contentRange, contentLength: contentLength)
        let announcedEnd = expected.map { UploadReservation.sum(state.offset, $0) }
        var plan = try await limitsApply() ? UploadReservation(held: record.reserved, announcedEnd: announcedEnd) : nil
        let reserveBefore: (Int64) async throws -> Void = { [self] end in
            guard let request = plan?.request(before: end) else { return }
            plan?.granted(try await reserve(record.id, ask: request.ask, atLeast: request.atLeast, digest: digest))
        }
        do {
            if let announcedEnd { try await reserveBefore(announcedEnd) }
            let writer = try await driver.writer(RegistryLayout.uploadData(record.id, in: record.repository), append: true)
            do {
                try await stream(body, into: writer, state: &state, expected: expected, reserveBefore: reserveBefore)
            } catch {
                try? await writer.close()
                throw error
            }
            return (writer, plan?.held)
        } catch {
            // What the request reserved beyond the bytes it wrote goes back at once.
            if plan != nil { try? await metadata.trimReservation(record.id, to: state.offset) }
            throw error
        }
    }

    /// Streams the body into the writer, hashing what is written, in batches of `writeBatch`;
    /// `reserveBefore` is asked for room before each write.
    private func stream<Body: AsyncSequence>(
        _ body: Body, into writer: any StorageWriter, state: inout UploadState, expected: Int64?,
        reserveBefore: (Int64) async throws -> Void
    ) async throws where Body.Element == ByteBuffer {
        let start = state.offset
        var pending = ByteBuffer()
        func flush(_ buffer: ByteBuffer) async throws {
            try await reserveBefore(state.offset + Int64(buffer.readableBytes))
            try await writer.write(buffer)
            buffer.withUnsafeReadableBytes { state.append($0) }
        }
        for try await chunk in body {
            let received = state.offset - start + Int64(pending.readableBytes + chunk.readableBytes)
            if let expected, received > expected {
                throw RegistryError(.sizeInvalid, detail: "chunk is longer than the \(expected) bytes announced")
            }
            if pending.readableBytes == 0, chunk.readableBytes >= Self.writeBatch {
                // Whole batches straight from the chunk (zero-copy slices): a limit then cuts a
                // large chunk off at a batch boundary, not before its first byte.
                var chunk = chunk
                while chunk.readableBytes >= Self.writeBatch, let batch = chunk.readSlice(length: Self.writeBatch) {
                    try await flush(batch)
                }
                if chunk.readableBytes > 0 { pending.writeBuffer(&chunk) }
                continue
            }
            var chunk = chunk
            pending.writeBuffer(&chunk)
            if pending.readableBytes >= Self.writeBatch {
                try await flush(pending)
                pending.clear()
            }
        }
        if pending.readableBytes > 0 { try await flush(pending) }
        if let expected, state.offset - start != expected {
            throw RegistryError(.sizeInvalid, detail: "chunk has \(state.offset - start) bytes, \(expected) were announced")
        }
    }

    /// Whether any storage limit is set: without one, uploads reserve nothing.
    private func limitsApply() async throws -> Bool {
        if quota.namespaceLimit != nil { return true }
        return try await metadata.hasQuotas()
    }

    /// Reserves `ask` bytes in all for the upload, or, refused, `atLeast`; returns what was
    /// granted, or 403 with the refusal's numbers.
    private func reserve(_ id: String, ask: Int64, atLeast: Int64, digest: Digest?) async throws -> Int64 {
        do {
            do {
                try await metadata.reserveUpload(id, upTo: ask, digest: digest, quota: quota)
                return ask
            } catch MetadataError.quotaExceeded where atLeast < ask {
                try await metadata.reserveUpload(id, upTo: atLeast, digest: digest, quota: quota)
                return atLeast
            }
        } catch MetadataError.quotaExceeded(let refusal) {
            throw refusal.registryError
        } catch MetadataError.uploadGone {
            throw RegistryError(.blobUploadUnknown, detail: "upload \(id) was purged while it was being written")
        }
    }

    /// The first `bytes` bytes of the upload (those earlier requests wrote), hashed in `algorithm`.
    private func hashStored(_ id: String, in repository: RepositoryName, bytes: Int64, algorithm: DigestAlgorithm) async throws -> DigestHasher {
        var hasher = DigestHasher(algorithm)
        guard bytes > 0 else { return hasher }
        try await driver.read(RegistryLayout.uploadData(id, in: repository), range: 0..<bytes) { chunk in
            chunk.withUnsafeReadableBytes { hasher.update($0) }
        }
        return hasher
    }

    /// Throws `DIGEST_INVALID` unless the upload's bytes have the claimed digest.
    private func verify(_ state: UploadState, claimed: Digest, path: String) async throws {
        var verification = state.verify(claimed)
        if case .rehash(let algorithm) = verification {
            var hasher = DigestHasher(algorithm)
            do {
                try await driver.read(path, range: nil) { chunk in chunk.withUnsafeReadableBytes { hasher.update($0) } }
            } catch let error as StorageDriverError where error.isNotFound {
                // An empty upload: nothing was ever written.
            }
            let computed = hasher.finalize()
            verification = computed == claimed ? .matches : .mismatch(computed: computed)
        }
        if case .mismatch(let computed) = verification {
            throw RegistryError(.digestInvalid, detail: "upload has digest \(computed), not \(claimed); nothing was stored")
        }
    }

    /// An upload a crash interrupted after its bytes were moved to the blob's path: no upload
    /// file is left. If the row was committed too, the retried close just answers it; if not,
    /// and the blob file holds exactly the claimed digest, the row is committed now — instead
    /// of failing the retry as an empty upload and orphaning the file.
    private func recoverMovedUpload(_ id: String, in repository: RepositoryName, digest: Digest) async throws -> BlobRecord? {
        // Only the session that began the move: another's leftover blob file is no credential.
        guard try await metadata.upload(id)?.committing == digest,
            try await !driver.exists(RegistryLayout.uploadData(id, in: repository))
        else { return nil }
        if let committed = try await metadata.blob(digest, in: repository) {
            try await discard(id, in: repository)
            return committed
        }
        guard try await metadata.blob(digest) == nil, let info = try? await driver.stat(RegistryLayout.blobData(digest)) else {
            return nil
        }
        var hasher = DigestHasher(digest.algorithm)
        try await driver.read(RegistryLayout.blobData(digest), range: nil) { chunk in chunk.withUnsafeReadableBytes { hasher.update($0) } }
        guard hasher.finalize() == digest else { return nil }
        let record = BlobRecord(digest: digest, size: info.size, createdAt: Date().timeIntervalSince1970)
        do {
            try await metadata.commitBlob(record, in: repository, releasing: id, quota: quota)
        } catch MetadataError.quotaExceeded(let refusal) {
            try? await metadata.recordUnreferencedBlob(record)
            try? await discard(id, in: repository)
            throw refusal.registryError
        }
        try await discard(id, in: repository)
        logger.notice("completed an upload whose bytes a crash left at the blob's path", metadata: ["upload": "\(id)", "digest": "\(digest)"])
        return record
    }

    /// Forgets the session and removes its bytes.
    private func discard(_ id: String, in repository: RepositoryName) async throws {
        try await removeBytes(id, in: repository)
        try await metadata.deleteUpload(id)
        states.remove(id)
    }

    /// Upload ids are lowercase UUIDs; anything else cannot name a session and must not reach a path.
    static func isValidID(_ id: String) -> Bool {
        id.utf8.count == 36 && id.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) || $0 == 45 }
    }
}
