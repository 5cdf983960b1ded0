import Auth
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import HTTPAPI
import Logging
import Metadata
import OCI
import Registry
import StorageDriver
import Testing
import WharfServer

/// Protected and immutable tags as the registry enforces them from a token's patterns.
@Suite(.timeLimit(.minutes(3))) struct TagProtectionEndpointTests {
    /// A caller whose token carries the given patterns.
    struct PatternAuthorizer: RegistryAuthorizer {
        let protection: TagProtection
        func authorize(_ route: RegistryRoute, request: Request, origin: String, peer: String?) async throws -> RegistryCaller {
            RegistryCaller(principal: "dev", tagProtection: protection) { _ in true }
        }

        func authorize(accesses: [ResourceAccess], request: Request, origin: String, peer: String?) async throws -> RegistryCaller {
            RegistryCaller(principal: "dev") { _ in true }
        }
    }

    static func app(denyPush: [String] = [], denyDelete: [String] = [], immutable: [String] = []) throws -> some ApplicationProtocol {
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .warning
        let services = RegistryServices(
            driver: InMemoryDriver(), metadata: InMemoryMetadataStore(), options: RegistryOptions(deleteEnabled: true), logger: logger
        )
        let protection = try TagProtection(denyPush: denyPush, denyDelete: denyDelete, immutable: immutable)
        return WharfApplication.build(
            services: services, authorizer: PatternAuthorizer(protection: protection), address: .hostname("127.0.0.1", port: 0), logger: logger
        )
    }

    func detail(_ response: TestResponse) -> String { String(buffer: response.body) }

    @Test func protectedTagsAreNotPushedOverOrDeletedAndUnknownOnesStay404() async throws {
        try await Self.app(denyPush: ["^v\\d"], denyDelete: ["^v\\d", "-stable$"]).test(.router) { client in
            let image = try await client.pushImage("team/app", tag: "dev")
            let refused = try await client.putManifest("team/app", "v1.0", image.manifest)
            #expect(refused.status == .forbidden && errorCode(refused) == "DENIED")
            #expect(detail(refused).contains(#"tag v1.0 is protected: this token may not push tags matching \"^v\\d\""#), "\(detail(refused))")
            #expect(try await client.putManifest("team/app", "1.0-stable", image.manifest).status == .created)
            let delete = try await client.execute(uri: "/v2/team/app/manifests/1.0-stable", method: .delete)
            #expect(delete.status == .forbidden && detail(delete).contains("tag 1.0-stable is protected"))
            #expect(try await client.execute(uri: "/v2/team/app/manifests/v9", method: .delete).status == .notFound)
            let byDigest = try await client.execute(uri: "/v2/team/app/manifests/\(image.manifestDigest)", method: .delete)
            #expect(byDigest.status == .forbidden && detail(byDigest).contains("deleted by tag"))
            #expect(try await client.execute(uri: "/v2/team/app/manifests/dev", method: .delete).status == .accepted)
        }
    }

    @Test func immutableTagsAreCreatedOnceThenNeverMovedOrDeleted() async throws {
        try await Self.app(immutable: ["^release-"]).test(.router) { client in
            let first = try await client.pushImage("team/app", tag: "release-1", seed: "one")
            let second = try await client.pushImage("team/app", tag: "other", seed: "two")
            let moved = try await client.putManifest("team/app", "release-1", second.manifest)
            #expect(moved.status == .forbidden && detail(moved).contains("tag release-1 is immutable"))
            #expect(try await client.putManifest("team/app", "release-1", first.manifest).status == .created, "the same manifest again changes nothing")
            let get = try await client.execute(uri: "/v2/team/app/manifests/release-1", method: .head)
            #expect(get.headers[.dockerContentDigest] == first.manifestDigest.description)
            #expect(try await client.execute(uri: "/v2/team/app/manifests/release-1", method: .delete).status == .forbidden)
        }
    }

    /// The check is in the tag's write transaction: of pushes racing to a new immutable tag,
    /// exactly one takes it.
    @Test func concurrentPushesToANewImmutableTagLeaveOneWinner() async throws {
        try await Self.app(immutable: ["^release-"]).test(.router) { client in
            var manifests: [String] = []
            for number in 0..<8 { manifests.append(try await client.pushImage("team/app", tag: "seed-\(number)", seed: "s\(number)").manifest) }
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for manifest in manifests { group.addTask { try await client.putManifest("team/app", "release-x", manifest).status } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .created }.count == 1 && statuses.filter { $0 == .forbidden }.count == 7, "\(statuses)")
        }
    }

    @Test func aTokensPatternsAreReadForTheRoutesRepositoryOnly() throws {
        let meta = TokenClaims.Meta(tagDenyAccessPatterns: .init(push: ["^v"], delete: ["^v"]), tagImmutablePatterns: ["^r"])
        let claims = TokenClaims(
            issuer: nil, subject: "dev", audience: nil, expiresAt: nil, notBefore: nil, issuedAt: nil, id: nil,
            access: [
                .init(type: "repository", name: "team/app", actions: ["push"], meta: meta),
                .init(type: "repository", name: "team/other", actions: ["push"], meta: .init(tagImmutablePatterns: ["^x"])),
            ]
        )
        let app = try RepositoryName("team/app")
        let protection = try TokenAuthorizer.tagProtection(claims, route: .manifest(app, .tag(try Tag("v1"))))
        #expect(protection.denyPush.map(\.source) == ["^v"] && protection.immutable.map(\.source) == ["^r"])
        #expect(try TokenAuthorizer.tagProtection(claims, route: .blob(app, DigestHasher.digest([1]))).isEmpty)
        let tooMany = TokenClaims(
            issuer: nil, subject: "dev", audience: nil, expiresAt: nil, notBefore: nil, issuedAt: nil, id: nil,
            access: [.init(type: "repository", name: "team/app", actions: ["push"], meta: .init(tagImmutablePatterns: (0..<6).map { "p\($0)" }))]
        )
        #expect(throws: RegistryError.self) { try TokenAuthorizer.tagProtection(tooMany, route: .manifest(app, .tag(try Tag("v1")))) }
        let lookaround = TokenClaims(
            issuer: nil, subject: "dev", audience: nil, expiresAt: nil, notBefore: nil, issuedAt: nil, id: nil,
            access: [.init(type: "repository", name: "team/app", actions: ["push"], meta: .init(tagImmutablePatterns: ["(?=x)"]))]
        )
        #expect(throws: RegistryError.self) { try TokenAuthorizer.tagProtection(lookaround, route: .manifest(app, .tag(try Tag("v1")))) }
    }
}
