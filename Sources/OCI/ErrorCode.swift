/// The error codes of the distribution spec (plus the few Distribution adds), with their
/// canonical message and HTTP status, declared as data so every layer answers the same way.
public enum ErrorCode: String, Sendable, CaseIterable, Codable {
    case blobUnknown = "BLOB_UNKNOWN"
    case blobUploadInvalid = "BLOB_UPLOAD_INVALID"
    case blobUploadUnknown = "BLOB_UPLOAD_UNKNOWN"
    case digestInvalid = "DIGEST_INVALID"
    case manifestBlobUnknown = "MANIFEST_BLOB_UNKNOWN"
    case manifestInvalid = "MANIFEST_INVALID"
    case manifestUnknown = "MANIFEST_UNKNOWN"
    case nameInvalid = "NAME_INVALID"
    case nameUnknown = "NAME_UNKNOWN"
    case sizeInvalid = "SIZE_INVALID"
    case tagInvalid = "TAG_INVALID"
    case unauthorized = "UNAUTHORIZED"
    case denied = "DENIED"
    case unsupported = "UNSUPPORTED"
    case tooManyRequests = "TOOMANYREQUESTS"
    case paginationNumberInvalid = "PAGINATION_NUMBER_INVALID"
    case rangeInvalid = "RANGE_INVALID"
    case unavailable = "UNAVAILABLE"
    case unknown = "UNKNOWN"
    // GitLab's `/gitlab/v1` API adds these.
    case invalidQueryParameterValue = "INVALID_QUERY_PARAMETER_VALUE"
    case invalidQueryParameterType = "INVALID_QUERY_PARAMETER_TYPE"
    case notImplemented = "NOT_IMPLEMENTED"
    case invalidBodyParameter = "INVALID_BODY_PARAMETER"
    case invalidBodyParameterType = "INVALID_BODY_PARAMETER_TYPE"
    case invalidJSONBody = "INVALID_JSON_BODY"
    case unknownProjectPathClaim = "UNKNOWN_PROJECT_PATH_CLAIM"
    case mismatchProjectPathClaim = "MISMATCH_PROJECT_PATH_CLAIM"
    case renameConflict = "RENAME_CONFLICT"
    case exceedsLimits = "EXCEEDS_LIMITS"

    /// The spec's message for the code.
    public var message: String {
        switch self {
        case .blobUnknown: "blob unknown to registry"
        case .blobUploadInvalid: "blob upload invalid"
        case .blobUploadUnknown: "blob upload unknown to registry"
        case .digestInvalid: "provided digest did not match uploaded content"
        case .manifestBlobUnknown: "manifest references a manifest or blob unknown to registry"
        case .manifestInvalid: "manifest invalid"
        case .manifestUnknown: "manifest unknown to registry"
        case .nameInvalid: "invalid repository name"
        case .nameUnknown: "repository name not known to registry"
        case .sizeInvalid: "provided length did not match content length"
        case .tagInvalid: "manifest tag did not match URI"
        case .unauthorized: "authentication required"
        case .denied: "requested access to the resource is denied"
        case .unsupported: "the operation is unsupported"
        case .tooManyRequests: "too many requests"
        case .paginationNumberInvalid: "invalid number of results requested"
        case .rangeInvalid: "invalid content range"
        case .unavailable: "service unavailable"
        case .unknown: "unknown error"
        case .invalidQueryParameterValue: "the value of a query parameter is invalid"
        case .invalidQueryParameterType: "the value of a query parameter is of the wrong type"
        case .notImplemented: "not implemented"
        case .invalidBodyParameter: "a value of the request body parameter is invalid"
        case .invalidBodyParameterType: "a value of the request body parameter is of an invalid type"
        case .invalidJSONBody: "the body of the request is an invalid JSON"
        case .unknownProjectPathClaim: "the value of meta.project_path token claim is not found"
        case .mismatchProjectPathClaim:
            "the value of meta.project_path token claim is not assigned to the repository that operation is attempting to rename"
        case .renameConflict: "the base repository name is already taken"
        case .exceedsLimits: "the base repository requested path contains too many sub-repositories for the operation to be executed"
        }
    }

    /// The status Distribution answers with for the code.
    public var status: Int {
        switch self {
        case .blobUnknown, .blobUploadUnknown, .manifestUnknown, .nameUnknown: 404
        case .blobUploadInvalid, .digestInvalid, .manifestBlobUnknown, .manifestInvalid, .nameInvalid,
            .sizeInvalid, .tagInvalid, .paginationNumberInvalid, .invalidQueryParameterValue, .invalidQueryParameterType,
            .invalidBodyParameter, .invalidBodyParameterType, .invalidJSONBody, .unknownProjectPathClaim, .mismatchProjectPathClaim:
            400
        case .unauthorized: 401
        case .denied: 403
        case .unsupported: 405
        case .renameConflict: 409
        case .rangeInvalid: 416
        case .exceedsLimits: 422
        case .tooManyRequests: 429
        case .unavailable: 503
        case .unknown: 500
        case .notImplemented: 501
        }
    }
}
