import Crypto
import HummingbirdBcrypt
import NIOConcurrencyHelpers

/// bcrypt (hummingbird-auth) for stored passwords, with a short memory of recent successful
/// checks: a CI job logs in for every pull and push, and bcrypt is meant to be slow. The memory
/// is keyed by the stored hash too, so a changed password is checked afresh.
public final class PasswordHasher: Sendable {
    public let cost: UInt8
    private let recent = NIOLockedValueBox<[[UInt8]: Double]>([:])
    private let memorySeconds: Double

    public init(cost: UInt8 = 10, memorySeconds: Double = 300) {
        self.cost = cost
        self.memorySeconds = memorySeconds
    }

    public func hash(_ password: String) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public func verify(_ password: String, hash: String, now: Double) -> Bool {
        let key = Array(SHA256.hash(data: Array((hash + "\u{0}" + password).utf8)))
        if let until = recent.withLockedValue({ $0[key] }), now < until { return true }
        guard Bcrypt.verify(password, hash: hash) else { return false }
        recent.withLockedValue { entries in
            if entries.count > 10_000 { entries = entries.filter { $0.value > now } }
            entries[key] = now + memorySeconds
        }
        return true
    }
}
