#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// A blocking TCP connection for tests that must see the bytes on the wire. Its calls run on a
/// thread of their own: blocking the few threads of Swift's cooperative pool would stall the
/// server under test on a two-core machine.
public final class RawConnection: @unchecked Sendable {
    private let fd: Int32

    /// `timeoutSeconds` bounds each read: generous by default, because in a loaded full run
    /// answers have taken over 5 s.
    public init(port: Int, timeoutSeconds: Int = 30) throws {
        // Close-on-exec: a program another test starts meanwhile must not hold this connection.
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SupportError("socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            // Closed here and never by deinit: `self.fd` is not set yet, so deinit does not run.
            // (Set before a throw, deinit would close the number again, by then another
            // thread's file or pipe: the suite's servers are polled this way while they start.)
            Glibc.close(fd)
            throw SupportError("connect to port \(port) failed")
        }
        self.fd = fd
    }

    deinit { Glibc.close(fd) }

    /// Closes the connection now.
    public func close() { shutdown(fd, Int32(SHUT_RDWR)) }

    public func send(_ bytes: [UInt8]) async throws {
        try await Self.offPool { try self.sendBlocking(bytes) }
    }

    public func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    public func read(until marker: String? = nil, limit: Int = 1 << 20) async -> (text: String, closed: Bool) {
        await Self.offPool { self.readBlocking(until: marker, limit: limit) }
    }

    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    private static func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: work()) }
        }
    }

    private func sendBlocking(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw SupportError("send failed") }
            offset += sent
        }
    }

    /// Reads until `marker` appears, the peer closes, or the timeout passes; returns what came.
    private func readBlocking(until marker: String?, limit: Int) -> (text: String, closed: Bool) {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while received.count < limit {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return (String(decoding: received, as: UTF8.self), true) }
            // A reset is the peer closing too (it closed with our bytes unread).
            if count < 0 { return (String(decoding: received, as: UTF8.self), errno == ECONNRESET) }
            received += buffer[0..<count]
            if let marker, String(decoding: received, as: UTF8.self).contains(marker) { break }
        }
        return (String(decoding: received, as: UTF8.self), false)
    }
}
