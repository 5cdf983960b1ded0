import Foundation
import GRDB
import Metadata
import MetadataConformance
@testable import MetadataSQLite
import OCI
import Testing
import WharfTestSupport

@Suite(.backgroundPriority, .timeLimit(.minutes(3))) struct SQLiteMetadataStoreTests {
    @Test(arguments: MetadataConformance.cases)
    func conformance(_ check: MetadataConformance.Case) async throws {
        try await withTemporaryDirectory { directory in
            try await check.run(SQLiteMetadataStore.open(path: directory + "/metadata.sqlite"))
        }
    }

    @Test func dataSurvivesReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/metadata.sqlite"
            let repo = try RepositoryName("team/app")
            let digest = DigestHasher.digest(Array("layer".utf8))
            do {
                let store = try await SQLiteMetadataStore.open(path: path)
                try await store.commitBlob(BlobRecord(digest: digest, size: 5, createdAt: 1), in: repo)
                try await store.createUpload(UploadRecord(id: "u1", repository: repo, startedAt: 2))
                try store.close()
            }
            let reopened = try await SQLiteMetadataStore.open(path: path)
            #expect(try await reopened.blob(digest, in: repo)?.size == 5)
            #expect(try await reopened.upload("u1")?.repository == repo)
        }
    }

    /// A database written before usage was counted gets its counts from the links it holds.
    @Test func usageIsCountedFromTheLinksOfAnOlderDatabase() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory + "/metadata.sqlite"
            let aa = DigestHasher.digest(Array("aa".utf8)), bb = DigestHasher.digest(Array("bb".utf8))
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v5-collection")
            try await queue.write { db in
                try db.execute(sql: "INSERT INTO repositories (id, name, created_at) VALUES (1, 'team/a', 1), (2, 'team/b', 1), (3, 'solo', 1)")
                try db.execute(sql: "INSERT INTO blobs (digest, size, created_at) VALUES (?, 100, 1), (?, 7, 1)", arguments: [aa.description, bb.description])
                try db.execute(
                    sql: "INSERT INTO repository_blobs (repository_id, digest, created_at) VALUES (1, ?1, 1), (2, ?1, 1), (2, ?2, 1), (3, ?2, 1)",
                    arguments: [aa.description, bb.description]
                )
            }
            try queue.close()
            let store = try await SQLiteMetadataStore.open(path: path)
            var stored: [Int64] = []
            for path in ["team", "team/a", "team/b", "solo"] { stored.append(try await store.usage(of: path, quota: .none).stored) }
            #expect(stored == [107, 100, 107, 7])
            // The counts go on from there: removing the only link of `bb` in team frees it there.
            _ = try await store.unlinkBlob(bb, from: RepositoryName("team/b"))
            #expect(try await store.usage(of: "team", quota: .none).stored == 100)
            #expect(try await store.usage(of: "solo", quota: .none).stored == 7)
        }
    }

    @Test func usesWriteAheadLogging() async throws {
        try await withTemporaryDirectory { directory in
            let store = try await SQLiteMetadataStore.open(path: directory + "/metadata.sqlite")
            #expect(try store.journalMode() == "wal")
        }
    }
}
