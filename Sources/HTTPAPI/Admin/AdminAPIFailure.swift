import HTTPTypes
import Hummingbird
import Identity

/// A refusal of the admin API, rendered by Hummingbird as GitLab renders it: `{"message": ...}`.
struct AdminAPIFailure: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String

    init(status: HTTPResponse.Status, message: String) {
        self.status = status
        self.message = message
    }

    /// The identity layer's refusals with GitLab's statuses.
    init(_ error: IdentityError) {
        switch error {
        case .invalidInput(let message): self.init(status: .badRequest, message: message)
        case .notFound(let message): self.init(status: .notFound, message: message)
        case .conflict(let message): self.init(status: .conflict, message: message)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try JSONEncoding.response(["message": message], status: status)
    }
}
