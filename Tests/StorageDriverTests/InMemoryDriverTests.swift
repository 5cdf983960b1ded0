import StorageConformance
import StorageDriver
import Testing

@Suite struct InMemoryDriverTests {
    @Test(arguments: StorageConformance.cases)
    func conformance(_ check: StorageConformance.Case) async throws {
        try await check.run(InMemoryDriver(chunkSize: 64 * 1024))
    }
}
