import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics

/// One line per request (method, path without its query, status, duration, bytes, peer, request
/// id), the request id returned as `X-Request-Id`, and byte counters for metrics. Headers are
/// never logged, so credentials and tokens cannot leak into logs.
public struct AccessLogMiddleware: RouterMiddleware {
    public typealias Context = WharfRequestContext

    let logger: Logger
    let enabled: Bool
    /// Names the real client behind trusted proxies.
    let origin: PublicOrigin
    let bytesIn = Counter(label: "wharf_http_request_bytes_total")
    let bytesOut = Counter(label: "wharf_http_response_bytes_total")

    public init(logger: Logger, enabled: Bool, origin: PublicOrigin = PublicOrigin()) {
        self.logger = logger
        self.enabled = enabled
        self.origin = origin
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Rendered here, the outermost layer, so error answers carry the request id too.
            response = try error.response(from: request, context: context)
        } catch {
            log(request, context: context, status: 500, bytes: 0, start: start)
            throw error
        }
        response.headers[HTTPField.Name("X-Request-Id")!] = context.id
        // swift-metrics traps on a negative increment; the header is the client's.
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > 0 { bytesIn.increment(by: length) }
        let sent = response.headers[.contentLength].flatMap { Int64($0) } ?? 0
        if request.method != .head, sent > 0 { bytesOut.increment(by: sent) }
        log(request, context: context, status: response.status.code, bytes: sent, start: start)
        return response
    }

    private func log(_ request: Request, context: Context, status: Int, bytes: Int64, start: ContinuousClock.Instant) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        logger.info(
            "\(request.method) \(request.uri.path) \(status)",
            metadata: [
                "request_id": "\(context.id)", "status": "\(status)", "duration_ms": "\(String(format: "%.2f", milliseconds))",
                "bytes": "\(bytes)", "peer": "\(context.remoteAddress ?? "-")",
                "client": "\(origin.clientAddress(for: request.head, peer: context.remoteAddress) ?? "-")",
                "user_agent": "\(request.headers[.userAgent] ?? "-")",
            ]
        )
    }
}
