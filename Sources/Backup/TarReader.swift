/// Reads a ustar archive front to back: headers, then each body in chunks, so a blob of any
/// size passes through a fixed buffer.
public final class TarReader {
    private let file: RawFile
    private var buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    /// Body bytes of the current entry not yet consumed, then its padding.
    private var remaining: Int64 = 0
    private var padding = 0
    /// Bytes consumed from the archive so far.
    public private(set) var position: Int64 = 0

    public init(file: RawFile, bufferSize: Int = 1 << 20) {
        self.file = file
        buffer = .allocate(byteCount: bufferSize, alignment: 16)
        file.adviseSequential()
    }

    deinit { buffer.deallocate() }

    /// The next entry's header, skipping whatever of the previous body was not read; nil at the
    /// end marker. An archive that stops before its end marker is truncated.
    public func next() throws(TarError) -> TarHeader? {
        try skip(remaining + Int64(padding))
        remaining = 0
        padding = 0
        var block = [UInt8]()
        block.reserveCapacity(TarHeader.blockSize)
        while block.count < TarHeader.blockSize {
            guard try fill() else { throw .truncated }
            let take = min(TarHeader.blockSize - block.count, end - start)
            block.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<(start + take)]))
            consume(take)
        }
        guard let header = try TarHeader.decode(block) else { return nil }
        guard header.size >= 0 else { throw .badHeader(header.name) }
        remaining = header.size
        padding = TarHeader.padding(after: header.size)
        return header
    }

    /// After `next()` returned nil: the end marker's second zero block, which a complete
    /// archive has and a truncated one lacks.
    public func readEndMarker() throws(TarError) {
        var zeros = 0
        while zeros < TarHeader.blockSize {
            guard try fill() else { throw .truncated }
            let take = min(TarHeader.blockSize - zeros, end - start)
            guard UnsafeRawBufferPointer(rebasing: buffer[start..<(start + take)]).allSatisfy({ $0 == 0 }) else { throw .badHeader("the end marker") }
            consume(take)
            zeros += take
        }
    }

    /// The current entry's body, in chunks of at most the buffer's size.
    public func readBody(_ consumer: (UnsafeRawBufferPointer) throws -> Void) throws {
        while remaining > 0 {
            guard try fill() else { throw TarError.truncated }
            let take = Int(min(remaining, Int64(end - start)))
            try consumer(UnsafeRawBufferPointer(rebasing: buffer[start..<(start + take)]))
            consume(take)
            remaining -= Int64(take)
        }
    }

    /// The current entry's body as bytes: for the small entries (descriptor, checksums).
    public func readSmallBody(limit: Int) throws -> [UInt8] {
        guard remaining <= Int64(limit) else { throw TarError.io("an entry of \(remaining) bytes where at most \(limit) belong") }
        var bytes: [UInt8] = []
        try readBody { bytes.append(contentsOf: $0) }
        return bytes
    }

    private func skip(_ count: Int64) throws(TarError) {
        var left = count
        while left > 0 {
            guard try fill() else { throw .truncated }
            let take = Int(min(left, Int64(end - start)))
            consume(take)
            left -= Int64(take)
        }
    }

    private func consume(_ count: Int) {
        start += count
        position += Int64(count)
    }

    /// Makes at least one unread byte available; false at the end of the file.
    private func fill() throws(TarError) -> Bool {
        if start < end { return true }
        start = 0
        end = try file.read(into: buffer)
        return end > 0
    }
}
