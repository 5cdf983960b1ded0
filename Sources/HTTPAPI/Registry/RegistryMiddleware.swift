import HTTPTypes
import Hummingbird
import Logging
import Metrics
import OCI
import Registry
import StorageDriver

/// Serves every `/v2` request: parses the route, asks the authorizer, dispatches to the
/// endpoint's controller; failures are thrown as `RegistryFailure` (the spec's errors,
/// rendered by Hummingbird). Other paths go on to the router.
public struct RegistryMiddleware: RouterMiddleware {
    public typealias Context = WharfRequestContext

    public let services: RegistryServices
    let authorizer: any RegistryAuthorizer
    let origin: PublicOrigin
    /// `storage.maintenance.readonly.enabled`: refuse every write, serve reads.
    let readOnly: Bool
    let blobs: BlobController
    let uploads: UploadController
    let manifests: ManifestController
    let listings: ListingController
    let gitLab: GitLabAPI
    /// What `GET /v2/` tells GitLab's Rails side about this registry.
    let version: String
    let authorizationFailures = Counter(label: "wharf_auth_failures_total", dimensions: [("endpoint", "registry")])

    public init(
        services: RegistryServices, authorizer: any RegistryAuthorizer = OpenAccess(), origin: PublicOrigin = PublicOrigin(),
        readOnly: Bool = false, version: String = "0.0.0"
    ) {
        self.services = services
        self.version = version
        gitLab = GitLabAPI(
            metadata: services.metadata, quotas: services.quotas, renamer: services.renamer, readOnly: readOnly, authorizer: authorizer,
            version: version
        )
        self.authorizer = authorizer
        self.origin = origin
        self.readOnly = readOnly
        blobs = BlobController(services: services)
        uploads = UploadController(services: services, origin: origin)
        manifests = ManifestController(services: services, origin: origin)
        listings = ListingController(services: services)
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix(GitLabRoute.prefix) { return try await handleGitLab(request, context: context, next: next) }
        let parsed: RegistryRoute?
        do {
            parsed = try RegistryRoute(path: request.uri.path)
        } catch {
            throw RegistryFailure(error)
        }
        guard let route = parsed else { return try await next(request, context) }
        context.coreContext.endpointPath.value = route.template
        do {
            let base = origin.requestBase(for: request.head, peer: context.remoteAddress)
            let caller = try await authorizer.authorize(
                route, request: request, origin: base ?? origin.baseURL(for: request.head, peer: nil), peer: context.remoteAddress
            )
            if readOnly, [.post, .put, .patch, .delete].contains(request.method) {
                throw RegistryError(.unsupported, detail: "the registry is in read-only mode (storage.maintenance.readonly); reads work")
            }
            return finish(try await dispatch(route, request: request, base: base, caller: caller))
        } catch {
            if error is AccessRefusal { authorizationFailures.increment() }
            throw RegistryFailure(error, logger: context.logger, path: request.uri.path)
        }
    }

    /// `/gitlab/v1`: GitLab's API beside the registry's.
    private func handleGitLab(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            guard let route = try GitLabRoute(path: request.uri.path) else { return try await next(request, context) }
            context.coreContext.endpointPath.value = "/gitlab/v1"
            let base = origin.requestBase(for: request.head, peer: context.remoteAddress)
            return try await gitLab.respond(
                route, request: request, origin: base ?? origin.baseURL(for: request.head, peer: nil), peer: context.remoteAddress
            )
        } catch {
            if error is AccessRefusal { authorizationFailures.increment() }
            throw RegistryFailure(error, logger: context.logger, path: request.uri.path, isRegistryAPI: false)
        }
    }

    private func finish(_ response: Response) -> Response {
        var response = response
        response.headers[.dockerDistributionAPIVersion] = "registry/2.0"
        return response
    }

    /// Runs the endpoint; `base` makes `Location` headers absolute.
    private func dispatch(_ route: RegistryRoute, request: Request, base: String?, caller: RegistryCaller) async throws -> Response {
        let method = request.method
        if method == .options {
            return Response(status: .ok, headers: [.allow: allowed(route), .contentLength: "0"])
        }
        switch (route, method) {
        case (.base, .get), (.base, .head):
            // What GitLab's Rails side reads to tell a GitLab registry and its features.
            var response = try JSONEncoding.response(EmptyObject())
            response.headers[GitLabAPI.versionHeader] = version
            let features = services.options.deleteEnabled ? "tag_delete,gitlab_v1_api" : "gitlab_v1_api"
            response.headers[HTTPField.Name("Gitlab-Container-Registry-Features")!] = features
            response.headers[HTTPField.Name("Gitlab-Container-Registry-Database-Enabled")!] = "true"
            return response
        case (.catalog, .get), (.catalog, .head):
            return try await listings.catalog(request)
        case (.tags(let name), .get), (.tags(let name), .head):
            return try await listings.tags(name, request: request)
        case (.referrers(let name, let digest), .get), (.referrers(let name, let digest), .head):
            return try await listings.referrers(name, digest: digest, request: request)
        case (.manifest(let name, let reference), .get), (.manifest(let name, let reference), .head):
            return try await manifests.get(name, reference: reference, request: request)
        case (.manifest(let name, let reference), .put):
            return try await manifests.put(name, reference: reference, request: request, base: base, caller: caller)
        case (.manifest(let name, let reference), .delete):
            return try await manifests.delete(name, reference: reference, caller: caller)
        case (.invalidManifestReference(let name, _), .get), (.invalidManifestReference(let name, _), .head):
            throw RegistryError(.manifestUnknown, detail: "no manifest of repository \(name) has that reference (it is neither a tag nor a digest)")
        case (.invalidManifestReference(_, let error), .put), (.invalidManifestReference(_, let error), .delete):
            throw error
        case (.blob(let name, let digest), .get), (.blob(let name, let digest), .head):
            return try await blobs.get(name, digest: digest, request: request)
        case (.blob(let name, let digest), .delete):
            return try await blobs.delete(name, digest: digest)
        case (.uploads(let name), .post):
            return try await uploads.start(name, request: request, base: base, caller: caller)
        case (.upload(let name, let id), .get):
            return try await uploads.status(name, id: id, base: base)
        case (.upload(let name, let id), .patch):
            return try await uploads.append(name, id: id, request: request, base: base)
        case (.upload(let name, let id), .put):
            return try await uploads.finish(name, id: id, request: request, base: base)
        case (.upload(let name, let id), .delete):
            return try await uploads.cancel(name, id: id)
        default:
            let error = RegistryError(.unsupported, detail: "\(method) is not supported here; allowed: \(allowed(route))")
            throw RegistryFailure(error, headers: [.allow: allowed(route)])
        }
    }

    private func allowed(_ route: RegistryRoute) -> String {
        route.allowedMethods(deleteEnabled: services.options.deleteEnabled).joined(separator: ", ")
    }
}

struct EmptyObject: Encodable {}
