import CWharfLinux
import Glibc

/// A file descriptor with blocking reads and writes that retry on EINTR and short counts:
/// backups are one sequential stream, so plain system calls on a thread of their own are
/// both the simplest and the fastest.
public final class RawFile {
    public let path: String
    let descriptor: Int32
    private var closed = false
    /// Bytes written, and how far writeback has been started: big sequential writes hand the
    /// disk each 8 MiB as it is written, so the final sync waits for little and the disk never
    /// idles while the next bytes are hashed.
    private var written: Int64 = 0
    private var writebackStarted: Int64 = 0
    private static let writebackStep: Int64 = 8 << 20

    public enum Mode { case read, createNew, truncate }

    public init(path: String, mode: Mode, permissions: mode_t = 0o600) throws(TarError) {
        self.path = path
        let flags: Int32 =
            switch mode {
            case .read: O_RDONLY
            case .createNew: O_WRONLY | O_CREAT | O_EXCL
            case .truncate: O_WRONLY | O_CREAT | O_TRUNC
            }
        let opened = open(path, flags | O_CLOEXEC, permissions)
        guard opened >= 0 else { throw Self.failure("open", path) }
        descriptor = opened
    }

    /// Writes all of `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) throws(TarError) {
        var offset = 0
        while offset < bytes.count {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.failure("write", path)
            }
            offset += written
        }
        self.written += Int64(bytes.count)
        if self.written - writebackStarted >= Self.writebackStep {
            _ = wharf_start_writeback(descriptor, writebackStarted, self.written - writebackStarted)
            writebackStarted = self.written
        }
    }

    public func write(_ bytes: [UInt8]) throws(TarError) {
        var failure: TarError?
        bytes.withUnsafeBytes { raw in
            do throws(TarError) { try write(raw) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Reads up to `buffer.count` bytes; 0 at the end of the file.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(TarError) -> Int {
        while true {
            let count = Glibc.read(descriptor, buffer.baseAddress!, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw Self.failure("read", path) }
        }
    }

    /// Reads until `buffer` is full or the file ends; the count read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws(TarError) -> Int {
        var total = 0
        while total < buffer.count {
            let count = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if count == 0 { break }
            total += count
        }
        return total
    }

    public func sync() throws(TarError) {
        guard fsync(descriptor) == 0 else { throw Self.failure("fsync", path) }
    }

    /// Tells the kernel the file is read front to back, so it reads ahead generously.
    public func adviseSequential() {
        _ = posix_fadvise(descriptor, 0, 0, POSIX_FADV_SEQUENTIAL)
    }

    public func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(descriptor)
    }

    deinit { close() }

    static func failure(_ call: String, _ path: String) -> TarError {
        .io("\(call) \(path): \(String(cString: strerror(errno)))")
    }

    /// fsync a directory, so a rename or a new entry in it survives a power cut.
    public static func syncDirectory(_ path: String) throws(TarError) {
        let descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure("open", path) }
        defer { _ = Glibc.close(descriptor) }
        guard fsync(descriptor) == 0 else { throw failure("fsync", path) }
    }
}
