import Metadata
import MetadataConformance
import Testing

@Suite(.timeLimit(.minutes(3))) struct InMemoryMetadataStoreTests {
    @Test(arguments: MetadataConformance.cases)
    func conformance(_ check: MetadataConformance.Case) async throws {
        try await check.run(InMemoryMetadataStore())
    }
}
