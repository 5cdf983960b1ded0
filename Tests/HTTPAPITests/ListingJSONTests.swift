import Foundation
@testable import HTTPAPI
import NIOCore
import Testing

@Suite(.timeLimit(.minutes(3))) struct ListingJSONTests {
    @Test func tagListIsValidJSONWithTheSameContent() throws {
        let buffer = ListingJSON.tagList(name: "team/app", tags: ["v1", "latest", "a.b-c_d"])
        let decoded = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
        #expect(decoded?["name"] as? String == "team/app")
        #expect(decoded?["tags"] as? [String] == ["v1", "latest", "a.b-c_d"])
    }

    @Test func emptyListsAreArrays() {
        #expect(String(buffer: ListingJSON.catalog([])) == #"{"repositories":[]}"#)
        #expect(String(buffer: ListingJSON.tagList(name: "r", tags: [])) == #"{"name":"r","tags":[]}"#)
    }

    @Test func stringsAreEscaped() throws {
        let tricky = "quote\" back\\slash \n tab\t bell\u{07} é"
        let buffer = ListingJSON.catalog([tricky])
        let decoded = try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: [String]]
        #expect(decoded?["repositories"] == [tricky])
    }
}
