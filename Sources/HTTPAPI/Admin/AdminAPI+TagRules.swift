import Foundation
import HTTPTypes
import Hummingbird
import Identity

/// GitLab's protection tag rules API: `GET`/`POST /api/v4/projects/:id/registry/protection/tag/rules`
/// and `DELETE .../rules/:rule_id`.
extension AdminAPI {
    struct TagRuleView: Encodable {
        let id: Int64
        let projectID: Int64
        let tagNamePattern: String
        let minimumAccessLevelForPush: String?
        let minimumAccessLevelForDelete: String?

        init(_ rule: TagProtectionRule) {
            id = rule.id
            projectID = rule.projectID
            tagNamePattern = rule.pattern
            minimumAccessLevelForPush = rule.minimumPushLevel?.description
            minimumAccessLevelForDelete = rule.minimumDeleteLevel?.description
        }

        enum CodingKeys: String, CodingKey {
            case id, projectID = "project_id", tagNamePattern = "tag_name_pattern"
            case minimumAccessLevelForPush = "minimum_access_level_for_push", minimumAccessLevelForDelete = "minimum_access_level_for_delete"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(projectID, forKey: .projectID)
            try container.encode(tagNamePattern, forKey: .tagNamePattern)
            try container.encode(minimumAccessLevelForPush, forKey: .minimumAccessLevelForPush)
            try container.encode(minimumAccessLevelForDelete, forKey: .minimumAccessLevelForDelete)
        }
    }

    struct NewTagRule: Decodable {
        let tagNamePattern: String
        let minimumAccessLevelForPush: String?
        let minimumAccessLevelForDelete: String?

        enum CodingKeys: String, CodingKey {
            case tagNamePattern = "tag_name_pattern"
            case minimumAccessLevelForPush = "minimum_access_level_for_push", minimumAccessLevelForDelete = "minimum_access_level_for_delete"
        }

        func level(_ text: String?) throws -> ProtectionLevel? {
            guard let text, !text.isEmpty else { return nil }
            guard let level = ProtectionLevel(name: text) else {
                throw AdminAPIFailure(status: .badRequest, message: "access level \(text) is not maintainer, owner or admin")
            }
            return level
        }
    }

    func registerTagRules(on api: RouterGroup<WharfRequestContext>) {
        api.get("projects/:id/registry/protection/tag/rules") { _, context in
            let project = try await self.project(context)
            return try Self.json(try await self.admin.tagProtectionRules(project: project.path).map(TagRuleView.init))
        }
        api.post("projects/:id/registry/protection/tag/rules") { request, context in
            let project = try await self.project(context)
            let new = try await request.decode(as: NewTagRule.self, context: context)
            let rule = try await self.admin.addTagProtectionRule(
                project: project.path, pattern: new.tagNamePattern, minimumPushLevel: try new.level(new.minimumAccessLevelForPush),
                minimumDeleteLevel: try new.level(new.minimumAccessLevelForDelete)
            )
            return try Self.json(TagRuleView(rule), status: .created)
        }
        api.delete("projects/:id/registry/protection/tag/rules/:rule") { _, context in
            let project = try await self.project(context)
            try await self.admin.removeTagProtectionRule(project: project.path, id: try context.parameters.require("rule", as: Int64.self))
            return Response(status: .noContent)
        }
    }
}
