import Foundation
import Metadata
import MetadataConformance
import MetadataSQLite
import OCI
import Testing
import WharfTestSupport

@Suite(.timeLimit(.minutes(3))) struct SQLiteMetadataStoreTests {
    @Test(arguments: MetadataConformance.cases)
    func conformance(_ check: MetadataConformance.Case) async throws {
        try await withTemporaryDirectory { directory in
            try await check.run(SQLiteMetadataStore(path: directory + "/metadata.sqlite"))
        }
    }

    @Test func dataSurvivesReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/metadata.sqlite"
            let repo = try RepositoryName("team/app")
            let digest = DigestHasher.digest(Array("layer".utf8))
            do {
                let store = try SQLiteMetadataStore(path: path)
                try await store.commitBlob(BlobRecord(digest: digest, size: 5, createdAt: 1), in: repo)
                try await store.createUpload(UploadRecord(id: "u1", repository: repo, startedAt: 2))
                try store.close()
            }
            let reopened = try SQLiteMetadataStore(path: path)
            #expect(try await reopened.blob(digest, in: repo)?.size == 5)
            #expect(try await reopened.upload("u1")?.repository == repo)
        }
    }

    @Test func usesWriteAheadLogging() async throws {
        try await withTemporaryDirectory { directory in
            let store = try SQLiteMetadataStore(path: directory + "/metadata.sqlite")
            #expect(try store.journalMode() == "wal")
        }
    }
}
