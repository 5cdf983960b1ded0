import Hummingbird
import Identity

/// The gate of `/api/v4`: an administrator's token first, then the endpoint; what the
/// endpoint throws (identity refusals, bodies that do not decode) becomes GitLab's answer.
struct AdminAPIMiddleware: RouterMiddleware {
    typealias Context = WharfRequestContext

    let authenticator: AdminAuthenticator

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await authenticator.requireAdmin(request.headers)
        do {
            return try await next(request, context)
        } catch let error as IdentityError {
            throw AdminAPIFailure(error)
        } catch let error as HTTPError where error.status == .badRequest {
            throw AdminAPIFailure(status: .badRequest, message: "the body is not the JSON this endpoint takes")
        } catch is DecodingError {
            throw AdminAPIFailure(status: .badRequest, message: "the body is not the JSON this endpoint takes")
        }
    }
}
