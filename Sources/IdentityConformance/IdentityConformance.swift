import Identity

/// The shared test suite every identity store passes; each case gets a fresh, empty store.
public enum IdentityConformance {
    public struct Case: Sendable, CustomStringConvertible {
        public let name: String
        let body: @Sendable (any IdentityStore) async throws -> Void

        public func run(_ store: any IdentityStore) async throws {
            try await body(store)
        }

        public var description: String { name }
    }

    public static let cases: [Case] = userCases + namespaceCases + membershipCases + tokenCases + tagRuleCases
}

public struct IdentityConformanceFailure: Error, CustomStringConvertible {
    public let description: String
}

func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
    if !condition { throw IdentityConformanceFailure(description: message()) }
}

/// Requires `body` to throw an `IdentityError` of the kind `matches` accepts.
func requireRefusal(_ what: String, _ matches: (IdentityError) -> Bool, _ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let error as IdentityError {
        try require(matches(error), "\(what): wrong error \(error)")
        return
    }
    throw IdentityConformanceFailure(description: "\(what) was accepted")
}

extension IdentityError {
    var isConflict: Bool { if case .conflict = self { true } else { false } }
    var isNotFound: Bool { if case .notFound = self { true } else { false } }
    var isInvalid: Bool { if case .invalidInput = self { true } else { false } }
}
