import Foundation
import StorageGCS
import Testing
import WharfTestSupport

/// The assertion beside Google's own: runs google-auth in python (seconds of start-up), so in
/// the background.
@Suite(
    .backgroundPriority, .timeLimit(.minutes(3)),
    .enabled("google-auth is not installed (pip install google-auth)") { await Tool.pythonModulesAvailable("google.oauth2") }
)
struct GoogleAuthInteropTests {
    /// google-auth, Google's own Python library, signs the same claims for the same key: the
    /// header and claim names agree, and the values but for Wharf's 10 s backdating.
    @Test func googleAuthSignsTheSameClaims() async throws {
        let info: [String: String] = [
            "type": "service_account", "client_email": GCSAssertionTests.account.clientEmail, "private_key": KeyFixtures.rsa.privateKeyPEM,
            "private_key_id": "key-1", "token_uri": "https://oauth2.googleapis.com/token",
        ]
        let script = """
            import json, sys
            from google.oauth2 import service_account
            info = json.loads(sys.argv[1])
            credentials = service_account.Credentials.from_service_account_info(info, scopes=[sys.argv[2]])
            assertion = credentials._make_authorization_grant_assertion()
            print(assertion.decode() if isinstance(assertion, bytes) else assertion)
            """
        let output = try await Command.run([
            "python3", "-c", script, String(decoding: try JSONSerialization.data(withJSONObject: info), as: UTF8.self),
            "https://www.googleapis.com/auth/devstorage.read_write",
        ])
        let theirs = output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let theirIssue = try #require(try GCSAssertionTests.part(theirs, 1)["iat"] as? Int)
        // Signed at the moment google-auth signed, so the claims compare exactly.
        let ours = try await GCSAssertion(account: GCSAssertionTests.account).signed(now: Date(timeIntervalSince1970: Double(theirIssue)))
        let (theirHeader, ourHeader) = (try GCSAssertionTests.part(theirs, 0), try GCSAssertionTests.part(ours, 0))
        #expect(Set(theirHeader.keys) == Set(ourHeader.keys))
        for key in theirHeader.keys { #expect(theirHeader[key] as? String == ourHeader[key] as? String, "header \(key)") }
        let (theirClaims, ourClaims) = (try GCSAssertionTests.part(theirs, 1), try GCSAssertionTests.part(ours, 1))
        #expect(Set(theirClaims.keys) == Set(ourClaims.keys))
        for key in ["iss", "scope", "aud"] { #expect(theirClaims[key] as? String == ourClaims[key] as? String, "claim \(key)") }
        let theirLifetime = try #require(theirClaims["exp"] as? Int) - (try #require(theirClaims["iat"] as? Int))
        let ourLifetime = try #require(ourClaims["exp"] as? Int) - (try #require(ourClaims["iat"] as? Int))
        #expect(theirLifetime == ourLifetime)
        #expect(ourClaims["iat"] as? Int == theirIssue - 10, "Wharf backdates by 10 s, as Go's oauth2 does")
    }
}
