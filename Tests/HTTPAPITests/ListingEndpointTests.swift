import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct ListingEndpointTests {
    struct TagList: Decodable {
        let name: String
        let tags: [String]
    }

    struct Catalog: Decodable {
        let repositories: [String]
    }

    static let link = HTTPField.Name("Link")!

    @Test func tagsAreSortedAndPaged() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = try await client.pushImage("team/app", tag: "latest")
            for tag in ["v2", "v10", "alpha", "B"] {
                _ = try await client.putManifest("team/app", tag, image.manifest)
            }
            let all = try await client.execute(uri: "/v2/team/app/tags/list", method: .get)
            let list = try JSONDecoder().decode(TagList.self, from: Data(all.body.readableBytesView))
            #expect(list.name == "team/app")
            #expect(list.tags == ["B", "alpha", "latest", "v10", "v2"])
            #expect(all.headers[Self.link] == nil)

            let first = try await client.execute(uri: "/v2/team/app/tags/list?n=2", method: .get)
            #expect(try JSONDecoder().decode(TagList.self, from: Data(first.body.readableBytesView)).tags == ["B", "alpha"])
            #expect(first.headers[Self.link] == "</v2/team/app/tags/list?n=2&last=alpha>; rel=\"next\"")
            let second = try await client.execute(uri: "/v2/team/app/tags/list?n=2&last=alpha", method: .get)
            #expect(try JSONDecoder().decode(TagList.self, from: Data(second.body.readableBytesView)).tags == ["latest", "v10"])
            let last = try await client.execute(uri: "/v2/team/app/tags/list?n=2&last=v10", method: .get)
            #expect(try JSONDecoder().decode(TagList.self, from: Data(last.body.readableBytesView)).tags == ["v2"])
            #expect(last.headers[Self.link] == nil)

            let none = try await client.execute(uri: "/v2/team/app/tags/list?n=0", method: .get)
            #expect(try JSONDecoder().decode(TagList.self, from: Data(none.body.readableBytesView)).tags == [])
        }
    }

    @Test func badNIs400AndUnknownRepositoryIs404() async throws {
        try await TestRegistry.app().test(.router) { client in
            try await client.pushImage("r", tag: "v1")
            for query in ["n=-1", "n=abc"] {
                let response = try await client.execute(uri: "/v2/r/tags/list?\(query)", method: .get)
                #expect(response.status == .badRequest, "\(query)")
                #expect(errorCode(response) == "PAGINATION_NUMBER_INVALID", "\(query)")
            }
            let unknown = try await client.execute(uri: "/v2/unknown/tags/list", method: .get)
            #expect(unknown.status == .notFound)
            #expect(errorCode(unknown) == "NAME_UNKNOWN")
        }
    }

    @Test func catalogListsRepositoriesInLexicalPages() async throws {
        try await TestRegistry.app().test(.router) { client in
            for repository in ["zeta", "alpha/one", "alpha", "mid/x/y"] {
                try await client.pushBlob(repository, bytes(repository))
            }
            let all = try await client.execute(uri: "/v2/_catalog", method: .get)
            let catalog = try JSONDecoder().decode(Catalog.self, from: Data(all.body.readableBytesView))
            #expect(catalog.repositories == ["alpha", "alpha/one", "mid/x/y", "zeta"])
            let first = try await client.execute(uri: "/v2/_catalog?n=3", method: .get)
            #expect(first.headers[Self.link] == "</v2/_catalog?n=3&last=mid/x/y>; rel=\"next\"")
            let second = try await client.execute(uri: "/v2/_catalog?n=3&last=mid/x/y", method: .get)
            #expect(try JSONDecoder().decode(Catalog.self, from: Data(second.body.readableBytesView)).repositories == ["zeta"])
            let bad = try await client.execute(uri: "/v2/_catalog?n=x", method: .get)
            #expect(errorCode(bad) == "PAGINATION_NUMBER_INVALID")
        }
    }
}
