import Foundation
import HTTPAPI
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Identity
import Logging
import Metadata
import NIOCore
import Registry
import StorageDriver
import Testing
import WharfServer

@Suite(.timeLimit(.minutes(3))) struct AdminAPITests {
    static func setup() async throws -> (any ApplicationProtocol, adminToken: String, userToken: String) {
        let admin = IdentityAdmin(store: InMemoryIdentityStore(), passwords: PasswordHasher(cost: 4))
        _ = try await admin.createUser(username: "root", password: "root-password", isAdmin: true)
        _ = try await admin.createUser(username: "dev", password: "dev-password", isAdmin: false)
        let adminToken = try await admin.createPersonalAccessToken(username: "root", name: "admin", scopes: [.api], expiresInDays: 1)
        let userToken = try await admin.createPersonalAccessToken(username: "dev", name: "dev", scopes: [.api], expiresInDays: 1)
        var logger = Logger(label: "wharf-test")
        logger.logLevel = .critical
        let services = RegistryServices(driver: InMemoryDriver(), metadata: InMemoryMetadataStore(), options: RegistryOptions(), logger: logger)
        let app = WharfApplication.build(services: services, adminAPI: AdminAPI(admin: admin), address: .hostname("127.0.0.1", port: 0), logger: logger)
        return (app, adminToken.secret, userToken.secret)
    }

    static func headers(_ token: String) -> HTTPFields { [HTTPField.Name("PRIVATE-TOKEN")!: token, .contentType: "application/json"] }

    func json(_ response: TestResponse) throws -> Any { try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) }

    @Test func anAdminTokenManagesTheOrganisation() async throws {
        let (app, adminToken, _) = try await Self.setup()
        try await app.test(.router) { client in
            let h = Self.headers(adminToken)
            let user = try await client.execute(uri: "/api/v4/users", method: .post, headers: h, body: bytes(#"{"username":"ci-bot"}"#))
            #expect(user.status == .created)
            let userBody = try json(user) as? [String: Any]
            #expect(userBody?["password"] as? String != nil, "a generated password is shown once")
            #expect(try await client.execute(uri: "/api/v4/groups", method: .post, headers: h, body: bytes(#"{"path":"team"}"#)).status == .created)
            let project = try await client.execute(uri: "/api/v4/projects", method: .post, headers: h, body: bytes(#"{"path":"team/api","visibility":"internal"}"#))
            #expect(project.status == .created)
            let member = try await client.execute(
                uri: "/api/v4/members", method: .post, headers: h, body: bytes(#"{"username":"ci-bot","group":"team","role":"developer"}"#)
            )
            #expect(member.status == .created)
            let token = try await client.execute(
                uri: "/api/v4/personal_access_tokens", method: .post, headers: h,
                body: bytes(#"{"username":"ci-bot","name":"ci","scopes":["read_registry","write_registry"],"expires_in_days":30}"#)
            )
            #expect(token.status == .created)
            let tokenBody = try #require(try json(token) as? [String: Any])
            #expect((tokenBody["token"] as? String)?.hasPrefix("glpat-") == true)
            let deploy = try await client.execute(
                uri: "/api/v4/deploy_tokens", method: .post, headers: h, body: bytes(#"{"project":"team/api","name":"pull","scopes":["read_registry"]}"#)
            )
            let deployBody = try #require(try json(deploy) as? [String: Any])
            #expect((deployBody["username"] as? String)?.hasPrefix("gitlab+deploy-token-") == true)
            let id = try #require(tokenBody["id"] as? Int)
            #expect(try await client.execute(uri: "/api/v4/personal_access_tokens/\(id)", method: .delete, headers: h).status == .noContent)
            #expect(try await client.execute(uri: "/api/v4/personal_access_tokens/\(id)", method: .delete, headers: h).status == .notFound)
            let blocked = try await client.execute(uri: "/api/v4/users/ci-bot/block", method: .post, headers: h)
            let blockedBody = try json(blocked) as? [String: Any]
            #expect(blockedBody?["state"] as? String == "blocked")
            let list = try await client.execute(uri: "/api/v4/projects", method: .get, headers: h)
            let projects = try json(list) as? [[String: String]]
            #expect(projects?.first?["path"] == "team/api")
        }
    }

    @Test func storageLimitsAreSetListedAndRemovedByAnAdminOnly() async throws {
        let (app, adminToken, userToken) = try await Self.setup()
        try await app.test(.router) { client in
            let h = Self.headers(adminToken)
            let set = try await client.execute(uri: "/api/v4/registry/quotas/team", method: .put, headers: h, body: bytes(#"{"limit":"10GiB"}"#))
            #expect(set.status == .ok)
            let setBody = try #require(try json(set) as? [String: Any])
            #expect(setBody["limit"] as? Int == 10 << 30 && setBody["kind"] as? String == "namespace" && setBody["stored"] as? Int == 0)
            let project = try await client.execute(uri: "/api/v4/registry/quotas/team%2Fapp", method: .put, headers: h, body: bytes(#"{"limit":2048}"#))
            #expect((try json(project) as? [String: Any])?["kind"] as? String == "project")
            try await client.pushBlob("team/app", bytes("twelve bytes"))
            let usage = try await client.execute(uri: "/api/v4/registry/usage/team%2Fapp", method: .get, headers: h)
            let usageBody = try #require(try json(usage) as? [String: Any])
            #expect(usageBody["stored"] as? Int == 12 && usageBody["limit"] as? Int == 2048)
            let namespaces = try #require(try json(try await client.execute(uri: "/api/v4/registry/usage", method: .get, headers: h)) as? [[String: Any]])
            #expect(namespaces.map { $0["path"] as? String } == ["team"])
            let list = try #require(try json(try await client.execute(uri: "/api/v4/registry/quotas", method: .get, headers: h)) as? [String: Any])
            #expect((list["quotas"] as? [[String: Any]])?.map { $0["path"] as? String } == ["team", "team/app"])
            #expect(try await client.execute(uri: "/api/v4/registry/quotas/team", method: .delete, headers: h).status == .noContent)
            #expect(try await client.execute(uri: "/api/v4/registry/quotas/team", method: .delete, headers: h).status == .notFound)
            let bad = try await client.execute(uri: "/api/v4/registry/quotas/team", method: .put, headers: h, body: bytes(#"{"limit":"lots"}"#))
            #expect(bad.status == .badRequest)
            let badPath = try await client.execute(uri: "/api/v4/registry/quotas/Bad%20Name", method: .put, headers: h, body: bytes(#"{"limit":1}"#))
            #expect(badPath.status == .badRequest)
            let user = Self.headers(userToken)
            #expect(try await client.execute(uri: "/api/v4/registry/quotas/team", method: .put, headers: user, body: bytes(#"{"limit":1}"#)).status == .forbidden)
            #expect(try await client.execute(uri: "/api/v4/registry/usage", method: .get, headers: user).status == .forbidden)
        }
    }

    @Test func cleanupPoliciesFollowGitLabsProjectAPI() async throws {
        let (app, adminToken, userToken) = try await Self.setup()
        try await app.test(.router) { client in
            let h = Self.headers(adminToken)
            _ = try await client.execute(uri: "/api/v4/groups", method: .post, headers: h, body: bytes(#"{"path":"team"}"#))
            let created = try await client.execute(uri: "/api/v4/projects", method: .post, headers: h, body: bytes(#"{"path":"team/api"}"#))
            let id = try #require((try json(created) as? [String: Any])?["id"] as? String)
            let initial = try #require(try json(try await client.execute(uri: "/api/v4/projects/team%2Fapi", method: .get, headers: h)) as? [String: Any])
            let defaults = try #require(initial["container_expiration_policy"] as? [String: Any])
            #expect(defaults["cadence"] as? String == "1d" && defaults["enabled"] as? Bool == false && defaults["keep_n"] as? Int == 10)
            #expect(defaults["older_than"] as? String == "90d" && defaults["name_regex"] as? String == ".*")
            #expect(defaults["name_regex_keep"] is NSNull && defaults["next_run_at"] is NSNull)
            let body = #"{"container_expiration_policy_attributes":{"cadence":"1month","enabled":true,"keep_n":1,"older_than":"14d","name_regex":".*","name_regex_keep":".*-main"}}"#
            let put = try await client.execute(uri: "/api/v4/projects/\(id)", method: .put, headers: h, body: bytes(body))
            #expect(put.status == .ok)
            let policy = try #require((try json(put) as? [String: Any])?["container_expiration_policy"] as? [String: Any])
            #expect(policy["cadence"] as? String == "1month" && policy["keep_n"] as? Int == 1 && policy["name_regex_keep"] as? String == ".*-main")
            #expect(policy["next_run_at"] as? String != nil, "an enabled policy is scheduled")
            let cleared = try await client.execute(
                uri: "/api/v4/projects/team%2Fapi", method: .put, headers: h,
                body: bytes(#"{"container_expiration_policy_attributes":{"keep_n":null,"older_than":null}}"#)
            )
            let after = try #require((try json(cleared) as? [String: Any])?["container_expiration_policy"] as? [String: Any])
            #expect(after["keep_n"] is NSNull && after["older_than"] is NSNull && after["cadence"] as? String == "1month")
            let bad = try await client.execute(
                uri: "/api/v4/projects/team%2Fapi", method: .put, headers: h, body: bytes(#"{"container_expiration_policy_attributes":{"keep_n":3}}"#)
            )
            #expect(bad.status == .badRequest)
            #expect(String(buffer: bad.body).contains("keep_n 3 is not one of 1, 5, 10, 25, 50, 100"))
            let badRegex = try await client.execute(
                uri: "/api/v4/projects/team%2Fapi", method: .put, headers: h,
                body: bytes(#"{"container_expiration_policy_attributes":{"name_regex":"(?=x)"}}"#)
            )
            #expect(badRegex.status == .badRequest)
            #expect(try await client.execute(uri: "/api/v4/projects/team%2Fnone", method: .get, headers: h).status == .notFound)
            #expect(try await client.execute(uri: "/api/v4/projects/999", method: .get, headers: h).status == .notFound)
            let user = Self.headers(userToken)
            #expect(try await client.execute(uri: "/api/v4/projects/team%2Fapi", method: .put, headers: user, body: bytes(body)).status == .forbidden)
        }
    }

    @Test func tagProtectionRulesFollowGitLabsAPI() async throws {
        let (app, adminToken, userToken) = try await Self.setup()
        try await app.test(.router) { client in
            let h = Self.headers(adminToken)
            _ = try await client.execute(uri: "/api/v4/groups", method: .post, headers: h, body: bytes(#"{"path":"team"}"#))
            _ = try await client.execute(uri: "/api/v4/projects", method: .post, headers: h, body: bytes(#"{"path":"team/api"}"#))
            let rules = "/api/v4/projects/team%2Fapi/registry/protection/tag/rules"
            let created = try await client.execute(
                uri: rules, method: .post, headers: h,
                body: bytes(#"{"tag_name_pattern":"^v\\d","minimum_access_level_for_push":"maintainer","minimum_access_level_for_delete":"owner"}"#)
            )
            #expect(created.status == .created)
            let rule = try #require(try json(created) as? [String: Any])
            #expect(rule["tag_name_pattern"] as? String == "^v\\d" && rule["minimum_access_level_for_delete"] as? String == "owner")
            let immutable = try await client.execute(uri: rules, method: .post, headers: h, body: bytes(#"{"tag_name_pattern":"^release-"}"#))
            #expect((try json(immutable) as? [String: Any])?["minimum_access_level_for_push"] is NSNull)
            let listed = try #require(try json(try await client.execute(uri: rules, method: .get, headers: h)) as? [[String: Any]])
            #expect(listed.map { $0["tag_name_pattern"] as? String } == ["^v\\d", "^release-"])
            let half = try await client.execute(
                uri: rules, method: .post, headers: h, body: bytes(#"{"tag_name_pattern":"x","minimum_access_level_for_push":"maintainer"}"#)
            )
            #expect(half.status == .badRequest)
            let lookaround = try await client.execute(uri: rules, method: .post, headers: h, body: bytes(#"{"tag_name_pattern":"(?!x)"}"#))
            #expect(lookaround.status == .badRequest)
            let badLevel = try await client.execute(
                uri: rules, method: .post, headers: h,
                body: bytes(#"{"tag_name_pattern":"y","minimum_access_level_for_push":"developer","minimum_access_level_for_delete":"developer"}"#)
            )
            #expect(badLevel.status == .badRequest)
            let id = try #require(rule["id"] as? Int)
            #expect(try await client.execute(uri: "\(rules)/\(id)", method: .delete, headers: h).status == .noContent)
            #expect(try await client.execute(uri: "\(rules)/\(id)", method: .delete, headers: h).status == .notFound)
            #expect(try await client.execute(uri: rules, method: .get, headers: Self.headers(userToken)).status == .forbidden)
        }
    }

    @Test func badInputIsAClearError() async throws {
        let (app, adminToken, _) = try await Self.setup()
        try await app.test(.router) { client in
            let h = Self.headers(adminToken)
            let orphan = try await client.execute(uri: "/api/v4/projects", method: .post, headers: h, body: bytes(#"{"path":"none/app"}"#))
            #expect(orphan.status == .notFound)
            let invalid = try await client.execute(uri: "/api/v4/groups", method: .post, headers: h, body: bytes(#"{"path":"Bad Name"}"#))
            #expect(invalid.status == .badRequest)
            let garbage = try await client.execute(uri: "/api/v4/users", method: .post, headers: h, body: bytes("not json"))
            #expect(garbage.status == .badRequest)
            _ = try await client.execute(uri: "/api/v4/groups", method: .post, headers: h, body: bytes(#"{"path":"dup"}"#))
            #expect(try await client.execute(uri: "/api/v4/groups", method: .post, headers: h, body: bytes(#"{"path":"dup"}"#)).status == .conflict)
            let scope = try await client.execute(
                uri: "/api/v4/personal_access_tokens", method: .post, headers: h, body: bytes(#"{"username":"dev","name":"x","scopes":["sudo"]}"#)
            )
            #expect(scope.status == .badRequest)
        }
    }

    @Test func onlyAnAdminsAPITokenIsAdmitted() async throws {
        let (app, _, userToken) = try await Self.setup()
        try await app.test(.router) { client in
            let none = try await client.execute(uri: "/api/v4/users", method: .get)
            #expect(none.status == .unauthorized)
            let unknown = try await client.execute(uri: "/api/v4/users", method: .get, headers: Self.headers("glpat-unknown"))
            #expect(unknown.status == .unauthorized)
            let user = try await client.execute(uri: "/api/v4/users", method: .get, headers: Self.headers(userToken))
            #expect(user.status == .forbidden)
            let bearer: HTTPFields = [.authorization: "Bearer " + userToken]
            let viaBearer = try await client.execute(uri: "/api/v4/users", method: .get, headers: bearer)
            #expect(viaBearer.status == .forbidden)
        }
    }
}
