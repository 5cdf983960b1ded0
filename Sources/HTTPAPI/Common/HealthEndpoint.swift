import Foundation
import HTTPTypes
import Hummingbird

/// `GET /debug/health` (Distribution's path) and `/healthz`: every check runs; 200 `{}` when all
/// pass, 503 with each failing check named and its error, as Distribution answers.
public struct HealthEndpoint: Sendable {
    public typealias Check = @Sendable () async throws -> Void

    let checks: [(name: String, check: Check)]

    public init(checks: [(name: String, check: Check)]) {
        self.checks = checks
    }

    public func register(on router: Router<WharfRequestContext>) {
        for path in ["/debug/health", "/healthz"] {
            router.get(RouterPath(path)) { _, _ in try await self.respond() }
        }
    }

    public func respond() async throws -> Response {
        var failures: [String: String] = [:]
        for (name, check) in checks {
            do {
                try await check()
            } catch {
                failures[name] = ErrorResponse.brief("\(error)")
            }
        }
        return try JSONEncoding.response(failures, status: failures.isEmpty ? .ok : .serviceUnavailable)
    }
}
