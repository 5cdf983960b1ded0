import Foundation
import HTTPTypes
import Hummingbird
import OCI

/// Renders failures as the spec's error body `{"errors":[{"code","message","detail"}]}`.
enum ErrorResponse {
    private struct Body: Encodable {
        struct Entry: Encodable {
            let code: String
            let message: String
            let detail: String?
        }

        let errors: [Entry]
    }

    static func response(_ error: RegistryError, method: HTTPRequest.Method, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        let status = HTTPResponse.Status(code: error.status)
        let body = Body(errors: [.init(code: error.code.rawValue, message: error.message, detail: error.detail.map(brief))])
        let bytes = (try? JSONEncoding.encoder.encode(body)) ?? Data()
        headers[.contentType] = "application/json; charset=utf-8"
        if method == .head {
            headers[.contentLength] = "0"
            return Response(status: status, headers: headers)
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Longest detail sent to a client.
    static let maxDetail = 300

    /// A detail as clients see it: its first line, at most `maxDetail` characters. Whatever a
    /// library put into an error (validation dumps, internal paths) stays in the server log.
    static func brief(_ detail: String) -> String {
        let line = detail.prefix { $0 != "\n" && $0 != "\r" }
        return line.count > maxDetail ? String(line.prefix(maxDetail - 1)) + "…" : String(line)
    }
}

/// The JSON encoder of every response: sorted keys, slashes unescaped (names contain them).
enum JSONEncoding {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func response<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok, contentType: String = "application/json", headers: HTTPFields = [:]) throws -> Response {
        let data = try encoder.encode(value)
        var headers = headers
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
