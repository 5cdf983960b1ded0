import Crypto
import Foundation
import WharfTestSupport

/// One-shot HTTP/1.1 exchanges over a raw socket, for tests that must control every byte
/// (announced lengths, chunk ranges) of what reaches a server process.
enum RawHTTP {
    static func sha256(_ data: Data) -> String {
        "sha256:" + SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }

    /// Sends one request and returns the response head (and body, when small), or what came
    /// before `timeoutSeconds` of silence (a commit on moto, busy with other suites, took 30 s).
    static func request(_ port: Int, _ head: String, body: Data = Data(), timeoutSeconds: Int = 120) async throws -> String {
        let connection = try RawConnection(port: port, timeoutSeconds: timeoutSeconds)
        try await connection.send(head)
        if !body.isEmpty { try await connection.send(Array(body)) }
        return await connection.read(until: "\r\n\r\n").text
    }

    static func header(_ name: String, in response: String) -> String? {
        response.split(separator: "\r\n").first { $0.lowercased().hasPrefix(name.lowercased() + ":") }
            .map { String($0.drop { $0 != ":" }.dropFirst()).trimmingCharacters(in: .whitespaces) }
    }
}
