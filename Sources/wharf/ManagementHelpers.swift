import ArgumentParser
import Foundation
import Identity

/// Runs a management action, turning identity errors into a one-line failure (no usage text:
/// the command was well formed, the data said no).
func manage(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as IdentityError {
        throw CommandFailure(description: error.description)
    }
}

/// A failure printed as `Error: <description>` with exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
}

/// A time for humans, or "never".
func formatted(_ time: Double?) -> String {
    guard let time else { return "never" }
    return Date(timeIntervalSince1970: time).formatted(.iso8601)
}
