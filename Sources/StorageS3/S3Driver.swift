import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import StorageDriver

/// Blobs in an S3 bucket (AWS, Ceph radosgw, MinIO, moto), in Distribution's layout under
/// `rootdirectory`. Directories are key prefixes; a move is a server-side copy and a delete.
public struct S3Driver: ObjectStoreDriver {
    public let name = "s3"
    public let client: S3Client
    /// Bytes buffered before a part is sent (`chunksize`); at least S3's 5 MiB minimum.
    public let partSize: Int
    /// How reads larger than one window fetch ranges ahead of the client.
    public let readAhead: S3ReadAhead

    public init(client: S3Client, partSize: Int = 10 << 20, readAhead: S3ReadAhead = S3ReadAhead()) {
        self.client = client
        self.partSize = max(partSize, Int(S3Client.minimumPart))
        self.readAhead = readAhead
    }

    var location: S3Location { client.location }

    func key(_ path: String) throws -> String {
        try StoragePath.validate(path, driver: name)
        return location.key(for: path)
    }

    public var serviceName: String { "the S3 endpoint" }

    public func getContent(_ path: String) async throws -> ByteBuffer {
        let key = try key(path)
        let response = try await run(path) { try await client.perform(.GET, key: key) }
        guard S3Client.segmentedSize(response.headers) != nil else { return response.body }
        var content = ByteBuffer()
        try await readSegmented(try S3SegmentIndex(parsing: response.body), key: key, path: path, range: nil) { chunk in
            var chunk = chunk
            content.writeBuffer(&chunk)
        }
        return content
    }

    public func putContent(_ path: String, _ content: ByteBuffer) async throws {
        let key = try key(path)
        try await run(path) { try await client.putObject(key, content) }
    }

    /// The first window is one ranged GET streamed as it arrives; its `Content-Range` tells
    /// the size, and the rest is fetched `readAhead.depth` windows ahead of the client.
    public func read(_ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        let key = try key(path)
        if let range, range.isEmpty {
            let info = try await run(path) { try await client.headObject(key) }
            let size = info.segmentedSize ?? info.size
            guard range.lowerBound <= size else {
                throw StorageDriverError.invalidRange(path, driver: name, reason: "range starts at \(range.lowerBound), the file has \(size) bytes")
            }
            return
        }
        let start = range?.lowerBound ?? 0
        let firstEnd = min(range?.upperBound ?? Int64.max, start + readAhead.window)
        let response: HTTPClientResponse
        do {
            response = try await client.stream(.GET, key: key, headers: [("range", "bytes=\(start)-\(firstEnd - 1)")])
        } catch let error as S3Error where error.status == 416 {
            // An empty object has no byte 0, and a segmented file's index is shorter than
            // the file it describes.
            let info = try await run(path) { try await client.headObject(key) }
            if info.segmentedSize != nil {
                return try await readSegmented(try await readIndex(key: key, path: path), key: key, path: path, range: range, consume)
            }
            if range == nil, info.size == 0 { return }
            throw translated(error, path: path)
        } catch {
            throw translated(error, path: path)
        }
        let total = response.status == .partialContent
            ? response.headers.first(name: "content-range").flatMap(Self.totalSize)
            : response.headers.first(name: "content-length").flatMap { Int64($0) }
        if S3Client.segmentedSize(response.headers) != nil {
            let body = try await run(path) { try await response.body.collect(upTo: 16 << 20) }
            let index = range == nil && total == Int64(body.readableBytes)
                ? try S3SegmentIndex(parsing: body) : try await readIndex(key: key, path: path)
            return try await readSegmented(index, key: key, path: path, range: range, consume)
        }
        guard let total, response.status == .partialContent || range == nil else {
            throw StorageDriverError.backend(path, driver: name, reason: "S3 answered a ranged GET with \(response.status) and no size")
        }
        if let range, range.upperBound > total {
            throw StorageDriverError.invalidRange(path, driver: name, reason: "range ends at \(range.upperBound), the file has \(total) bytes")
        }
        let end = range?.upperBound ?? total
        // A server that ignores the range sends the whole object in this one response.
        let covered = response.status == .partialContent ? min(firstEnd, end) : end
        let rest = readAhead.fetches([S3ReadAhead.Fetch(key: key, range: covered..<end)])
        try await run(path) {
            try await readAhead.stream(rest, leading: {
                for try await chunk in response.body { try await consume(chunk) }
            }, fetch: { fetch in try await self.fetchWhole(fetch, path: path) }, consume)
        }
    }

    /// One window's bytes as they arrived (chunks, not copied into one buffer), all of them or
    /// an error.
    func fetchWhole(_ fetch: S3ReadAhead.Fetch, path: String) async throws -> [ByteBuffer] {
        let length = Int(fetch.range.upperBound - fetch.range.lowerBound)
        let header = ("range", "bytes=\(fetch.range.lowerBound)-\(fetch.range.upperBound - 1)")
        let body = try await client.stream(.GET, key: fetch.key, headers: [header]).body
        var chunks: [ByteBuffer] = []
        var received = 0
        for try await chunk in body {
            received += chunk.readableBytes
            guard received <= length else { break }
            chunks.append(chunk)
        }
        guard received == length else {
            throw StorageDriverError.backend(path, driver: name, reason: "S3 sent \(received) of the \(length) bytes asked for at \(fetch.range.lowerBound)")
        }
        return chunks
    }

    /// The total of a `Content-Range: bytes a-b/total` header.
    static func totalSize(_ header: String) -> Int64? {
        header.split(separator: "/").last.flatMap { Int64($0) }
    }

    /// Without append, a fresh object. With append, a new file or a segmented one gets one
    /// more segment (nothing stored is copied); a plain object is continued by copying.
    public func writer(_ path: String, append: Bool) async throws -> any StorageWriter {
        let key = try key(path)
        guard append else { return S3Writer.fresh(driver: self, key: key, path: path) }
        let info: S3Client.ObjectInfo
        do {
            info = try await client.headObject(key)
        } catch let error as S3Error where error.isNotFound {
            return S3SegmentWriter(driver: self, key: key, path: path, index: S3SegmentIndex(), indexExists: false)
        } catch {
            throw translated(error, path: path)
        }
        if info.segmentedSize != nil {
            return S3SegmentWriter(driver: self, key: key, path: path, index: try await readIndex(key: key, path: path), indexExists: true)
        }
        return try await run(path) { try await S3Writer.continuing(driver: self, key: key, path: path, existing: info.size) }
    }

    public func stat(_ path: String) async throws -> StorageFileInfo {
        let key = try key(path)
        do {
            let info = try await client.headObject(key)
            return StorageFileInfo(path: path, size: info.segmentedSize ?? info.size, isDirectory: false, modified: info.modified)
        } catch let error as S3Error where error.isNotFound || error.status == 403 && path == "/" {
            let listing = try await run(path) { try await client.listObjects(prefix: directoryPrefix(key), delimiter: nil, maxKeys: 1) }
            guard !listing.objects.isEmpty else { throw StorageDriverError.pathNotFound(path, driver: name) }
            return StorageFileInfo(path: path, size: 0, isDirectory: true, modified: listing.objects[0].modified)
        } catch {
            throw translated(error, path: path)
        }
    }

    func directoryPrefix(_ key: String) -> String {
        key.isEmpty ? "" : key + "/"
    }

    public func list(_ path: String) async throws -> [String] {
        let key = try key(path)
        let prefix = directoryPrefix(key)
        var children: [String] = []
        var token: String?
        repeat {
            let page = try await run(path) { try await client.listObjects(prefix: prefix, delimiter: "/", token: token) }
            // Segments (`<file>~seg/`) are part of their file, not entries of the directory.
            children += page.objects.map { location.path(for: $0.key) }.filter { !$0.contains("~") }
            children += page.prefixes.map { location.path(for: String($0.dropLast())) }.filter { !$0.contains("~") }
            token = page.nextToken
        } while token != nil
        guard !children.isEmpty else { throw StorageDriverError.pathNotFound(path, driver: name) }
        return children.sorted()
    }

    public func move(_ source: String, to destination: String) async throws {
        let from = try key(source)
        let to = try key(destination)
        let info = try await run(source) { try await client.headObject(from) }
        if info.segmentedSize != nil {
            let index = try await readIndex(key: from, path: source)
            try await concatenate(index, key: from, path: source, into: to, destinationPath: destination)
            try await deleteSegmentedFile(key: from, path: source)
            return
        }
        try await run(destination) { try await client.copyLargeObject(from: from, to: to, size: info.size) }
        try await run(source) { try await client.deleteObject(from) }
    }

    /// `DeleteObjects` takes 1,000 keys a request.
    public var deleteBatchSize: Int { 1000 }

    /// Blob files are plain objects: `DeleteObjects` of 1,000 keys a request, four requests at once.
    public func deleteFiles(_ paths: [String], keeping: String) async -> [String: StorageDriverError] {
        var failures: [String: StorageDriverError] = [:]
        var keys: [(key: String, path: String)] = []
        for path in paths {
            do {
                keys.append((try key(path), path))
            } catch {
                failures[path] = (error as? StorageDriverError) ?? .invalidPath(path, driver: name)
            }
        }
        let batches = stride(from: 0, to: keys.count, by: 1000).map { Array(keys[$0..<min($0 + 1000, keys.count)]) }
        await withTaskGroup(of: [String: StorageDriverError].self) { group in
            var next = batches.makeIterator()
            func start() {
                guard let batch = next.next() else { return }
                group.addTask {
                    let paths = Dictionary(batch.map { ($0.key, $0.path) }, uniquingKeysWith: { first, _ in first })
                    do {
                        let failed = try await client.deleteObjectsReportingFailures(batch.map(\.key))
                        return Dictionary(uniqueKeysWithValues: failed.compactMap { key, error in
                            paths[key].map { ($0, translated(error, path: $0) as? StorageDriverError ?? .backend($0, driver: name, reason: "\(error)")) }
                        })
                    } catch {
                        // The request itself failed: every key of it is retried later.
                        return Dictionary(uniqueKeysWithValues: batch.map { item in
                            (item.path, StorageDriverError.unavailable(item.path, driver: name, reason: "DeleteObjects failed: \(error)"))
                        })
                    }
                }
            }
            for _ in 0..<4 { start() }
            while let failed = await group.next() {
                failures.merge(failed) { first, _ in first }
                start()
            }
        }
        return failures
    }

    public func delete(_ path: String) async throws {
        let key = try key(path)
        var found = false
        if let info = try? await client.headObject(key) {
            try await run(path) { try await client.deleteObject(key) }
            if info.segmentedSize != nil { try await deleteAll(prefix: S3SegmentIndex.segmentPrefix(key), path: path) }
            found = true
        }
        if try await deleteAll(prefix: directoryPrefix(key), path: path) { found = true }
        try await abortUploads(under: key, path: path)
        guard found else { throw StorageDriverError.pathNotFound(path, driver: name) }
    }
}
