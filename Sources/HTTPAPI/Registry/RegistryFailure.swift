import HTTPTypes
import Hummingbird
import Logging
import OCI
import StorageDriver

/// Any failure of a `/v2` request as the spec's error, rendered by Hummingbird: a
/// `RegistryError` as it is, a refused token with its challenge, storage faults by kind (a
/// bad range 416, a passing outage 503 with `Retry-After`), anything else a 500 whose details
/// stay in the log.
struct RegistryFailure: HTTPResponseError {
    let error: RegistryError
    let headers: HTTPFields
    /// `Docker-Distribution-API-Version` on the answer: the `/v2` API's, not `/jwt/auth`'s.
    let isRegistryAPI: Bool

    var status: HTTPResponse.Status { HTTPResponse.Status(code: error.status) }

    init(_ error: RegistryError, headers: HTTPFields = [:], isRegistryAPI: Bool = true) {
        self.error = error
        self.headers = headers
        self.isRegistryAPI = isRegistryAPI
    }

    /// The failure a thrown error stands for; unexpected ones are logged with the path.
    init(_ thrown: any Error, logger: Logger, path: String, isRegistryAPI: Bool) {
        self.init(thrown, logger: logger, path: path)
        self = RegistryFailure(error, headers: headers, isRegistryAPI: isRegistryAPI)
    }

    init(_ thrown: any Error, logger: Logger, path: String) {
        switch thrown {
        case let failure as RegistryFailure:
            self = failure
        case let error as RegistryError:
            self.init(error, headers: error.status == 503 ? [.retryAfter: "5"] : [:])
        case let refusal as AccessRefusal:
            self.init(refusal.error, headers: refusal.headers)
        case let error as StorageDriverError where error.isInvalidRange:
            self.init(RegistryError(.rangeInvalid, detail: error.reason))
        case let error as StorageDriverError where error.isTransient:
            logger.warning("storage unavailable", metadata: ["error": "\(error)", "path": "\(path)"])
            self.init(RegistryError(.unavailable, detail: "storage is unavailable for now; retry", status: 503), headers: [.retryAfter: "5"])
        default:
            logger.error("request failed", metadata: ["error": "\(thrown)", "path": "\(path)"])
            self.init(RegistryError(.unknown, detail: "internal error; the server log has the details"))
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = ErrorResponse.response(error, method: request.method, headers: headers)
        if isRegistryAPI { response.headers[.dockerDistributionAPIVersion] = "registry/2.0" }
        return response
    }
}
