import Metadata
import OCI

extension MetadataConformance {
    static let uploadCases: [Case] = [
        Case(name: "upload sessions are created, found, listed by age and deleted") { store in
            let old = UploadRecord(id: "u-old", repository: Fixture.repo("r"), startedAt: 100)
            let new = UploadRecord(id: "u-new", repository: Fixture.repo("r/s"), startedAt: 900)
            try await store.createUpload(old)
            try await store.createUpload(new)
            try require(try await store.upload("u-old") == old, "session not found")
            try require(try await store.upload("u-none") == nil, "unknown session found")
            try require(try await store.uploads(startedBefore: 500) == [old], "sessions before 500")
            try await store.deleteUpload("u-old")
            try require(try await store.upload("u-old") == nil, "deleted session found")
            try require(try await store.uploads(startedBefore: 1000) == [new], "sessions after delete")
            try require(try await store.uploadCount() == 1, "open sessions counted")
        },
        Case(name: "upload sessions are limited per repository and per owner") { store in
            let limit = UploadLimit(perRepository: 2, perOwner: 3)
            func open(_ id: String, _ repository: String, _ owner: String?) async throws {
                try await store.createUpload(UploadRecord(id: id, repository: Fixture.repo(repository), startedAt: 1, owner: owner), limit: limit)
            }
            func refused(_ id: String, _ repository: String, _ owner: String?) async throws -> Bool {
                do { try await open(id, repository, owner) } catch MetadataError.tooManyUploads { return true }
                return false
            }
            try await open("a1", "a", "alice")
            try await open("a2", "a", "bob")
            try require(try await refused("a3", "a", "carol"), "a third session in a repository limited to 2")
            try await open("b1", "b", "alice")
            try await open("c1", "c", "alice")
            try require(try await refused("d1", "d", "alice"), "a fourth session of an owner limited to 3")
            try await open("d2", "d", nil)
            try require(try await store.upload("a1")?.owner == "alice", "the owner was not kept")
            try await store.deleteUpload("a1")
            try await open("a4", "a", "alice")
            let refusedSessions = [try await store.upload("a3"), try await store.upload("d1")]
            try require(refusedSessions == [nil, nil], "a refused session was created")
        },
    ]
}
