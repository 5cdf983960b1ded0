import HTTPTypes

/// A refusal of the admin API, rendered as GitLab does: `{"message": ...}`.
struct AdminAPIFailure: Error {
    let status: HTTPResponse.Status
    let message: String
}
