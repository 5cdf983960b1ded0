import HTTPAPI
import HTTPTypes
import Testing

@Suite(.timeLimit(.minutes(3))) struct HTTPSRedirectTests {
    @Test func requestsGoToTheSamePathOnHTTPS() {
        let redirect = HTTPSRedirect(httpsPort: 5443, configuredBase: nil)
        #expect(redirect.target(for: HTTPRequest(method: .get, scheme: "http", authority: "registry.example.com:5080", path: "/v2/x/tags/list?n=1"))
            == "https://registry.example.com:5443/v2/x/tags/list?n=1")
        #expect(redirect.target(for: HTTPRequest(method: .get, scheme: "http", authority: "[::1]:80", path: "/v2/")) == "https://[::1]:5443/v2/")
        #expect(HTTPSRedirect(httpsPort: 443, configuredBase: nil).target(for: HTTPRequest(method: .get, scheme: "http", authority: "r.example", path: "/v2/"))
            == "https://r.example/v2/")
        #expect(HTTPSRedirect(httpsPort: 5443, configuredBase: "https://registry.example.com").target(
            for: HTTPRequest(method: .get, scheme: "http", authority: "10.0.0.1", path: "/v2/")) == "https://registry.example.com/v2/")
    }
}
