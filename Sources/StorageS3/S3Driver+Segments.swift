import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import StorageDriver

/// Files written by appends (`S3SegmentIndex`): their index, reads across segments, the one
/// concatenation a move makes, and deletion.
extension S3Driver {
    func readIndex(key: String, path: String) async throws -> S3SegmentIndex {
        let body = try await run(path) { try await client.getObject(key) }
        return try S3SegmentIndex(parsing: body)
    }

    func writeIndex(_ index: S3SegmentIndex, key: String, path: String) async throws {
        try await run(path) {
            try await client.putObject(key, index.serialized, headers: [(S3SegmentIndex.sizeHeader, String(index.total))])
        }
    }

    /// Streams `range` (all when nil) of a segmented file.
    func readSegmented(
        _ index: S3SegmentIndex, key: String, path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void
    ) async throws {
        let total = index.total
        let wanted = range ?? 0..<total
        guard wanted.lowerBound <= total, wanted.upperBound <= total else {
            throw StorageDriverError.invalidRange(path, driver: name, reason: "range \(wanted) is outside the file's \(total) bytes")
        }
        let pieces = index.pieces(of: wanted).map {
            S3ReadAhead.Fetch(key: S3SegmentIndex.segmentKey(key, number: $0.segment), range: $0.range)
        }
        try await readAhead.stream(readAhead.fetches(pieces), fetch: { fetch in
            do {
                return try await self.fetchWhole(fetch, path: path)
            } catch let error as S3Error where error.isNotFound {
                throw StorageDriverError.backend(path, driver: self.name, reason: "a segment of the file is missing (\(fetch.key))")
            } catch {
                throw self.translated(error, path: path)
            }
        }, consume)
    }

    /// A segment's bytes in `piece.range`; a missing segment is damage, not a missing file.
    private func segmentResponse(_ piece: S3SegmentIndex.Piece, key: String, path: String) async throws -> HTTPClientResponse.Body {
        let segmentKey = S3SegmentIndex.segmentKey(key, number: piece.segment)
        let header = ("range", "bytes=\(piece.range.lowerBound)-\(piece.range.upperBound - 1)")
        do {
            return try await client.stream(.GET, key: segmentKey, headers: [header]).body
        } catch let error as S3Error where error.isNotFound {
            throw StorageDriverError.backend(path, driver: name, reason: "segment \(piece.segment) of the file is missing (\(segmentKey))")
        } catch {
            throw translated(error, path: path)
        }
    }

    /// Parts a concatenation copies or sends at once (read-back parts are at most 10 MiB).
    static let partsAtOnce = 4

    /// Writes the file's bytes as the object `destination`: one copy or PUT when it can, a
    /// multipart upload of server-side copies and read-back short runs otherwise.
    func concatenate(_ index: S3SegmentIndex, key: String, path: String, into destination: String, destinationPath: String) async throws {
        let plan = index.concatenationPlan(minimumPart: S3Client.minimumPart, maximumCopy: S3Client.maximumCopy)
        if plan.count <= 1 {
            switch plan.first {
            case nil:
                return try await run(destinationPath) { try await client.putObject(destination, ByteBuffer()) }
            case .copy(let piece) where piece.range == 0..<index.sizes[piece.segment - 1]:
                let source = S3SegmentIndex.segmentKey(key, number: piece.segment)
                return try await run(destinationPath) { try await client.copyObject(from: source, to: destination) }
            case .upload(let pieces):
                let bytes = try await collect(pieces, key: key, path: path)
                return try await run(destinationPath) { try await client.putObject(destination, bytes) }
            default:
                break
            }
        }
        let uploadId = try await run(destinationPath) { try await client.createMultipartUpload(destination) }
        do {
            let parts = try await withThrowingTaskGroup(of: S3Client.Part.self) { group in
                var parts: [S3Client.Part] = []
                for (offset, part) in plan.enumerated() {
                    if offset >= Self.partsAtOnce, let done = try await group.next() { parts.append(done) }
                    let number = offset + 1
                    switch part {
                    case .copy(let piece):
                        let source = S3SegmentIndex.segmentKey(key, number: piece.segment)
                        group.addTask {
                            try await client.uploadPartCopy(destination, uploadId: uploadId, number: number, source: source, range: piece.range)
                        }
                    case .upload(let pieces):
                        let bytes = try await collect(pieces, key: key, path: path)
                        group.addTask { try await client.uploadPart(destination, uploadId: uploadId, number: number, body: bytes) }
                    }
                }
                for try await done in group { parts.append(done) }
                return parts.sorted { $0.number < $1.number }
            }
            try await client.completeMultipartUpload(destination, uploadId: uploadId, parts: parts)
        } catch {
            try? await client.abortMultipartUpload(destination, uploadId: uploadId)
            throw translated(error, path: destinationPath)
        }
    }

    /// The bytes of short pieces, read back (at most twice S3's part minimum).
    private func collect(_ pieces: [S3SegmentIndex.Piece], key: String, path: String) async throws -> ByteBuffer {
        var bytes = ByteBuffer()
        for piece in pieces {
            let body = try await segmentResponse(piece, key: key, path: path)
            var chunk = try await run(path) { try await body.collect(upTo: Int(piece.length)) }
            bytes.writeBuffer(&chunk)
        }
        return bytes
    }

    /// Deletes a segmented file's index and segments; a file that is not there is no error.
    func deleteSegmentedFile(key: String, path: String) async throws {
        do {
            try await client.deleteObject(key)
        } catch let error as S3Error where error.isNotFound {}
        try await deleteAll(prefix: S3SegmentIndex.segmentPrefix(key), path: path)
    }

    /// Aborts the multipart uploads a killed writer left for `key`, its segments or anything
    /// below it: their parts are stored (and billed) until someone does.
    func abortUploads(under key: String, path: String) async throws {
        let uploads = try await run(path) { try await client.listMultipartUploads(prefix: key) }
        for upload in uploads
        where upload.key == key || upload.key.hasPrefix(directoryPrefix(key)) || upload.key.hasPrefix(S3SegmentIndex.segmentPrefix(key)) {
            do {
                try await client.abortMultipartUpload(upload.key, uploadId: upload.uploadId)
            } catch let error as S3Error where error.status == 404 {}
        }
    }

    /// Deletes every object under `prefix`; true when there was any.
    @discardableResult
    func deleteAll(prefix: String, path: String) async throws -> Bool {
        var found = false
        var token: String?
        repeat {
            let page = try await run(path) { try await client.listObjects(prefix: prefix, delimiter: nil, token: token) }
            if !page.objects.isEmpty {
                found = true
                try await run(path) { try await client.deleteObjects(page.objects.map(\.key)) }
            }
            token = page.nextToken
        } while token != nil
        return found
    }
}
