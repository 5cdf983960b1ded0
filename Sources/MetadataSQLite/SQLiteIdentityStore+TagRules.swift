import GRDB
import Identity

extension SQLiteIdentityStore {
    public func tagProtectionRules(projectID: Int64) async throws -> [TagProtectionRule] {
        try database.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, project_id, pattern, min_push, min_delete FROM tag_protection_rules WHERE project_id = ? ORDER BY id",
                arguments: [projectID]
            ).map(Self.tagRule)
        }
    }

    public func createTagProtectionRule(
        projectID: Int64, pattern: String, minimumPushLevel: ProtectionLevel?, minimumDeleteLevel: ProtectionLevel?
    ) async throws -> TagProtectionRule {
        try await database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM projects WHERE id = ?", arguments: [projectID]) == true else {
                throw IdentityError.notFound("no project \(projectID)")
            }
            let patterns = try String.fetchAll(db, sql: "SELECT pattern FROM tag_protection_rules WHERE project_id = ?", arguments: [projectID])
            guard !patterns.contains(pattern) else { throw IdentityError.conflict("the project has a rule for \(pattern) already") }
            guard patterns.count < TagProtectionRule.maxPerProject else {
                throw IdentityError.conflict("a project has at most \(TagProtectionRule.maxPerProject) tag protection rules")
            }
            try db.execute(
                sql: "INSERT INTO tag_protection_rules (project_id, pattern, min_push, min_delete) VALUES (?, ?, ?, ?)",
                arguments: [projectID, pattern, minimumPushLevel?.rawValue, minimumDeleteLevel?.rawValue]
            )
            return TagProtectionRule(
                id: db.lastInsertedRowID, projectID: projectID, pattern: pattern, minimumPushLevel: minimumPushLevel,
                minimumDeleteLevel: minimumDeleteLevel
            )
        }
    }

    public func deleteTagProtectionRule(id: Int64, projectID: Int64) async throws -> Bool {
        try await database.write { db in
            try db.execute(sql: "DELETE FROM tag_protection_rules WHERE id = ? AND project_id = ?", arguments: [id, projectID])
            return db.changesCount > 0
        }
    }

    static func tagRule(_ row: Row) -> TagProtectionRule {
        TagProtectionRule(
            id: row[0], projectID: row[1], pattern: row[2], minimumPushLevel: (row[3] as Int?).flatMap(ProtectionLevel.init(rawValue:)),
            minimumDeleteLevel: (row[4] as Int?).flatMap(ProtectionLevel.init(rawValue:))
        )
    }
}
