import Identity
import IdentityConformance
import MetadataSQLite
import Testing
import WharfTestSupport

@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct IdentityStoreTests {
    @Test(arguments: IdentityConformance.cases)
    func inMemory(_ check: IdentityConformance.Case) async throws {
        try await check.run(InMemoryIdentityStore())
    }

    @Test(arguments: IdentityConformance.cases)
    func sqlite(_ check: IdentityConformance.Case) async throws {
        try await withTemporaryDirectory { directory in
            try await check.run(SQLiteIdentityStore(database: try await SQLiteDatabase.open(path: directory + "/wharf.sqlite")))
        }
    }
}
