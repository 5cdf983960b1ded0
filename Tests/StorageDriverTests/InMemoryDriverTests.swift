import StorageConformance
import StorageDriver
import Testing

@Suite(.timeLimit(.minutes(3))) struct InMemoryDriverTests {
    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await check.run(InMemoryDriver(chunkSize: 64 * 1024))
    }
}
