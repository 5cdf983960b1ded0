import NIOCore
import NIOPosix

/// Threads for CPU-bound work that runs for a long while in one piece — bcrypt, RSA key
/// generation: on the cooperative pool's two threads it would stall every request (and, in
/// tests, every test) until it finished.
public enum CPUWork {
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount - 1))
        pool.start()
        return pool
    }()

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(body)
    }
}
