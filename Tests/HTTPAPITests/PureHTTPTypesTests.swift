@testable import HTTPAPI
import HTTPTypes
import OCI
import Registry
import Testing

@Suite(.timeLimit(.minutes(3))) struct PureHTTPTypesTests {
    @Test func byteRangesResolveAgainstTheSize() throws {
        #expect(try ByteRangeRequest.resolve(nil, size: 100) == nil)
        #expect(try ByteRangeRequest.resolve("bytes=0-9", size: 100) == 0..<10)
        #expect(try ByteRangeRequest.resolve("bytes=90-", size: 100) == 90..<100)
        #expect(try ByteRangeRequest.resolve("bytes=90-500", size: 100) == 90..<100)
        #expect(try ByteRangeRequest.resolve("bytes=-10", size: 100) == 90..<100)
        #expect(try ByteRangeRequest.resolve("bytes=-500", size: 100) == 0..<100)
        #expect(try ByteRangeRequest.resolve("bytes=0-1,5-6", size: 100) == nil)
        for bad in ["bytes=100-", "bytes=5-2", "bytes=x-1", "items=0-1", "bytes=-0", "bytes=", "bytes=1"] {
            #expect(throws: RegistryError.self, "\(bad)") { try ByteRangeRequest.resolve(bad, size: 100) }
        }
    }

    @Test func contentRangesParseBothForms() throws {
        #expect(try ContentRange(parsing: "0-99") == ContentRange(start: 0, end: 99))
        #expect(try ContentRange(parsing: "bytes 100-199/*") == ContentRange(start: 100, end: 199))
        #expect(try ContentRange(parsing: "bytes 100-199/1000") == ContentRange(start: 100, end: 199))
        #expect(try ContentRange(parsing: "5-5").length == 1)
        for bad in ["", "100", "10-5", "-5", "a-b", "bytes 1-2/x", "1-2-3"] {
            #expect(throws: RegistryError.self, "\(bad)") { try ContentRange(parsing: bad) }
        }
    }

    @Test func manifestNegotiationFollowsAccept() {
        let oci = MediaType.ociManifest
        #expect(ManifestNegotiation.accepts([], mediaType: oci))
        #expect(ManifestNegotiation.accepts(["*/*"], mediaType: oci))
        #expect(ManifestNegotiation.accepts(["application/json"], mediaType: oci))
        #expect(ManifestNegotiation.accepts(["\(MediaType.dockerManifest), \(oci);q=0.9"], mediaType: oci))
        #expect(ManifestNegotiation.accepts([MediaType.dockerManifest, oci], mediaType: oci))
        #expect(!ManifestNegotiation.accepts([MediaType.dockerManifest], mediaType: oci))
        #expect(!ManifestNegotiation.accepts([MediaType.ociIndex], mediaType: oci))
    }

    @Test func linkHeaderEncodesTheLastItem() {
        #expect(LinkHeader.next(path: "/v2/_catalog", limit: 2, last: "a/b") == "</v2/_catalog?n=2&last=a/b>; rel=\"next\"")
        #expect(LinkHeader.next(path: "/v2/x/tags/list", limit: 5, last: "a+b") == "</v2/x/tags/list?n=5&last=a%2Bb>; rel=\"next\"")
    }

    @Test func pageRequestsValidateN() throws {
        #expect(try PageRequest(n: nil, last: nil) == PageRequest(limit: 100, last: nil))
        #expect(try PageRequest(n: "0", last: "") == PageRequest(limit: 0, last: nil))
        #expect(try PageRequest(n: "5000", last: "x") == PageRequest(limit: 1000, last: "x"))
        for bad in ["-1", "abc", "1.5", ""] {
            #expect(throws: RegistryError.self, "\(bad)") { try PageRequest(n: bad, last: nil) }
        }
    }

    @Test func theClientAddressComesFromXForwardedForOnlyBehindTrustedProxies() {
        let origin = PublicOrigin(trustedProxies: ["127.0.0.1", "10.0.0.2"])
        func head(_ forwarded: String?) -> HTTPRequest {
            var head = HTTPRequest(method: .get, scheme: "http", authority: "r", path: "/jwt/auth")
            if let forwarded { head.headerFields[HTTPField.Name("X-Forwarded-For")!] = forwarded }
            return head
        }
        #expect(origin.clientAddress(for: head("1.2.3.4"), peer: "198.51.100.1") == "198.51.100.1", "an untrusted peer cannot name another")
        #expect(origin.clientAddress(for: head(nil), peer: "127.0.0.1") == "127.0.0.1")
        #expect(origin.clientAddress(for: head("1.2.3.4"), peer: "127.0.0.1") == "1.2.3.4")
        #expect(origin.clientAddress(for: head("6.6.6.6, 1.2.3.4, 10.0.0.2"), peer: "127.0.0.1") == "1.2.3.4", "the nearest untrusted hop")
        #expect(origin.clientAddress(for: head("2001:db8::1"), peer: "127.0.0.1") == "2001:db8::1")
        #expect(origin.clientAddress(for: head("evil\nline"), peer: "127.0.0.1") == "127.0.0.1", "junk is not an address")
    }

    @Test func ifNoneMatchComparesEntityTagsWeakly() {
        let tag = "\"sha256:abc\""
        #expect(EntityTagMatch.matches(ifNoneMatch: tag, tag: tag))
        #expect(EntityTagMatch.matches(ifNoneMatch: "\"x\", W/\"sha256:abc\"", tag: tag))
        #expect(EntityTagMatch.matches(ifNoneMatch: "*", tag: tag))
        #expect(!EntityTagMatch.matches(ifNoneMatch: "\"sha256:abd\"", tag: tag))
        #expect(!EntityTagMatch.matches(ifNoneMatch: nil, tag: tag))
        #expect(!EntityTagMatch.matches(ifNoneMatch: "sha256:abc", tag: tag), "an unquoted value is another tag")
    }

    @Test func errorDetailsAreOneShortLine() {
        #expect(ErrorResponse.brief("short") == "short")
        #expect(ErrorResponse.brief("first line\nCertificateError(dump: ...)") == "first line")
        let long = ErrorResponse.brief(String(repeating: "x", count: 5000))
        #expect(long.count == ErrorResponse.maxDetail && long.hasSuffix("…"))
    }

    @Test func sendfileDirectivesRoundTrip() {
        let directive = SendfileDirective(path: "/data dir/blobs/x/data", range: 10..<110)
        #expect(SendfileDirective(headerValue: directive.headerValue) == directive)
        #expect(SendfileDirective(headerValue: "1 2 relative") == nil)
        #expect(SendfileDirective(headerValue: "-1 2 /x") == nil)
        #expect(SendfileDirective(headerValue: "garbage") == nil)
    }
}
