import GRDB

/// The SQLite schema, as numbered migrations: a database written by an older Wharf is
/// brought forward on open, never rebuilt.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-registry") { db in
            try db.execute(
                sql: """
                    CREATE TABLE repositories (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL UNIQUE,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE blobs (
                        digest TEXT PRIMARY KEY,
                        size INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE repository_blobs (
                        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
                        digest TEXT NOT NULL REFERENCES blobs(digest),
                        created_at REAL NOT NULL,
                        PRIMARY KEY (repository_id, digest)
                    ) WITHOUT ROWID;
                    CREATE INDEX repository_blobs_digest ON repository_blobs(digest);
                    CREATE TABLE manifests (
                        repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
                        digest TEXT NOT NULL,
                        media_type TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        artifact_type TEXT,
                        subject TEXT,
                        annotations TEXT,
                        created_at REAL NOT NULL,
                        PRIMARY KEY (repository_id, digest)
                    ) WITHOUT ROWID;
                    CREATE INDEX manifests_subject ON manifests(repository_id, subject) WHERE subject IS NOT NULL;
                    CREATE TABLE manifest_references (
                        repository_id INTEGER NOT NULL,
                        manifest_digest TEXT NOT NULL,
                        child_digest TEXT NOT NULL,
                        child_is_manifest INTEGER NOT NULL,
                        PRIMARY KEY (repository_id, manifest_digest, child_digest),
                        FOREIGN KEY (repository_id, manifest_digest)
                            REFERENCES manifests(repository_id, digest) ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE INDEX manifest_references_child ON manifest_references(repository_id, child_digest);
                    CREATE TABLE tags (
                        repository_id INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        updated_at REAL NOT NULL,
                        PRIMARY KEY (repository_id, name),
                        FOREIGN KEY (repository_id, digest)
                            REFERENCES manifests(repository_id, digest) ON DELETE CASCADE
                    ) WITHOUT ROWID;
                    CREATE INDEX tags_digest ON tags(repository_id, digest);
                    CREATE TABLE uploads (
                        id TEXT PRIMARY KEY,
                        repository TEXT NOT NULL,
                        started_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    CREATE INDEX uploads_started_at ON uploads(started_at);
                    """
            )
        }
        migrator.registerMigration("v2-identity") { db in
            try db.execute(
                sql: """
                    CREATE TABLE users (
                        id INTEGER PRIMARY KEY,
                        username TEXT NOT NULL UNIQUE,
                        password_hash TEXT NOT NULL,
                        is_admin INTEGER NOT NULL,
                        is_blocked INTEGER NOT NULL,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE namespaces (
                        id INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL,
                        path TEXT NOT NULL UNIQUE,
                        parent_id INTEGER REFERENCES namespaces(id),
                        owner_id INTEGER REFERENCES users(id) ON DELETE CASCADE
                    );
                    CREATE TABLE projects (
                        id INTEGER PRIMARY KEY,
                        namespace_id INTEGER NOT NULL REFERENCES namespaces(id),
                        path TEXT NOT NULL UNIQUE,
                        visibility TEXT NOT NULL
                    );
                    CREATE TABLE memberships (
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        namespace_id INTEGER REFERENCES namespaces(id) ON DELETE CASCADE,
                        project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
                        role INTEGER NOT NULL,
                        CHECK ((namespace_id IS NULL) != (project_id IS NULL))
                    );
                    CREATE UNIQUE INDEX memberships_source
                        ON memberships(user_id, coalesce(namespace_id, -1), coalesce(project_id, -1));
                    CREATE TABLE personal_access_tokens (
                        id INTEGER PRIMARY KEY,
                        user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                        name TEXT NOT NULL,
                        token_digest TEXT NOT NULL UNIQUE,
                        scopes TEXT NOT NULL,
                        expires_at REAL,
                        revoked INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL
                    );
                    CREATE TABLE deploy_tokens (
                        id INTEGER PRIMARY KEY,
                        name TEXT NOT NULL,
                        username TEXT NOT NULL UNIQUE,
                        token_digest TEXT NOT NULL,
                        project_id INTEGER REFERENCES projects(id) ON DELETE CASCADE,
                        namespace_id INTEGER REFERENCES namespaces(id) ON DELETE CASCADE,
                        scopes TEXT NOT NULL,
                        expires_at REAL,
                        revoked INTEGER NOT NULL DEFAULT 0,
                        created_at REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("v3-upload-owners") { db in
            try db.execute(
                sql: """
                    ALTER TABLE uploads ADD COLUMN owner TEXT;
                    CREATE INDEX uploads_repository ON uploads(repository);
                    CREATE INDEX uploads_owner ON uploads(owner) WHERE owner IS NOT NULL;
                    """
            )
        }
        migrator.registerMigration("v4-upload-commits") { db in
            try db.execute(sql: "ALTER TABLE uploads ADD COLUMN committing TEXT")
        }
        // Online garbage collection: the review queue (filled in the transactions that make
        // candidates), the lease of a blob whose deletion has begun, and the indexes the reviews' point checks use.
        migrator.registerMigration("v5-collection") { db in
            try db.execute(
                sql: """
                    ALTER TABLE blobs ADD COLUMN deleting REAL;
                    CREATE INDEX blobs_deleting ON blobs(deleting) WHERE deleting IS NOT NULL;
                    CREATE TABLE gc_queue (
                        kind TEXT NOT NULL,
                        repository_id INTEGER NOT NULL,
                        digest TEXT NOT NULL,
                        event TEXT NOT NULL,
                        queued_at REAL NOT NULL,
                        not_before REAL NOT NULL DEFAULT 0,
                        review_count INTEGER NOT NULL DEFAULT 0,
                        PRIMARY KEY (kind, repository_id, digest)
                    ) WITHOUT ROWID;
                    CREATE INDEX gc_queue_due ON gc_queue(kind, queued_at);
                    CREATE INDEX uploads_committing ON uploads(committing) WHERE committing IS NOT NULL;
                    CREATE INDEX manifests_digest ON manifests(digest);
                    CREATE INDEX manifest_references_child_digest ON manifest_references(child_digest);
                    """
            )
        }
        // Storage usage and limits: per path (`UsagePath`), how many repositories at or below it
        // link each blob, the bytes of the distinct ones, and uploads' reservations; counted
        // here once from the links that exist, then kept by every link added or removed.
        migrator.registerMigration("v6-usage") { db in
            try db.execute(
                sql: """
                    CREATE TABLE usage_links (
                        path TEXT NOT NULL,
                        digest TEXT NOT NULL,
                        links INTEGER NOT NULL,
                        PRIMARY KEY (path, digest)
                    ) WITHOUT ROWID;
                    CREATE TABLE usage (
                        path TEXT PRIMARY KEY,
                        stored INTEGER NOT NULL DEFAULT 0,
                        reserved INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID;
                    CREATE TABLE quotas (
                        path TEXT PRIMARY KEY,
                        limit_bytes INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    ALTER TABLE uploads ADD COLUMN reserved INTEGER NOT NULL DEFAULT 0;
                    """
            )
            // Each repository's paths (every leading run of its name's components, spelled out
            // here so the migration stays what it was), then one grouped insert of the links.
            try db.execute(sql: "CREATE TEMPORARY TABLE repository_paths (repository_id INTEGER NOT NULL, path TEXT NOT NULL)")
            let insertPath = try db.makeStatement(sql: "INSERT INTO repository_paths (repository_id, path) VALUES (?, ?)")
            let repositories = try Row.fetchCursor(db, sql: "SELECT id, name FROM repositories")
            while let repository = try repositories.next() {
                let components = (repository[1] as String).split(separator: "/")
                for depth in 1...max(1, components.count) {
                    try insertPath.execute(arguments: [repository[0] as Int64, components.prefix(depth).joined(separator: "/")])
                }
            }
            try db.execute(
                sql: """
                    INSERT INTO usage_links (path, digest, links)
                    SELECT p.path, l.digest, COUNT(*) FROM repository_paths p
                    JOIN repository_blobs l ON l.repository_id = p.repository_id
                    GROUP BY p.path, l.digest
                    """
            )
            try db.execute(sql: "DROP TABLE repository_paths")
            try db.execute(
                sql: """
                    INSERT INTO usage (path, stored)
                    SELECT u.path, SUM(b.size) FROM usage_links u JOIN blobs b ON b.digest = u.digest GROUP BY u.path
                    """
            )
        }
        // Cleanup policies per project path (GitLab's container_expiration_policy), with where an
        // unfinished run resumes.
        migrator.registerMigration("v7-cleanup-policies") { db in
            try db.execute(
                sql: """
                    CREATE TABLE cleanup_policies (
                        project TEXT PRIMARY KEY,
                        enabled INTEGER NOT NULL,
                        cadence TEXT NOT NULL,
                        keep_n INTEGER,
                        older_than TEXT,
                        name_regex TEXT NOT NULL,
                        name_regex_keep TEXT,
                        next_run_at REAL,
                        cursor TEXT
                    ) WITHOUT ROWID;
                    CREATE INDEX cleanup_policies_due ON cleanup_policies(next_run_at) WHERE enabled = 1;
                    """
            )
        }
        // GitLab's protected and immutable container tags: rules per project.
        migrator.registerMigration("v8-tag-protection") { db in
            try db.execute(
                sql: """
                    CREATE TABLE tag_protection_rules (
                        id INTEGER PRIMARY KEY,
                        project_id INTEGER NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
                        pattern TEXT NOT NULL,
                        min_push INTEGER,
                        min_delete INTEGER,
                        UNIQUE (project_id, pattern)
                    );
                    """
            )
        }
        // A cleanup run records its progress only against the policy's revision it ran.
        migrator.registerMigration("v9-cleanup-revisions") { db in
            try db.execute(sql: "ALTER TABLE cleanup_policies ADD COLUMN revision INTEGER NOT NULL DEFAULT 0")
        }
        // GitLab's rename leases: a dry run reserves a rename's target for its source a while.
        migrator.registerMigration("v10-rename-leases") { db in
            try db.execute(
                sql: """
                    CREATE TABLE rename_leases (
                        target TEXT PRIMARY KEY,
                        source TEXT NOT NULL,
                        expires_at REAL NOT NULL
                    ) WITHOUT ROWID;
                    """
            )
        }
        return migrator
    }
}
