import AsyncHTTPClient
import Foundation
import NIOCore
import StorageDriver

/// Distribution's `gcs` driver over the JSON API: a file is an object named by its path under
/// the root directory; directories are name prefixes. Appends compose (`GCSWriter`); moves
/// are server-side rewrites.
public final class GCSDriver: ObjectStoreDriver {
    public let name = "gcs"
    public let client: GCSClient
    let chunkSize: Int

    public init(client: GCSClient, chunkSize: Int = 5 << 20) {
        self.client = client
        self.chunkSize = chunkSize
    }

    var location: GCSLocation { client.location }

    func objectName(_ path: String) throws -> String {
        try location.name(for: path)
    }

    public var serviceName: String { "Google Cloud Storage" }

    public func getContent(_ path: String) async throws -> ByteBuffer {
        let object = try objectName(path)
        return try await run(path) {
            let response = try await client.download(object, range: nil)
            return try await response.body.collect(upTo: 256 << 20)
        }
    }

    public func putContent(_ path: String, _ content: ByteBuffer) async throws {
        let object = try objectName(path)
        try await run(path) { try await client.upload(object, content) }
    }

    public func read(_ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        let object = try objectName(path)
        if let range {
            // A range the object cannot have is refused before any byte, as the other drivers
            // do (the service would send what it has, or 416).
            let size = try await run(path) { try await client.metadata(object) }.size
            guard range.upperBound <= size else {
                throw StorageDriverError.invalidRange(path, driver: name, reason: "range \(range) is outside the file's \(size) bytes")
            }
            if range.isEmpty { return }
        }
        let response = try await run(path) { try await client.download(object, range: range) }
        let expected = range.map { $0.upperBound - $0.lowerBound }
        var received: Int64 = 0
        try await run(path) {
            for try await chunk in response.body {
                received += Int64(chunk.readableBytes)
                if let expected, received > expected {
                    throw StorageDriverError.backend(path, driver: name, reason: "the service sent more than the \(expected) bytes asked for")
                }
                try await consume(chunk)
            }
        }
        if let expected, received != expected {
            throw StorageDriverError.backend(path, driver: name, reason: "the service sent \(received) of the \(expected) bytes asked for")
        }
    }

    public func writer(_ path: String, append: Bool) async throws -> any StorageWriter {
        let object = try objectName(path)
        guard append else { return GCSWriter(driver: self, path: path, name: object, existing: nil, chunkSize: chunkSize) }
        do {
            let info = try await client.metadata(object)
            return GCSWriter(driver: self, path: path, name: object, existing: info, chunkSize: chunkSize)
        } catch let error as GCSError where error.isNotFound {
            return GCSWriter(driver: self, path: path, name: object, existing: nil, chunkSize: chunkSize)
        } catch {
            throw translated(error, path: path)
        }
    }

    public func stat(_ path: String) async throws -> StorageFileInfo {
        let object = try objectName(path)
        if !object.isEmpty {
            do {
                let info = try await client.metadata(object)
                return StorageFileInfo(path: path, size: info.size, isDirectory: false, modified: info.updated)
            } catch let error as GCSError where error.isNotFound {
                // A directory, perhaps.
            } catch {
                throw translated(error, path: path)
            }
        }
        let page = try await run(path) { try await client.list(prefix: location.directoryPrefix(object), delimiter: nil, pageToken: nil, maxResults: 1) }
        guard !page.names.isEmpty else { throw StorageDriverError.pathNotFound(path, driver: name) }
        return StorageFileInfo(path: path, size: 0, isDirectory: true, modified: 0)
    }

    public func list(_ path: String) async throws -> [String] {
        let prefix = location.directoryPrefix(try objectName(path))
        var children: Set<String> = []
        var token: String?
        repeat {
            let page = try await run(path) { try await client.list(prefix: prefix, delimiter: "/", pageToken: token) }
            // Parts being appended (`<file>~append-<n>`) belong to their file; a name ending in
            // `/` is a console's folder placeholder, not a file.
            children.formUnion(page.names.filter { !$0.hasSuffix("/") }.map { location.path(for: $0) }.filter { !$0.contains("~") })
            children.formUnion(page.prefixes.map { location.path(for: String($0.dropLast())) })
            token = page.nextToken
        } while token != nil
        guard !children.isEmpty else { throw StorageDriverError.pathNotFound(path, driver: name) }
        return children.sorted()
    }

    public func move(_ source: String, to destination: String) async throws {
        let from = try objectName(source)
        let to = try objectName(destination)
        do {
            try await client.rewrite(from: from, to: to)
        } catch let error as GCSError where error.isNotFound {
            throw StorageDriverError.pathNotFound(source, driver: name)
        } catch {
            throw translated(error, path: destination)
        }
        do {
            try await client.delete(from)
        } catch let error as GCSError where error.isNotFound {
            // A retried delete whose first answer was lost: the move is done.
        } catch {
            throw translated(error, path: source)
        }
    }

    /// Files only, so no listing: one delete per object, eight at a time.
    public func deleteFiles(_ paths: [String], keeping: String) async -> [String: StorageDriverError] {
        var failures: [String: StorageDriverError] = [:]
        var names: [String: String] = [:]
        for path in paths {
            do {
                names[try objectName(path)] = path
            } catch {
                failures[path] = (error as? StorageDriverError) ?? .invalidPath(path, driver: name)
            }
        }
        for (object, error) in await deleteObjects(Array(names.keys)) {
            let path = names[object]!
            failures[path] = translated(error, path: path) as? StorageDriverError ?? .backend(path, driver: name, reason: "\(error)")
        }
        return failures
    }

    public func delete(_ path: String) async throws {
        let object = try objectName(path)
        var names: [String] = []
        var token: String?
        repeat {
            let page = try await run(path) { try await client.list(prefix: location.directoryPrefix(object), delimiter: nil, pageToken: token) }
            names += page.names
            token = page.nextToken
        } while token != nil
        guard !names.isEmpty else {
            guard !object.isEmpty else { throw StorageDriverError.pathNotFound(path, driver: name) }
            return try await run(path) { try await client.delete(object) }
        }
        let failures = await deleteObjects(names)
        if let failure = failures.first { throw translated(failure.value, path: location.path(for: failure.key)) }
    }

    /// Deletes objects eight at a time; a missing one counts as deleted. Returns the failures.
    func deleteObjects(_ names: [String]) async -> [String: any Error] {
        await withTaskGroup(of: (String, (any Error)?).self) { group in
            var failures: [String: any Error] = [:]
            var next = names.makeIterator()
            func start() {
                guard let object = next.next() else { return }
                group.addTask {
                    do {
                        try await self.client.delete(object)
                        return (object, nil)
                    } catch let error as GCSError where error.isNotFound {
                        return (object, nil)
                    } catch {
                        return (object, error)
                    }
                }
            }
            for _ in 0..<8 { start() }
            while let (object, failure) = await group.next() {
                if let failure { failures[object] = failure }
                start()
            }
            return failures
        }
    }
}
