import StorageDriver
@testable import StorageS3
import WharfTestSupport
import Testing

/// The circuit breaker's rules, on a clock the test moves.
@Suite(.timeLimit(.minutes(1))) struct S3CircuitTests {
    @Test func itOpensAfterConsecutiveFailuresAndLetsAProbeThroughEachInterval() {
        var state = S3CircuitState(threshold: 3, probeInterval: 1)
        do { let allowed = state.allows(at: 0); #expect(allowed) }
        state.unreachable(at: 0)
        state.unreachable(at: 0.1)
        #expect(!state.isOpen)
        do { let allowed = state.allows(at: 0.2); #expect(allowed) }
        state.unreachable(at: 0.2)
        #expect(state.isOpen)
        do { let allowed = state.allows(at: 0.5); #expect(!allowed, "requests fail at once while open") }
        do { let allowed = state.allows(at: 1.3); #expect(allowed, "one probe per interval") }
        do { let allowed = state.allows(at: 1.4); #expect(!allowed) }
        state.answered()
        #expect(!state.isOpen, "the first answer closes it")
        do { let first = state.allows(at: 1.5), second = state.allows(at: 1.5); #expect(first && second) }
    }

    @Test func anAnswerBetweenFailuresResetsTheCount() {
        var state = S3CircuitState(threshold: 3, probeInterval: 1)
        state.unreachable(at: 0)
        state.unreachable(at: 0)
        state.answered()
        state.unreachable(at: 0)
        #expect(!state.isOpen)
    }
}

/// An endpoint nobody listens on: the driver's error is transient (a 503 for clients), and
/// once the circuit opens the next request fails without trying the network again.
@Suite(.timeLimit(.minutes(1))) struct S3UnreachableTests {
    @Test func aDownEndpointIsUnavailableAndTheCircuitOpens() async throws {
        let port = try FreePort.find()
        let location = try S3Location(endpoint: "http://127.0.0.1:\(port)", region: "us-east-1", bucket: "b", pathStyle: true)
        let client = S3Client(location: location, credentials: S3Credentials(accessKey: "a", secretKey: "s"), region: "us-east-1")
        let driver = S3Driver(client: client)
        // Each request tries once (async-http-client spends the connect timeout trying to
        // connect); the third failure in a row opens the circuit.
        for _ in 0..<3 {
            do {
                _ = try await driver.getContent("/docker/registry/v2/blobs/x")
                Issue.record("a read from a closed port succeeded")
            } catch let error as StorageDriverError {
                #expect(error.isTransient, "\(error)")
            }
        }
        #expect(client.circuit.isOpen)
        // Open, it lets at most one probe through per interval: two requests in a row cannot both go.
        #expect(!(client.circuit.allows() && client.circuit.allows()))
    }
}
