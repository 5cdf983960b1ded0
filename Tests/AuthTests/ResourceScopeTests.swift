import JWTKit
import SwiftASN1
import Testing
@testable import Auth

@Suite(.timeLimit(.minutes(3))) struct ResourceScopeTests {
    @Test func parsesScopes() {
        #expect(ResourceScope(parsing: "repository:group/app:pull,push") == ResourceScope(type: "repository", name: "group/app", actions: ["pull", "push"]))
        #expect(ResourceScope(parsing: "registry:catalog:*") == ResourceScope(type: "registry", name: "catalog", actions: ["*"]))
        #expect(ResourceScope(parsing: "repository(plugin):a/b:pull")?.type == "repository")
        #expect(ResourceScope(parsing: "repository:localhost:5000/app:pull")?.name == "localhost:5000/app")
        #expect(ResourceScope(parsing: "repository:app:")?.actions == [])
        #expect(ResourceScope(parsing: "nonsense") == nil)
        #expect(ResourceScope(parsing: "repository:pull") == nil)
    }

    @Test func repeatedAndSpaceSeparatedScopesAllCount() {
        let scopes = ResourceScope.parseAll(["repository:a:pull repository:b:push", "registry:catalog:*"])
        #expect(scopes.map(\.name) == ["a", "b", "catalog"])
    }

    @Test func challengeScopesJoinActionsPerResource() {
        let scope = ResourceAccess.challengeScope([
            .repository("a", "pull"), .repository("a", "push"), .repository("b", "pull"), .repository("a", "pull"),
        ])
        #expect(scope == "repository:a:pull,push repository:b:pull")
    }
}
