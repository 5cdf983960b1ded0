/// Route names for metrics and logs: the endpoint, not the repository, so label sets stay small.
extension RegistryRoute {
    public var template: String {
        switch self {
        case .base: "/v2/"
        case .catalog: "/v2/_catalog"
        case .tags: "/v2/{name}/tags/list"
        case .manifest, .invalidManifestReference: "/v2/{name}/manifests/{reference}"
        case .blob: "/v2/{name}/blobs/{digest}"
        case .uploads: "/v2/{name}/blobs/uploads/"
        case .upload: "/v2/{name}/blobs/uploads/{uuid}"
        case .referrers: "/v2/{name}/referrers/{digest}"
        }
    }
}
