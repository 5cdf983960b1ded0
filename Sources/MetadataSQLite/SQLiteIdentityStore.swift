import GRDB
import Identity

/// Identity data in the same SQLite file as the registry metadata.
public final class SQLiteIdentityStore: IdentityStore {
    let database: SQLiteDatabase

    public init(database: SQLiteDatabase) {
        self.database = database
    }

    // MARK: Users

    public func createUser(username: String, passwordHash: String, isAdmin: Bool, now: Double) async throws -> User {
        try IdentityPaths.validateUsername(username)
        return try await database.write { db in
            try Self.requireFreePath(db, username)
            try db.execute(
                sql: "INSERT INTO users (username, password_hash, is_admin, is_blocked, created_at) VALUES (?, ?, ?, 0, ?)",
                arguments: [username, passwordHash, isAdmin, now]
            )
            let id = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO namespaces (kind, path, owner_id) VALUES ('user', ?, ?)", arguments: [username, id])
            return User(id: id, username: username, passwordHash: passwordHash, isAdmin: isAdmin, isBlocked: false, createdAt: now)
        }
    }

    public func user(named username: String) async throws -> User? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE username = ?", arguments: [username]).map(Self.user) }
    }

    public func user(id: Int64) async throws -> User? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(Self.user) }
    }

    public func users() async throws -> [User] {
        try await database.scan { db in try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY id").map(Self.user) }
    }

    public func updateUser(_ user: User) async throws {
        try await database.write { db in
            try db.execute(
                sql: "UPDATE users SET password_hash = ?, is_admin = ?, is_blocked = ? WHERE id = ?",
                arguments: [user.passwordHash, user.isAdmin, user.isBlocked, user.id]
            )
            guard db.changesCount > 0 else { throw IdentityError.notFound("no user \(user.id)") }
        }
    }

    // MARK: Namespaces and projects

    public func createGroup(path: String) async throws -> Namespace {
        try IdentityPaths.validate(path, what: "group")
        return try await database.write { db in
            try Self.requireFreePath(db, path)
            var parentID: Int64?
            if let parent = IdentityPaths.parent(of: path) {
                guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM namespaces WHERE path = ? AND kind = 'group'", arguments: [parent]) else {
                    throw IdentityError.notFound("parent group \(parent) does not exist")
                }
                parentID = id
            }
            try db.execute(sql: "INSERT INTO namespaces (kind, path, parent_id) VALUES ('group', ?, ?)", arguments: [path, parentID])
            return Namespace(id: db.lastInsertedRowID, kind: .group, path: path, parentID: parentID, ownerID: nil)
        }
    }

    public func namespace(path: String) async throws -> Namespace? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM namespaces WHERE path = ?", arguments: [path]).map(Self.namespace) }
    }

    public func namespace(id: Int64) async throws -> Namespace? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM namespaces WHERE id = ?", arguments: [id]).map(Self.namespace) }
    }

    public func namespaces() async throws -> [Namespace] {
        try await database.scan { db in try Row.fetchAll(db, sql: "SELECT * FROM namespaces ORDER BY path").map(Self.namespace) }
    }

    public func createProject(path: String, visibility: Visibility) async throws -> Project {
        try IdentityPaths.validate(path, what: "project")
        guard let parent = IdentityPaths.parent(of: path) else { throw IdentityError.invalidInput("a project path is namespace/project") }
        return try await database.write { db in
            try Self.requireFreePath(db, path)
            guard let namespaceID = try Int64.fetchOne(db, sql: "SELECT id FROM namespaces WHERE path = ?", arguments: [parent]) else {
                throw IdentityError.notFound("namespace \(parent) does not exist")
            }
            try db.execute(
                sql: "INSERT INTO projects (namespace_id, path, visibility) VALUES (?, ?, ?)",
                arguments: [namespaceID, path, visibility.rawValue]
            )
            return Project(id: db.lastInsertedRowID, namespaceID: namespaceID, path: path, visibility: visibility)
        }
    }

    public func project(path: String) async throws -> Project? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM projects WHERE path = ?", arguments: [path]).map(Self.project) }
    }

    public func projects() async throws -> [Project] {
        try await database.scan { db in try Row.fetchAll(db, sql: "SELECT * FROM projects ORDER BY path").map(Self.project) }
    }

    public func updateProject(_ project: Project) async throws {
        try await database.write { db in
            try db.execute(sql: "UPDATE projects SET visibility = ? WHERE id = ?", arguments: [project.visibility.rawValue, project.id])
            guard db.changesCount > 0 else { throw IdentityError.notFound("no project \(project.id)") }
        }
    }

    // MARK: Memberships

    public func setMembership(_ membership: Membership) async throws {
        let (namespaceID, projectID) = Self.columns(membership.source)
        try await database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [membership.userID]) == true else {
                throw IdentityError.notFound("no user \(membership.userID)")
            }
            let table = namespaceID != nil ? "namespaces" : "projects"
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM \(table) WHERE id = ?", arguments: [namespaceID ?? projectID]) == true else {
                throw IdentityError.notFound("no \(table == "namespaces" ? "namespace" : "project") \((namespaceID ?? projectID)!)")
            }
            try Self.deleteMembership(db, userID: membership.userID, namespaceID: namespaceID, projectID: projectID)
            try db.execute(
                sql: "INSERT INTO memberships (user_id, namespace_id, project_id, role) VALUES (?, ?, ?, ?)",
                arguments: [membership.userID, namespaceID, projectID, membership.role.rawValue]
            )
        }
    }

    public func removeMembership(userID: Int64, source: Membership.Source) async throws -> Bool {
        let (namespaceID, projectID) = Self.columns(source)
        return try await database.write { db in
            try Self.deleteMembership(db, userID: userID, namespaceID: namespaceID, projectID: projectID)
            return db.changesCount > 0
        }
    }

    public func memberships(userID: Int64) async throws -> [Membership] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM memberships WHERE user_id = ?", arguments: [userID]).map(Self.membership)
        }
    }

    // MARK: Tokens

    public func createPersonalAccessToken(
        userID: Int64, name: String, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?, now: Double
    ) async throws -> PersonalAccessToken {
        try await database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [userID]) == true else {
                throw IdentityError.notFound("no user \(userID)")
            }
            try db.execute(
                sql: """
                    INSERT INTO personal_access_tokens (user_id, name, token_digest, scopes, expires_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """,
                arguments: [userID, name, tokenDigest, Self.scopeText(scopes), expiresAt, now]
            )
            return PersonalAccessToken(
                id: db.lastInsertedRowID, userID: userID, name: name, tokenDigest: tokenDigest, scopes: scopes,
                expiresAt: expiresAt, revoked: false, createdAt: now
            )
        }
    }

    public func personalAccessToken(digest: String) async throws -> PersonalAccessToken? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM personal_access_tokens WHERE token_digest = ?", arguments: [digest])
                .map(Self.personalAccessToken)
        }
    }

    public func personalAccessTokens(userID: Int64?) async throws -> [PersonalAccessToken] {
        try await database.scan { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM personal_access_tokens WHERE ?1 IS NULL OR user_id = ?1 ORDER BY id", arguments: [userID]
            ).map(Self.personalAccessToken)
        }
    }

    public func revokePersonalAccessToken(id: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE personal_access_tokens SET revoked = 1 WHERE id = ? AND revoked = 0", arguments: [id])
            return db.changesCount > 0
        }
    }

    public func createDeployToken(
        name: String, owner: DeployToken.Owner, tokenDigest: String, scopes: [TokenScope], expiresAt: Double?, now: Double
    ) async throws -> DeployToken {
        let (namespaceID, projectID) = Self.columns(owner)
        return try await database.write { db in
            if let projectID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE id = ?", arguments: [projectID]) == true else {
                    throw IdentityError.notFound("no project \(projectID)")
                }
            } else if let namespaceID {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM namespaces WHERE id = ? AND kind = 'group'", arguments: [namespaceID]) == true else {
                    throw IdentityError.notFound("no group \(namespaceID)")
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO deploy_tokens (name, username, token_digest, project_id, namespace_id, scopes, expires_at, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [name, "pending-\(tokenDigest)", tokenDigest, projectID, namespaceID, Self.scopeText(scopes), expiresAt, now]
            )
            let id = db.lastInsertedRowID
            let username = "gitlab+deploy-token-\(id)"
            try db.execute(sql: "UPDATE deploy_tokens SET username = ? WHERE id = ?", arguments: [username, id])
            return DeployToken(
                id: id, name: name, username: username, tokenDigest: tokenDigest, owner: owner, scopes: scopes,
                expiresAt: expiresAt, revoked: false, createdAt: now
            )
        }
    }

    public func deployToken(username: String) async throws -> DeployToken? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM deploy_tokens WHERE username = ?", arguments: [username]).map(Self.deployToken)
        }
    }

    public func deployTokens() async throws -> [DeployToken] {
        try await database.scan { db in try Row.fetchAll(db, sql: "SELECT * FROM deploy_tokens ORDER BY id").map(Self.deployToken) }
    }

    public func revokeDeployToken(id: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "UPDATE deploy_tokens SET revoked = 1 WHERE id = ? AND revoked = 0", arguments: [id])
            return db.changesCount > 0
        }
    }
}
