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
        },
    ]
}
