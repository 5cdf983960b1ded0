import Auth
import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Logging
import Metadata
import OCI
import Registry
import StorageDriver
import Testing
import WharfServer

/// GitLab's rename of a project's repositories (`PATCH /gitlab/v1/repositories/<path>/`).
@Suite(.timeLimit(.minutes(3))) struct GitLabRenameTests {
    static let app = try! RepositoryName("team/app")

    func request(_ body: String, dryRun: String? = nil) throws(RegistryError) -> GitLabRenameRequest {
        try GitLabRenameRequest(path: Self.app, dryRun: dryRun, body: Array(body.utf8))
    }

    func code(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as RegistryError { return error.code.rawValue } catch { return "\(error)" }
        return nil
    }

    @Test func theRequestIsCheckedAsGitLabChecksIt() throws {
        #expect(try request(#"{"name":"web"}"#).rename.target.value == "team/web")
        #expect(try request(#"{"name":"web"}"#).dryRun == false)
        #expect(try request(#"{"name":"web"}"#, dryRun: "true").dryRun == true)
        let move = try request(#"{"namespace":"team/group"}"#, dryRun: "false")
        #expect(move.rename.target.value == "team/group/app" && move.namespace == "team/group")
        #expect(code { _ = try request(#"{"name":"web"}"#, dryRun: "yes") } == "INVALID_QUERY_PARAMETER_TYPE")
        #expect(code { _ = try request("not json") } == "INVALID_JSON_BODY")
        #expect(code { _ = try request("[]") } == "INVALID_JSON_BODY")
        #expect(code { _ = try request(#"{"name":7}"#) } == "INVALID_BODY_PARAMETER_TYPE")
        #expect(code { _ = try request(#"{"name":"a","namespace":"b"}"#) } == "INVALID_BODY_PARAMETER")
        #expect(code { _ = try request("{}") } == "INVALID_BODY_PARAMETER")
        #expect(code { _ = try request(#"{"name":"Web"}"#) } == "INVALID_BODY_PARAMETER_TYPE")
        #expect(code { _ = try request(#"{"name":"a/b"}"#) } == "INVALID_BODY_PARAMETER_TYPE")
        #expect(code { _ = try request(#"{"name":"a_b"}"#) } == "INVALID_BODY_PARAMETER_TYPE", "no project name")
        #expect(code { _ = try request(#"{"name":"a--b"}"#) } == "INVALID_BODY_PARAMETER_TYPE")
        #expect(try request(#"{"name":"a.b-c"}"#).rename.target.value == "team/a.b-c")
        #expect(code { _ = try request(#"{"namespace":"other"}"#) } == "INVALID_BODY_PARAMETER", "another top-level namespace")
        #expect(code { _ = try GitLabRenameRequest(path: RepositoryName("team"), dryRun: nil, body: Array(#"{"name":"x"}"#.utf8)) }
            == "INVALID_BODY_PARAMETER", "a top-level namespace is not renamed")
        #expect(code { _ = try request(#"{"name":"app"}"#) } == "RENAME_CONFLICT", "its own name")
        #expect(code { _ = try request(#"{"namespace":"team/app/sub"}"#) } == "RENAME_CONFLICT", "into itself")
        #expect(code { _ = try GitLabRenameRequest(path: RepositoryName("team"), dryRun: nil, body: Array(#"{"namespace":"x"}"#.utf8)) }
            == "INVALID_BODY_PARAMETER", "a top-level namespace does not move")
        let long = String(repeating: "a", count: 260)
        #expect(code { _ = try request(#"{"name":"\#(long)"}"#) } == "INVALID_BODY_PARAMETER_TYPE", "too long in all")
    }

    @Test func renamedPathsMapEveryRepositoryBelowTheSource() throws {
        let rename = try RepositoryRename.renaming(Self.app, to: "web")
        #expect(try rename.renamed(RepositoryName("team/app/cache"))?.value == "team/web/cache")
        #expect(try rename.renamed(RepositoryName("team/app-x")) == nil)
        #expect(try rename.renamed(RepositoryName("team")) == nil)
        #expect(rename.renamedPath("team/app") == "team/web" && rename.renamedPath("team/apple") == nil)
        let long = try RepositoryName("team/app/" + String(repeating: "b", count: 240))
        #expect(throws: RepositoryRenameError.self) { try RepositoryRename.renaming(Self.app, to: "application").renamed(long) }
    }

    @Test func anOpenRegistryRenamesLeasesAndRefuses() async throws {
        let driver = InMemoryDriver()
        try await TestRegistry.app(driver: driver).test(.router) { client in
            let image = try await client.pushImage("team/app", tag: "v1")
            try await client.pushImage("team/app/web", tag: "main", seed: "web")
            try await client.pushImage("team/other", tag: "v1", seed: "other")
            // An upload in progress below the source ends with the rename.
            let started = try await client.execute(uri: "/v2/team/app/web/blobs/uploads/", method: .post)
            let location = try #require(started.headers[.location])
            let chunk = try await client.execute(uri: location, method: .patch, body: bytes("half a layer"))
            #expect(chunk.status == .accepted)
            let uploadID = String(location.split(separator: "/").last!.split(separator: "?").first!)
            let uploadData = RegistryLayout.uploadData(uploadID, in: try RepositoryName("team/app/web"))
            #expect(try await driver.exists(uploadData), "the chunk is stored")

            let lease = try await client.execute(uri: "/gitlab/v1/repositories/team/app/?dry_run=true", method: .patch, body: bytes(#"{"name":"renamed"}"#))
            #expect(lease.status == .accepted)
            let ttl = try #require((try JSONSerialization.jsonObject(with: Data(lease.body.readableBytesView)) as? [String: String])?["ttl"])
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let expiry = try #require(formatter.date(from: ttl)).timeIntervalSinceNow
            #expect(expiry > 50 && expiry <= 60.5, "the lease runs about a minute: \(ttl)")
            #expect(try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get).status == .ok, "a dry run renames nothing")
            let other = try await client.execute(uri: "/gitlab/v1/repositories/team/other/", method: .patch, body: bytes(#"{"name":"renamed"}"#))
            #expect(other.status == .conflict && errorCode(other) == "RENAME_CONFLICT", "leased to team/app")

            let rename = try await client.execute(uri: "/gitlab/v1/repositories/team/app/", method: .patch, body: bytes(#"{"name":"renamed"}"#))
            #expect(rename.status == .noContent)
            #expect(try await client.execute(uri: "/v2/team/app/manifests/v1", method: .get).status == .notFound)
            let moved = try await client.execute(uri: "/v2/team/renamed/manifests/v1", method: .get)
            #expect(moved.status == .ok && moved.headers[.init("Docker-Content-Digest")!] == image.manifestDigest.description)
            #expect(try await client.execute(uri: "/v2/team/renamed/blobs/\(digest(image.layer))", method: .get).body == image.layer)
            #expect(try await client.execute(uri: "/v2/team/renamed/web/manifests/main", method: .get).status == .ok)
            let tags = try await client.execute(uri: "/v2/team/renamed/tags/list", method: .get)
            #expect(String(buffer: tags.body).contains("\"v1\""))
            let resumed = try await client.execute(uri: location, method: .patch, body: bytes("the other half"))
            #expect(resumed.status == .notFound && errorCode(resumed) == "BLOB_UPLOAD_UNKNOWN", "the upload ended")
            #expect(try await !driver.exists(uploadData), "the ended upload's bytes are deleted")

            let taken = try await client.execute(uri: "/gitlab/v1/repositories/team/renamed/", method: .patch, body: bytes(#"{"name":"other"}"#))
            #expect(taken.status == .conflict && errorCode(taken) == "RENAME_CONFLICT")
            let unknown = try await client.execute(uri: "/gitlab/v1/repositories/team/none/", method: .patch, body: bytes(#"{"name":"x"}"#))
            #expect(unknown.status == .notFound && errorCode(unknown) == "NAME_UNKNOWN")
            let bad = try await client.execute(uri: "/gitlab/v1/repositories/team/renamed/", method: .patch, body: bytes("{"))
            #expect(bad.status == .badRequest && errorCode(bad) == "INVALID_JSON_BODY")

            let across = try await client.execute(uri: "/gitlab/v1/repositories/team/renamed/", method: .patch, body: bytes(#"{"namespace":"elsewhere"}"#))
            #expect(across.status == .badRequest && errorCode(across) == "INVALID_BODY_PARAMETER", "tenants keep their images")
            let move = try await client.execute(uri: "/gitlab/v1/repositories/team/renamed/", method: .patch, body: bytes(#"{"namespace":"team/group"}"#))
            #expect(move.status == .noContent)
            #expect(try await client.execute(uri: "/v2/team/group/renamed/web/manifests/main", method: .get).status == .ok)
            let details = try await client.execute(uri: "/gitlab/v1/repositories/team/group/renamed/?size=self", method: .get)
            #expect(details.status == .ok)
        }
    }

    /// GitLab's tokens: push and pull on the path, pull below it, push below a move's
    /// namespace, and `meta.project_path` naming the path.
    @Test func gitLabsTokensNeedTheScopesAndTheProjectPathClaim() async throws {
        try await CrossTenantTests.app().test(.router) { client in
            let owner = try await CrossTenantTests.token("rails", [("team/app", ["pull", "push"])])
            let image = ImageFixture(seed: "claims")
            _ = try await CrossTenantTests.push(client, "team/app", image.config, owner)
            func token(_ access: [TokenClaims.Access]) async throws -> HTTPFields {
                let issuer = try await TokenIssuer(keyPair: CrossTenantTests.keyPair, issuer: "gitlab-issuer", service: "container_registry")
                return [.authorization: "Bearer " + (try await issuer.issue(subject: nil, access: access).token)]
            }
            let meta = TokenClaims.Meta(projectPath: "team/app")
            let base = TokenClaims.Access(type: "repository", name: "team/app", actions: ["pull", "push"], meta: meta)
            let nested = TokenClaims.Access(type: "repository", name: "team/app/*", actions: ["pull"])
            let uri = "/gitlab/v1/repositories/team/app/"
            let anonymous = try await client.execute(uri: uri, method: .patch, body: bytes(#"{"name":"web"}"#))
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] != nil)
            let flat = try await client.execute(uri: uri, method: .patch, headers: try await token([base]), body: bytes(#"{"name":"web"}"#))
            #expect(flat.status == .unauthorized, "pull below the path is needed")
            var noMeta = base
            noMeta.meta = nil
            let unclaimed = try await client.execute(uri: uri, method: .patch, headers: try await token([noMeta, nested]), body: bytes(#"{"name":"web"}"#))
            #expect(unclaimed.status == .badRequest && errorCode(unclaimed) == "UNKNOWN_PROJECT_PATH_CLAIM")
            var nestedClaim = nested
            nestedClaim.meta = meta
            let onAnotherEntry = try await client.execute(uri: uri, method: .patch, headers: try await token([noMeta, nestedClaim]), body: bytes(#"{"name":"web"}"#))
            #expect(errorCode(onAnotherEntry) == "UNKNOWN_PROJECT_PATH_CLAIM", "the claim counts on the path's own entry only")
            let unauthenticatedBadBody = try await client.execute(uri: uri, method: .patch, body: bytes("{"))
            #expect(unauthenticatedBadBody.status == .unauthorized, "the token is checked before the body")
            var elsewhere = base
            elsewhere.meta = TokenClaims.Meta(projectPath: "team/other")
            let mismatch = try await client.execute(uri: uri, method: .patch, headers: try await token([elsewhere, nested]), body: bytes(#"{"name":"web"}"#))
            #expect(mismatch.status == .badRequest && errorCode(mismatch) == "MISMATCH_PROJECT_PATH_CLAIM")
            let move = try await client.execute(uri: uri, method: .patch, headers: try await token([base, nested]), body: bytes(#"{"namespace":"team/other"}"#))
            #expect(move.status == .unauthorized, "a move needs push below the namespace")
            let renamed = try await client.execute(uri: uri, method: .patch, headers: try await token([base, nested]), body: bytes(#"{"name":"web"}"#))
            #expect(renamed.status == .noContent)
            let pull = try await client.execute(
                uri: "/v2/team/web/blobs/\(digest(image.config))", method: .get, headers: try await CrossTenantTests.token("rails", [("team/web", ["pull"])])
            )
            #expect(pull.body == image.config)
            let target = TokenClaims.Access(type: "repository", name: "team/other/*", actions: ["push"])
            let webBase = TokenClaims.Access(type: "repository", name: "team/web", actions: ["pull", "push"], meta: TokenClaims.Meta(projectPath: "team/web"))
            let webNested = TokenClaims.Access(type: "repository", name: "team/web/*", actions: ["pull"])
            let moved = try await client.execute(
                uri: "/gitlab/v1/repositories/team/web/", method: .patch, headers: try await token([webBase, webNested, target]), body: bytes(#"{"namespace":"team/other"}"#)
            )
            #expect(moved.status == .noContent)
        }
    }

    /// Where Wharf issues the tokens, a rename moves images past projects' tag rules: only an
    /// administrator may, whatever the token names.
    @Test func wharfsIdentityLetsOnlyAdministratorsRename() async throws {
        let identity = try await CrossTenantTests.identity()
        _ = try await identity.createUser(username: "root", passwordHash: "-", isAdmin: true, now: 0)
        try await CrossTenantTests.app(identity: identity).test(.router) { client in
            _ = try await CrossTenantTests.push(client, "bob/app", bytes("bob's layer"), try await CrossTenantTests.bob)
            func token(_ subject: String) async throws -> HTTPFields {
                let issuer = try await TokenIssuer(keyPair: CrossTenantTests.keyPair, issuer: "gitlab-issuer", service: "container_registry")
                let access = [
                    TokenClaims.Access(type: "repository", name: "bob/app", actions: ["pull", "push"], meta: TokenClaims.Meta(projectPath: "bob/app")),
                    TokenClaims.Access(type: "repository", name: "bob/app/*", actions: ["pull"]),
                ]
                return [.authorization: "Bearer " + (try await issuer.issue(subject: subject, access: access).token)]
            }
            let uri = "/gitlab/v1/repositories/bob/app/"
            let owner = try await client.execute(uri: uri, method: .patch, headers: try await token("bob"), body: bytes(#"{"name":"web"}"#))
            #expect(owner.status == .forbidden && errorCode(owner) == "DENIED")
            let nowhere = try await client.execute(uri: uri, method: .patch, headers: try await token("root"), body: bytes(#"{"name":"web"}"#))
            #expect(nowhere.status == .forbidden, "the target must be a project, whose tag rules then apply")
            _ = try await identity.createProject(path: "bob/web", visibility: .private)
            let admin = try await client.execute(uri: uri, method: .patch, headers: try await token("root"), body: bytes(#"{"name":"web"}"#))
            #expect(admin.status == .noContent)
        }
    }
}

/// Every `/gitlab/v1` read and the scopes it needs, with GitLab's tokens.
@Suite(.timeLimit(.minutes(3))) struct GitLabAPIAuthTests {
    func token(_ access: [(String, [String])]) async throws -> HTTPFields {
        try await CrossTenantTests.token("rails", access)
    }

    @Test func eachEndpointNeedsItsScopes() async throws {
        try await CrossTenantTests.app().test(.router) { client in
            let owner = try await token([("team/app", ["pull", "push"]), ("team/app/web", ["pull", "push"])])
            for repository in ["team/app", "team/app/web"] {
                let layer = bytes("layer of \(repository)")
                _ = try await CrossTenantTests.push(client, repository, layer, owner)
                let manifest = """
                    {"schemaVersion":2,"mediaType":"\(MediaType.ociManifest)",\
                    "config":{"mediaType":"\(MediaType.ociEmptyJSON)","digest":"\(digest(layer))","size":\(layer.readableBytes)},"layers":[]}
                    """
                var headers = owner
                headers[.contentType] = MediaType.ociManifest
                let put = try await client.execute(uri: "/v2/\(repository)/manifests/v1", method: .put, headers: headers, body: bytes(manifest))
                #expect(put.status == .created)
            }
            let cases: [(uri: String, enough: [(String, [String])], short: [(String, [String])])] = [
                ("/gitlab/v1/", [], []),
                ("/gitlab/v1/repositories/team/app/", [("team/app", ["pull"])], [("team/other", ["pull"])]),
                ("/gitlab/v1/repositories/team/app/?size=self", [("team/app", ["pull"])], [("team/app/web", ["pull"])]),
                ("/gitlab/v1/repositories/team/app/?size=self_with_descendants", [("team/app", ["pull"]), ("team/app/*", ["pull"])], [("team/app", ["pull"])]),
                ("/gitlab/v1/repositories/team/app/tags/list/", [("team/app", ["pull"])], [("team/app", ["push"])]),
                ("/gitlab/v1/repository-paths/team/app/repositories/list/", [("team/app", ["pull"]), ("team/app/*", ["pull"])], [("team/app", ["pull"])]),
            ]
            for check in cases {
                let anonymous = try await client.execute(uri: check.uri, method: .get)
                #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] != nil, "\(check.uri) without a token")
                let allowed = try await client.execute(uri: check.uri, method: .get, headers: try await token(check.enough))
                #expect(allowed.status == .ok, "\(check.uri) with \(check.enough)")
                if !check.short.isEmpty {
                    let refused = try await client.execute(uri: check.uri, method: .get, headers: try await token(check.short))
                    #expect(refused.status == .unauthorized && errorCode(refused) == "UNAUTHORIZED", "\(check.uri) with \(check.short)")
                }
            }
        }
    }
}
