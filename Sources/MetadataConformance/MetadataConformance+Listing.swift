import Metadata
import OCI

extension MetadataConformance {
    static let listingCases: [Case] = [
        Case(name: "repositories page in lexical order") { store in
            let names = ["zeta", "alpha/one", "alpha", "alpha-two", "beta/x/y"]
            for name in names {
                try await store.commitBlob(Fixture.blob("b"), in: Fixture.repo(name))
            }
            let sorted = names.sorted()
            try require(try await store.repositories(after: nil, limit: 100).map(\.value) == sorted, "full catalog")
            try require(try await store.repositories(after: nil, limit: 2).map(\.value) == Array(sorted.prefix(2)), "first page")
            try require(try await store.repositories(after: sorted[1], limit: 2).map(\.value) == Array(sorted[2..<4]), "second page")
            try require(!(try await store.repositoryExists(Fixture.repo("gamma"))), "unknown repository exists")
        },
    ]
}
