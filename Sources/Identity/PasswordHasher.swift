import Crypto
import HummingbirdBcrypt
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// bcrypt (hummingbird-auth) for stored passwords, on CPUWork's threads (one fewer than the
/// cores, at least one): bcrypt is meant to be slow, and on the two threads of the cooperative
/// pool one login would stall half the server; with as many bcrypt threads as cores, clients
/// failing logins in a loop would take every core from the event loops (manifest GET p99 2.25×
/// its idle value on two cores), so one core always stays free. A short memory of recent
/// successful checks spares a CI job that logs in for every pull and push; it is keyed by the
/// stored hash too, so a changed password is checked afresh.
public final class PasswordHasher: Sendable {
    public let cost: UInt8
    private let recent = NIOLockedValueBox<[[UInt8]: Double]>([:])
    private let memorySeconds: Double
    /// A hash of nothing anyone knows, checked when there is no real one (unknown or blocked
    /// users, wrong tokens), so a failed login costs one bcrypt whatever made it fail. Made on
    /// first need, off the cooperative pool.
    private let dummyHash = NIOLockedValueBox<String?>(nil)
    private let checks = NIOLockedValueBox(0)

    public init(cost: UInt8 = 10, memorySeconds: Double = 300) {
        self.cost = cost
        self.memorySeconds = memorySeconds
    }

    /// bcrypt checks made (real and dummy), for tests of equal login cost.
    public var bcryptChecks: Int { checks.withLockedValue { $0 } }

    public func hash(_ password: String) async throws -> String {
        let cost = cost
        return try await CPUWork.run { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String, now: Double) async throws -> Bool {
        let key = Array(SHA256.hash(data: Array((hash + "\u{0}" + password).utf8)))
        if let until = recent.withLockedValue({ $0[key] }), now < until { return true }
        let checks = checks
        guard try await CPUWork.run({
            checks.withLockedValue { $0 += 1 }
            return Bcrypt.verify(password, hash: hash)
        }) else { return false }
        recent.withLockedValue { entries in
            if entries.count > 10_000 { entries = entries.filter { $0.value > now } }
            entries[key] = now + memorySeconds
        }
        return true
    }

    /// Spends the time of one real check and fails: login timing does not tell an unknown
    /// username from a known one.
    public func verifyNothing(_ password: String) async throws {
        let cost = cost, made = dummyHash.withLockedValue { $0 }, checks = checks
        if let made {
            _ = try await CPUWork.run {
                checks.withLockedValue { $0 += 1 }
                return Bcrypt.verify(password, hash: made)
            }
        } else {
            // The first refusal makes the hash: one bcrypt, as every later refusal costs.
            let hash = try await CPUWork.run {
                checks.withLockedValue { $0 += 1 }
                return Bcrypt.hash(SecretGenerator.make(prefix: "dummy-"), cost: cost)
            }
            dummyHash.withLockedValue { if $0 == nil { $0 = hash } }
        }
    }
}
