import NIOConcurrencyHelpers
import NIOCore

/// A driver that keeps files in memory, for tests. Directories exist implicitly as prefixes.
public final class InMemoryDriver: StorageDriver {
    struct File {
        var content: ByteBuffer
        var modified: Double
    }

    public let name = "inmemory"
    let files = NIOLockedValueBox<[String: File]>([:])
    private let chunkSize: Int
    /// A logical clock for modification times: tests need order, not wall time.
    private let clock = NIOLockedValueBox<Double>(0)

    public init(chunkSize: Int = 64 * 1024) {
        self.chunkSize = chunkSize
    }

    func tick() -> Double {
        clock.withLockedValue { value in
            value += 1
            return value
        }
    }

    public func getContent(_ path: String) async throws -> ByteBuffer {
        try StoragePath.validate(path, driver: name)
        guard let file = files.withLockedValue({ $0[path] }) else {
            throw StorageDriverError.pathNotFound(path, driver: name)
        }
        return file.content
    }

    public func putContent(_ path: String, _ content: ByteBuffer) async throws {
        try StoragePath.validate(path, driver: name)
        let now = tick()
        files.withLockedValue { $0[path] = File(content: content, modified: now) }
    }

    public func read(_ path: String, range: Range<Int64>?, _ consume: (ByteBuffer) async throws -> Void) async throws {
        var content = try await getContent(path)
        let size = Int64(content.readableBytes)
        let range = range ?? 0..<size
        guard range.lowerBound >= 0, range.upperBound <= size else {
            throw StorageDriverError.invalidRange(path, driver: name, reason: "range \(range) outside 0..<\(size)")
        }
        content.moveReaderIndex(forwardBy: Int(range.lowerBound))
        var remaining = Int(range.count)
        while remaining > 0, let chunk = content.readSlice(length: min(chunkSize, remaining)) {
            remaining -= chunk.readableBytes
            try await consume(chunk)
        }
    }

    public func writer(_ path: String, append: Bool) async throws -> any StorageWriter {
        try StoragePath.validate(path, driver: name)
        let now = tick()
        let size = files.withLockedValue { files -> Int in
            if !append || files[path] == nil {
                files[path] = File(content: ByteBuffer(), modified: now)
            }
            return files[path]!.content.readableBytes
        }
        return InMemoryWriter(driver: self, path: path, size: Int64(size))
    }

    public func stat(_ path: String) async throws -> StorageFileInfo {
        try StoragePath.validate(path, driver: name)
        let prefix = path == "/" ? "/" : path + "/"
        return try files.withLockedValue { files in
            if let file = files[path] {
                return StorageFileInfo(path: path, size: Int64(file.content.readableBytes), isDirectory: false, modified: file.modified)
            }
            let children = files.filter { $0.key.hasPrefix(prefix) }
            guard !children.isEmpty else { throw StorageDriverError.pathNotFound(path, driver: name) }
            let modified = children.values.map(\.modified).max() ?? 0
            return StorageFileInfo(path: path, size: 0, isDirectory: true, modified: modified)
        }
    }

    public func list(_ path: String) async throws -> [String] {
        try StoragePath.validate(path, driver: name)
        let prefix = path == "/" ? "/" : path + "/"
        let children = files.withLockedValue { files -> Set<String> in
            var children = Set<String>()
            for key in files.keys where key.hasPrefix(prefix) {
                let rest = key.dropFirst(prefix.count)
                let child = rest.split(separator: "/", maxSplits: 1).first.map(String.init) ?? String(rest)
                children.insert(StoragePath.join(path, child))
            }
            return children
        }
        if children.isEmpty, files.withLockedValue({ $0[path] != nil }) == false {
            throw StorageDriverError.pathNotFound(path, driver: name)
        }
        return children.sorted()
    }

    public func move(_ source: String, to destination: String) async throws {
        try StoragePath.validate(source, driver: name)
        try StoragePath.validate(destination, driver: name)
        try files.withLockedValue { files in
            guard let file = files.removeValue(forKey: source) else {
                throw StorageDriverError.pathNotFound(source, driver: name)
            }
            files[destination] = file
        }
    }

    public func delete(_ path: String) async throws {
        try StoragePath.validate(path, driver: name)
        let prefix = path == "/" ? "/" : path + "/"
        let removed = files.withLockedValue { files -> Int in
            let doomed = files.keys.filter { $0 == path || $0.hasPrefix(prefix) }
            for key in doomed { files.removeValue(forKey: key) }
            return doomed.count
        }
        if removed == 0 { throw StorageDriverError.pathNotFound(path, driver: name) }
    }
}
