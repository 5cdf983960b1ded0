/// No S3 server answered (refused, reset, timed out), or the circuit is open because none did
/// recently. The driver reports it as `unavailable`: clients are told to retry.
struct S3Unreachable: Error, CustomStringConvertible {
    let endpoint: String
    let reason: String

    var description: String { "S3 endpoint \(endpoint) is unreachable: \(reason)" }
}
