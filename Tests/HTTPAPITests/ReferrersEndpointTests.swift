import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import OCI
import Testing

@Suite(.timeLimit(.minutes(3))) struct ReferrersEndpointTests {
    struct Index: Decodable {
        let schemaVersion: Int
        let mediaType: String
        let manifests: [Descriptor]
    }

    func artifact(subject: ImageFixture, type: String, emptyConfig: ByteBuffer) -> String {
        """
        {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)","artifactType":"\(type)",\
        "config":{"mediaType":"\(MediaType.ociEmptyJSON)","digest":"\(digest(emptyConfig))","size":2},"layers":[],\
        "subject":{"mediaType":"\(MediaType.ociManifest)","digest":"\(subject.manifestDigest)","size":\(subject.manifest.utf8.count)},\
        "annotations":{"created-by":"test"}}
        """
    }

    @Test func artifactsWithSubjectAreListedAndFiltered() async throws {
        try await TestRegistry.app().test(.router) { client in
            let image = try await client.pushImage("r", tag: "v1")
            let empty = bytes("{}")
            try await client.pushBlob("r", empty)
            let signature = artifact(subject: image, type: "application/vnd.example.signature", emptyConfig: empty)
            let sbom = artifact(subject: image, type: "application/spdx+json", emptyConfig: empty)
            for body in [signature, sbom] {
                let put = try await client.putManifest("r", digest(body).description, body)
                #expect(put.status == .created)
                #expect(put.headers[HTTPField.Name("OCI-Subject")!] == image.manifestDigest.description)
            }

            let all = try await client.execute(uri: "/v2/r/referrers/\(image.manifestDigest)", method: .get)
            #expect(all.status == .ok)
            #expect(all.headers[.contentType] == MediaType.ociIndex)
            let index = try JSONDecoder().decode(Index.self, from: Data(all.body.readableBytesView))
            #expect(index.schemaVersion == 2)
            #expect(Set(index.manifests.map(\.digest)) == [digest(signature), digest(sbom)])
            #expect(index.manifests.allSatisfy { $0.annotations?["created-by"] == "test" })

            let filtered = try await client.execute(
                uri: "/v2/r/referrers/\(image.manifestDigest)?artifactType=application/spdx%2Bjson", method: .get
            )
            #expect(filtered.headers[HTTPField.Name("OCI-Filters-Applied")!] == "artifactType")
            let filteredIndex = try JSONDecoder().decode(Index.self, from: Data(filtered.body.readableBytesView))
            #expect(filteredIndex.manifests.map(\.digest) == [digest(sbom)])
            #expect(filteredIndex.manifests.first?.artifactType == "application/spdx+json")
        }
    }

    @Test func unknownSubjectIsAnEmptyIndexNotA404() async throws {
        try await TestRegistry.app().test(.router) { client in
            for repository in ["r", "never/pushed"] {
                let response = try await client.execute(uri: "/v2/\(repository)/referrers/\(digest("nothing"))", method: .get)
                #expect(response.status == .ok)
                let index = try JSONDecoder().decode(Index.self, from: Data(response.body.readableBytesView))
                #expect(index.manifests.isEmpty)
                #expect(index.mediaType == MediaType.ociIndex)
            }
        }
    }
}
