import GRDB

/// The database schema, as named migrations. Append only: a migration never changes once shipped.
enum Schema {
    /// Written into the file header (`PRAGMA application_id`) so a coroq database can be told from others.
    static let applicationID: Int32 = 0x636F_726F  // "coro"

    static func migrate(_ writer: any DatabaseWriter) throws {
        try writer.read(refuseNewer)
        try migrator.migrate(writer)
    }

    /// Refuses a database from a newer coroq through a read-only connection, before anything could write
    /// to the file (opening a pool for writing already touches it).
    static func checkReadOnly(path: String) throws {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.read(refuseNewer)
    }

    private static func refuseNewer(_ db: Database) throws {
        if try migrator.hasBeenSuperseded(db) {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message: "this database was written by a newer coroq; run that version or a newer one")
        }
    }

    private static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-tasks") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            // AUTOINCREMENT: an id is never reused, not even after the newest tasks are deleted.
            try db.execute(sql: """
                CREATE TABLE tasks (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    job TEXT NOT NULL,
                    arguments TEXT NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    result TEXT,
                    error TEXT,
                    on_done TEXT,
                    on_done_status TEXT,
                    created_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL
                );
                CREATE INDEX tasks_queued ON tasks (id) WHERE state = 'queued';
                CREATE INDEX tasks_by_state ON tasks (state);
                CREATE INDEX tasks_callback_pending ON tasks (id) WHERE on_done_status = 'pending';
                CREATE TABLE task_checkpoints (
                    task_id INTEGER NOT NULL REFERENCES tasks (id) ON DELETE CASCADE,
                    key TEXT NOT NULL,
                    value TEXT NOT NULL,
                    PRIMARY KEY (task_id, key)
                ) WITHOUT ROWID;
                """)
        }
        return migrator
    }
}
