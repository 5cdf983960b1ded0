import GRDB
import Identity

/// Row mapping and checks shared by the identity store's transactions.
extension SQLiteIdentityStore {
    static func user(_ row: Row) -> User {
        User(
            id: row["id"], username: row["username"], passwordHash: row["password_hash"], isAdmin: row["is_admin"],
            isBlocked: row["is_blocked"], createdAt: row["created_at"]
        )
    }

    static func namespace(_ row: Row) -> Namespace {
        Namespace(
            id: row["id"], kind: Namespace.Kind(rawValue: row["kind"]) ?? .group, path: row["path"], parentID: row["parent_id"],
            ownerID: row["owner_id"]
        )
    }

    static func project(_ row: Row) -> Project {
        Project(
            id: row["id"], namespaceID: row["namespace_id"], path: row["path"],
            visibility: Visibility(rawValue: row["visibility"]) ?? .private
        )
    }

    static func membership(_ row: Row) -> Membership {
        let namespaceID: Int64? = row["namespace_id"]
        let source: Membership.Source = namespaceID.map { .namespace($0) } ?? .project(row["project_id"])
        return Membership(userID: row["user_id"], source: source, role: Role(rawValue: row["role"]) ?? .guest)
    }

    static func personalAccessToken(_ row: Row) -> PersonalAccessToken {
        PersonalAccessToken(
            id: row["id"], userID: row["user_id"], name: row["name"], tokenDigest: row["token_digest"],
            scopes: scopes(row["scopes"]), expiresAt: row["expires_at"], revoked: row["revoked"], createdAt: row["created_at"]
        )
    }

    static func deployToken(_ row: Row) -> DeployToken {
        let projectID: Int64? = row["project_id"]
        let owner: DeployToken.Owner = projectID.map { .project($0) } ?? .namespace(row["namespace_id"])
        return DeployToken(
            id: row["id"], name: row["name"], username: row["username"], tokenDigest: row["token_digest"], owner: owner,
            scopes: scopes(row["scopes"]), expiresAt: row["expires_at"], revoked: row["revoked"], createdAt: row["created_at"]
        )
    }

    static func scopeText(_ scopes: [TokenScope]) -> String { scopes.map(\.rawValue).joined(separator: ",") }

    static func scopes(_ text: String) -> [TokenScope] { text.split(separator: ",").compactMap { TokenScope(rawValue: String($0)) } }

    static func columns(_ source: Membership.Source) -> (namespace: Int64?, project: Int64?) {
        switch source {
        case .namespace(let id): (id, nil)
        case .project(let id): (nil, id)
        }
    }

    static func columns(_ owner: DeployToken.Owner) -> (namespace: Int64?, project: Int64?) {
        switch owner {
        case .namespace(let id): (id, nil)
        case .project(let id): (nil, id)
        }
    }

    static func deleteMembership(_ db: Database, userID: Int64, namespaceID: Int64?, projectID: Int64?) throws {
        try db.execute(
            sql: "DELETE FROM memberships WHERE user_id = ? AND namespace_id IS ? AND project_id IS ?",
            arguments: [userID, namespaceID, projectID]
        )
    }

    /// Namespaces and projects share one path space: `group/app` cannot be both.
    static func requireFreePath(_ db: Database, _ path: String) throws {
        let taken = try Bool.fetchOne(
            db, sql: "SELECT 1 FROM namespaces WHERE path = ?1 UNION ALL SELECT 1 FROM projects WHERE path = ?1 LIMIT 1",
            arguments: [path]
        )
        if taken == true { throw IdentityError.conflict("the path \(path) is taken") }
    }
}
