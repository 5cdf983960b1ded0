import Auth
import HTTPTypes
import OCI

/// The accesses a request needs, as Distribution decides them: GET/HEAD pull; POST/PUT/PATCH
/// pull and push; DELETE delete; a cross-repository mount also pull on its source; the catalog
/// `registry:catalog:*`; the base endpoint only a valid token. Pure: route, method, query in.
public enum AccessRequirement {
    public static func accesses(
        for route: RegistryRoute, method: HTTPRequest.Method, mountSource: String?
    ) -> [ResourceAccess] {
        switch route {
        case .base:
            return []
        case .catalog:
            return [.catalog]
        case .tags(let name), .manifest(let name, _), .invalidManifestReference(let name, _), .blob(let name, _), .uploads(let name),
            .upload(let name, _),
            .referrers(let name, _):
            var accesses: [ResourceAccess]
            switch method {
            case .get, .head, .options: accesses = [.repository(name.value, "pull")]
            case .post, .put, .patch: accesses = [.repository(name.value, "pull"), .repository(name.value, "push")]
            case .delete: accesses = [.repository(name.value, "delete")]
            default: accesses = [.repository(name.value, "pull")]
            }
            if case .uploads = route, method == .post, let mountSource, !mountSource.isEmpty, mountSource != name.value {
                accesses.append(.repository(mountSource, "pull"))
            }
            return accesses
        }
    }
}
