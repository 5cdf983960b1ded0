/// GitLab's container registry permissions as a pure function: what a principal may do on a
/// project, from its role (inherited down groups), the project's visibility and token scopes.
///
/// | action | needs |
/// |---|---|
/// | pull | Reporter+, or a public project, or an internal one when signed in |
/// | push | Developer+ |
/// | delete, `*` | Maintainer+ |
///
/// Admins may do everything. Deploy tokens pull (`read_registry`) and push (`write_registry`)
/// on their project or their group's projects (and pull public ones), never delete. Tokens narrow what the role allows.
public enum AccessPolicy {
    public static func allowedActions(
        _ principal: Principal, requested: [String], role: Role?, visibility: Visibility, deployTokenCovers: Bool
    ) -> [String] {
        requested.filter { action in
            guard principal.scopesAllow(action) else { return false }
            switch principal {
            case .anonymous:
                return action == "pull" && visibility == .public
            case .deployToken:
                if action == "pull" && visibility == .public { return true }
                return deployTokenCovers && (action == "pull" || action == "push")
            case .user(let user, _):
                if user.isBlocked { return false }
                if user.isAdmin { return ["pull", "push", "delete", "*"].contains(action) }
                switch action {
                case "pull": return (role ?? .guest) >= .reporter || visibility != .private
                case "push": return (role ?? .guest) >= .developer
                case "delete", "*": return (role ?? .guest) >= .maintainer
                default: return false
                }
            }
        }
    }

    /// `registry:catalog:*`: admins only (with a password, or a token with `api`).
    public static func mayListCatalog(_ principal: Principal) -> Bool {
        guard case .user(let user, let scopes) = principal, user.isAdmin, !user.isBlocked else { return false }
        return scopes == nil || scopes!.contains(.api)
    }

    /// The highest role among memberships on the project or any namespace above it; owners of
    /// a personal namespace own its projects.
    public static func effectiveRole(
        userID: Int64, project: Project, ancestors: [Namespace], memberships: [Membership]
    ) -> Role? {
        var best: Role?
        func consider(_ role: Role) { if best.map({ role > $0 }) ?? true { best = role } }
        for membership in memberships where membership.userID == userID {
            switch membership.source {
            case .project(let id) where id == project.id: consider(membership.role)
            case .namespace(let id) where ancestors.contains(where: { $0.id == id }): consider(membership.role)
            default: break
            }
        }
        if ancestors.contains(where: { $0.kind == .user && $0.ownerID == userID }) { consider(.owner) }
        return best
    }
}
