import Crypto

/// Writes a ustar archive to a file, one entry at a time, hashing each entry's bytes as they
/// pass so the archive's checksum list costs no second read.
public final class TarWriter {
    private let file: RawFile
    private var buffer: [UInt8] = []
    private static let bufferLimit = 1 << 20
    private var current: (header: TarHeader, written: Int64, hasher: SHA256)?
    /// Bytes written to the archive so far, headers and padding included.
    public private(set) var archiveBytes: Int64 = 0

    public init(file: RawFile) {
        self.file = file
        buffer.reserveCapacity(Self.bufferLimit)
    }

    public func begin(_ header: TarHeader) throws(TarError) {
        precondition(current == nil, "an entry is already open")
        try append(contentsOf: header.encoded())
        current = (header, 0, SHA256())
    }

    /// Part of the open entry's body.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TarError) {
        guard var entry = current else { preconditionFailure("no entry is open") }
        entry.written += Int64(bytes.count)
        guard entry.written <= entry.header.size else {
            throw .sizeMismatch(name: entry.header.name, declared: entry.header.size, written: entry.written)
        }
        entry.hasher.update(bufferPointer: bytes)
        current = entry
        if bytes.count >= Self.bufferLimit / 4 {
            try flush()
            try file.write(bytes)
            archiveBytes += Int64(bytes.count)
        } else {
            try append(contentsOf: bytes)
        }
    }

    public func write(_ bytes: [UInt8]) throws(TarError) {
        var failure: TarError?
        bytes.withUnsafeBytes { raw in
            do throws(TarError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Closes the open entry; its SHA-256 as lowercase hex.
    @discardableResult
    public func end() throws(TarError) -> String {
        guard let entry = current else { preconditionFailure("no entry is open") }
        guard entry.written == entry.header.size else {
            throw .sizeMismatch(name: entry.header.name, declared: entry.header.size, written: entry.written)
        }
        current = nil
        try append(contentsOf: [UInt8](repeating: 0, count: TarHeader.padding(after: entry.header.size)))
        return entry.hasher.finalize().hexString
    }

    /// A whole small entry in one call.
    @discardableResult
    public func add(name: String, bytes: [UInt8], modificationTime: Int64) throws(TarError) -> String {
        try begin(TarHeader(name: name, size: Int64(bytes.count), modificationTime: modificationTime))
        try write(bytes)
        return try end()
    }

    /// The end marker (two zero blocks), then everything on disk.
    public func finish() throws(TarError) {
        precondition(current == nil, "an entry is still open")
        try append(contentsOf: [UInt8](repeating: 0, count: 2 * TarHeader.blockSize))
        try flush()
        try file.sync()
    }

    private func append(contentsOf bytes: some Collection<UInt8>) throws(TarError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    private func append(contentsOf bytes: UnsafeRawBufferPointer) throws(TarError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.bufferLimit { try flush() }
    }

    private func flush() throws(TarError) {
        guard !buffer.isEmpty else { return }
        try file.write(buffer)
        archiveBytes += Int64(buffer.count)
        buffer.removeAll(keepingCapacity: true)
    }
}

extension SHA256Digest {
    /// Lowercase hex, as `sha256sum` prints it.
    var hexString: String {
        map { byte in
            let digits = String(byte, radix: 16)
            return byte < 16 ? "0" + digits : digits
        }.joined()
    }
}
