import Foundation
import HTTPTypes
import Hummingbird
import Identity
import Metadata
import Registry

/// GitLab's project endpoints as far as cleanup policies go: `GET /api/v4/projects/:id` shows
/// `container_expiration_policy`, `PUT` with `container_expiration_policy_attributes` changes
/// it. `:id` is the project's id or its URL-encoded path, as in GitLab's API.
extension AdminAPI {
    struct PolicyView: Encodable {
        let cadence: String
        let enabled: Bool
        let keepN: Int?
        let olderThan: String?
        let nameRegex: String
        let nameRegexKeep: String?
        let nextRunAt: String?

        init(_ policy: CleanupPolicy) {
            cadence = policy.cadence.rawValue
            enabled = policy.enabled
            keepN = policy.keepN
            olderThan = policy.olderThan?.rawValue
            nameRegex = policy.nameRegex
            nameRegexKeep = policy.nameRegexKeep
            nextRunAt = policy.enabled ? policy.nextRunAt.map { Date(timeIntervalSince1970: $0).formatted(.iso8601) } : nil
        }

        enum CodingKeys: String, CodingKey {
            case cadence, enabled, keepN = "keep_n", olderThan = "older_than", nameRegex = "name_regex"
            case nameRegexKeep = "name_regex_keep", nextRunAt = "next_run_at"
        }

        /// GitLab writes every key, `null` included.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(cadence, forKey: .cadence)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(keepN, forKey: .keepN)
            try container.encode(olderThan, forKey: .olderThan)
            try container.encode(nameRegex, forKey: .nameRegex)
            try container.encode(nameRegexKeep, forKey: .nameRegexKeep)
            try container.encode(nextRunAt, forKey: .nextRunAt)
        }
    }

    struct ProjectView: Encodable {
        let id: Int64
        let path: String
        let pathWithNamespace: String
        let visibility: String
        let containerExpirationPolicy: PolicyView

        enum CodingKeys: String, CodingKey {
            case id, path, pathWithNamespace = "path_with_namespace", visibility, containerExpirationPolicy = "container_expiration_policy"
        }
    }

    /// `{"container_expiration_policy_attributes": {...}}`; a key given as `null` clears the field.
    struct ProjectChange: Decodable {
        let policy: CleanupPolicyChange?

        enum CodingKeys: String, CodingKey { case policy = "container_expiration_policy_attributes" }
        enum PolicyKeys: String, CodingKey {
            case enabled, cadence, keepN = "keep_n", olderThan = "older_than", nameRegex = "name_regex", nameRegexKeep = "name_regex_keep"
        }

        init(from decoder: any Decoder) throws {
            let outer = try decoder.container(keyedBy: CodingKeys.self)
            guard outer.contains(.policy) else {
                policy = nil
                return
            }
            let fields = try outer.nestedContainer(keyedBy: PolicyKeys.self, forKey: .policy)
            var change = CleanupPolicyChange()
            change.enabled = try fields.decodeIfPresent(Bool.self, forKey: .enabled)
            change.cadence = try fields.decodeIfPresent(String.self, forKey: .cadence)
            change.nameRegex = try fields.decodeIfPresent(String.self, forKey: .nameRegex)
            if fields.contains(.keepN) { change.keepN = .some(try fields.decodeNil(forKey: .keepN) ? nil : try fields.decode(Int.self, forKey: .keepN)) }
            if fields.contains(.olderThan) {
                change.olderThan = .some(try fields.decodeNil(forKey: .olderThan) ? nil : try fields.decode(String.self, forKey: .olderThan))
            }
            if fields.contains(.nameRegexKeep) {
                let text = try fields.decodeNil(forKey: .nameRegexKeep) ? nil : try fields.decode(String.self, forKey: .nameRegexKeep)
                change.nameRegexKeep = .some(text?.isEmpty == true ? nil : text)
            }
            policy = change
        }
    }

    func registerProjectPolicies(on api: RouterGroup<WharfRequestContext>, cleanup: CleanupService) {
        api.get("projects/:id") { _, context in
            let project = try await self.project(context)
            return try Self.json(try await self.view(project, cleanup: cleanup))
        }
        api.put("projects/:id") { request, context in
            let project = try await self.project(context)
            let change = try await request.decode(as: ProjectChange.self, context: context)
            if let policy = change.policy {
                do {
                    _ = try await cleanup.update(project: project.path, change: policy, now: Date().timeIntervalSince1970)
                } catch let error as CleanupPolicyError {
                    throw AdminAPIFailure(status: .badRequest, message: "container_expiration_policy_attributes: \(error)")
                }
            }
            return try Self.json(try await self.view(project, cleanup: cleanup))
        }
    }

    /// The project `:id` names: a number is an id, anything else a URL-encoded path.
    func project(_ context: WharfRequestContext) async throws -> Project {
        let raw = try context.parameters.require("id")
        let key = raw.removingPercentEncoding ?? raw
        let found: Project?
        if let id = Int64(key) {
            found = try await admin.store.projects().first { $0.id == id }
        } else {
            found = try await admin.store.project(path: key)
        }
        guard let found else { throw AdminAPIFailure(status: .notFound, message: "404 Project Not Found") }
        return found
    }

    func view(_ project: Project, cleanup: CleanupService) async throws -> ProjectView {
        ProjectView(
            id: project.id, path: String(project.path.split(separator: "/").last ?? ""), pathWithNamespace: project.path,
            visibility: project.visibility.rawValue, containerExpirationPolicy: PolicyView(try await cleanup.policy(for: project.path))
        )
    }
}
