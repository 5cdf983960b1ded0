import Metadata
import OCI

extension MetadataConformance {
    static let tagCases: [Case] = [
        Case(name: "deleting a tag keeps the manifest") { store in
            let repo = Fixture.repo("r")
            try await store.putManifest(Fixture.manifest("m"), references: .init(), in: repo, tag: Fixture.tag("v1"))
            try require(try await store.deleteTag(Fixture.tag("v1"), in: repo), "delete reported nothing")
            try require(try await store.manifest(.tag(Fixture.tag("v1")), in: repo) == nil, "tag remained")
            try require(try await store.manifest(.digest(Fixture.digest("m")), in: repo) != nil, "manifest lost with its tag")
            try require(!(try await store.deleteTag(Fixture.tag("v1"), in: repo)), "second delete reported a tag")
        },
        Case(name: "tags page in lexical order after the last one") { store in
            let repo = Fixture.repo("r")
            let names = ["b", "a", "C", "a1", "latest", "v1.0", "v1.10", "v1.2"]
            for name in names {
                try await store.putManifest(Fixture.manifest("m"), references: .init(), in: repo, tag: Fixture.tag(name))
            }
            let sorted = names.sorted()
            try require(try await store.tags(in: repo, after: nil, limit: 100).map(\.value) == sorted, "full list")
            try require(try await store.tags(in: repo, after: nil, limit: 3).map(\.value) == Array(sorted.prefix(3)), "first page")
            let page = try await store.tags(in: repo, after: sorted[2], limit: 3).map(\.value)
            try require(page == Array(sorted[3..<6]), "second page \(page)")
            try require(try await store.tags(in: repo, after: sorted.last, limit: 3).isEmpty, "page after the end")
            try require(try await store.tags(in: Fixture.repo("none"), after: nil, limit: 3).isEmpty, "tags of no repository")
        },
    ]
}
