import GRDB

/// Versioned migrations. Each is applied once, in order, in its own transaction; a released
/// migration is never edited, only followed by a new one. Each released migration's SQL is a
/// literal: no constant shared between migrations (or with the code) can change what an old
/// migration does. `Tests/GatehouseDomainTests/MigrationUpgradeTests.swift` upgrades a directory
/// made at every earlier version.
enum Schema {
    /// Every migration, oldest first. A new one is appended here (and nowhere else).
    static let migrations: [(identifier: String, migrate: @Sendable (Database) throws -> Void)] = [
        ("v1-directory", createDirectory),
        ("v2-directory-settings", { db in
            // Facts about the directory itself, e.g. that it is a demo copy.
            try db.execute(sql: "CREATE TABLE directory_setting (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID")
        }),
        ("v3-user-search", createUserSearch),
        ("v4-token-search", createTokenSearch),
        ("v5-audit-search", createAuditSearch),
        ("v6-verification-epoch", createVerificationEpoch),
        ("v7-list-indexes", createListIndexes),
        ("v8-verification-changes", createVerificationChanges),
        ("v9-organization-walls", createOrganizationWalls),
        ("v10-covering-indexes", createCoveringIndexes),
        ("v11-disabled-owners", createDisabledOwnerIndexes),
        ("v12-list-counters", createListCounters),
    ]

    /// The migrations this build knows, oldest first.
    static var identifiers: [String] { migrations.map(\.identifier) }

    static var migrator: DatabaseMigrator { migrator(upTo: nil) }

    /// The migrator, stopping after `last` (for tests that build a directory as an older version made it).
    static func migrator(upTo last: String?) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in migrations {
            migrator.registerMigration(migration.identifier, migrate: migration.migrate)
            if migration.identifier == last { break }
        }
        return migrator
    }

    /// Filter-as-you-type over 100,000 accounts without scanning them: a trigram full-text index
    /// over name, login and email finds any substring of three characters or more by index.
    /// It mirrors `user` by rowid (external content, kept current by triggers); a VACUUM, which
    /// may renumber rowids, must be followed by `INSERT INTO user_search(user_search) VALUES('rebuild')`.
    private static func createUserSearch(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE user_search USING fts5(
                display_name, login_name, email, content = 'user', content_rowid = 'rowid', tokenize = 'trigram');
            INSERT INTO user_search(user_search) VALUES ('rebuild');
            CREATE TRIGGER user_search_after_insert AFTER INSERT ON user BEGIN
                INSERT INTO user_search(rowid, display_name, login_name, email) VALUES (new.rowid, new.display_name, new.login_name, new.email);
            END;
            CREATE TRIGGER user_search_after_delete AFTER DELETE ON user BEGIN
                INSERT INTO user_search(user_search, rowid, display_name, login_name, email)
                VALUES ('delete', old.rowid, old.display_name, old.login_name, old.email);
            END;
            CREATE TRIGGER user_search_after_update AFTER UPDATE OF display_name, login_name, email ON user BEGIN
                INSERT INTO user_search(user_search, rowid, display_name, login_name, email)
                VALUES ('delete', old.rowid, old.display_name, old.login_name, old.email);
                INSERT INTO user_search(rowid, display_name, login_name, email) VALUES (new.rowid, new.display_name, new.login_name, new.email);
            END;
            """)
    }

    /// The same for a million tokens: their names and handles, by trigram.
    private static func createTokenSearch(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE token_search USING fts5(
                display_name, handle, content = 'token', content_rowid = 'rowid', tokenize = 'trigram');
            INSERT INTO token_search(token_search) VALUES ('rebuild');
            CREATE TRIGGER token_search_after_insert AFTER INSERT ON token BEGIN
                INSERT INTO token_search(rowid, display_name, handle) VALUES (new.rowid, new.display_name, new.handle);
            END;
            CREATE TRIGGER token_search_after_delete AFTER DELETE ON token BEGIN
                INSERT INTO token_search(token_search, rowid, display_name, handle) VALUES ('delete', old.rowid, old.display_name, old.handle);
            END;
            CREATE TRIGGER token_search_after_update AFTER UPDATE OF display_name, handle ON token BEGIN
                INSERT INTO token_search(token_search, rowid, display_name, handle) VALUES ('delete', old.rowid, old.display_name, old.handle);
                INSERT INTO token_search(rowid, display_name, handle) VALUES (new.rowid, new.display_name, new.handle);
            END;
            """)
    }

    /// And for the audit log's targets. The log is append-only, so only inserts need mirroring;
    /// its ids are INTEGER PRIMARY KEYs, which no VACUUM renumbers.
    private static func createAuditSearch(_ db: Database) throws {
        try db.execute(sql: """
            CREATE VIRTUAL TABLE audit_search USING fts5(target_name, content = 'audit_event', content_rowid = 'id', tokenize = 'trigram');
            INSERT INTO audit_search(audit_search) VALUES ('rebuild');
            CREATE TRIGGER audit_search_after_insert AFTER INSERT ON audit_event BEGIN
                INSERT INTO audit_search(rowid, target_name) VALUES (new.id, new.target_name);
            END;
            CREATE INDEX audit_by_target_name ON audit_event(target_name);
            """)
    }

    /// A counter raised, in the same transaction, by every change a token verification depends
    /// on; the verification cache trusts a record only while it is unchanged (`VerificationCache`).
    /// "Last used" updates and new tokens leave it alone: they change no cached answer.
    /// (Released: frozen. v8 replaced these triggers.)
    private static func createVerificationEpoch(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE verification_epoch (id INTEGER PRIMARY KEY CHECK (id = 1), value INTEGER NOT NULL);
            INSERT INTO verification_epoch (id, value) VALUES (1, 0);
            CREATE TRIGGER verification_epoch_token_update AFTER UPDATE OF display_name, owner_id, created_by_id, target_organization_id, scopes, is_full_access, is_high_privilege, is_packaging_only, valid_from, valid_to, created_at, revoked_at, revoked_reason, revoked_by_id, handle, digest, generation, version, id ON token
                BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_token_delete AFTER DELETE ON token BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_user_update AFTER UPDATE ON user BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_user_delete AFTER DELETE ON user BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_member_insert AFTER INSERT ON organization_member BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_member_delete AFTER DELETE ON organization_member BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_organization_update AFTER UPDATE ON organization BEGIN UPDATE verification_epoch SET value = value + 1; END;
            CREATE TRIGGER verification_epoch_organization_delete AFTER DELETE ON organization BEGIN UPDATE verification_epoch SET value = value + 1; END;
            """)
    }

    /// What each epoch raise was about, so a verification cache evicts only the records a change
    /// touches (a token, or every token of one account) instead of emptying itself: in a large
    /// directory, account edits alone would otherwise keep the cache empty. The triggers of v6 are
    /// replaced by ones that also log the change; the log keeps the last 10,000 (a cache further
    /// behind empties itself). A change with neither id (an organization renamed or deleted)
    /// concerns every record.
    static let verificationChangeLogLength = 10_000

    /// (Released: frozen. The log length, 10,000, is `verificationChangeLogLength`, which the
    /// cache reads; a different length needs a new migration.)
    private static func createVerificationChanges(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE verification_change (epoch INTEGER PRIMARY KEY, token_id BLOB, user_id BLOB);
            DROP TRIGGER verification_epoch_token_update;
            DROP TRIGGER verification_epoch_token_delete;
            DROP TRIGGER verification_epoch_user_update;
            DROP TRIGGER verification_epoch_user_delete;
            DROP TRIGGER verification_epoch_member_insert;
            DROP TRIGGER verification_epoch_member_delete;
            DROP TRIGGER verification_epoch_organization_update;
            DROP TRIGGER verification_epoch_organization_delete;
            CREATE TRIGGER verification_epoch_token_update AFTER UPDATE OF display_name, owner_id, created_by_id, target_organization_id, scopes, is_full_access, is_high_privilege, is_packaging_only, valid_from, valid_to, created_at, revoked_at, revoked_reason, revoked_by_id, handle, digest, generation, version, id ON token BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, old.id, NULL FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            CREATE TRIGGER verification_epoch_token_delete AFTER DELETE ON token BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, old.id, NULL FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            CREATE TRIGGER verification_epoch_user_update AFTER UPDATE ON user BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, NULL, old.id FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            CREATE TRIGGER verification_epoch_user_delete AFTER DELETE ON user BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, NULL, old.id FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            CREATE TRIGGER verification_epoch_member_insert AFTER INSERT ON organization_member BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, NULL, new.user_id FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            CREATE TRIGGER verification_epoch_member_delete AFTER DELETE ON organization_member BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, NULL, old.user_id FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            -- Not policies_version: policies do not enter a verification.
            CREATE TRIGGER verification_epoch_organization_update AFTER UPDATE OF id, name, created_at ON organization BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, NULL, NULL FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            CREATE TRIGGER verification_epoch_organization_delete AFTER DELETE ON organization BEGIN
                    UPDATE verification_epoch SET value = value + 1;
                    INSERT INTO verification_change (epoch, token_id, user_id) SELECT value, NULL, NULL FROM verification_epoch;
                    DELETE FROM verification_change WHERE epoch <= (SELECT value FROM verification_epoch) - 10000;
                END;
            """)
    }

    /// Indexes in the order the console's token lists read, for the lists that sorted or scanned
    /// every active token at a million (0.2–0.35 s a page). Partial on `revoked_at IS NULL`, the part
    /// of "active" that does not change with time; `valid_to` (the part that does) is carried along
    /// so that expired tokens are skipped inside the index, without reading their rows.
    private static func createListIndexes(_ db: Database) throws {
        try db.execute(sql: """
            -- Active tokens by creation and by last use (the sorts of the Tokens pane).
            CREATE INDEX token_active_by_created ON token(created_at, id, valid_to) WHERE revoked_at IS NULL;
            CREATE INDEX token_active_by_last_used ON token(IFNULL(last_used_at, 0), id, valid_to) WHERE revoked_at IS NULL;
            -- The longest lifespan of an active token, in one probe: bounds where the oldest active one can be.
            CREATE INDEX token_active_lifespan ON token(valid_to - created_at, valid_to) WHERE revoked_at IS NULL;
            -- Active high-privilege tokens with what "unused for" reads: the risk view, counted inside the index.
            CREATE INDEX token_active_high_privilege ON token(valid_to, id, last_used_at, created_at)
                WHERE revoked_at IS NULL AND is_high_privilege = 1;
            -- New indexes have no planner statistics: analyze again when the store opens.
            DELETE FROM directory_setting WHERE key = 'analyzed-token-rows';
            """)
    }

    /// Indexes that hold what a walk tests, so the walk never reads the table row of a row it
    /// passes over (at 1M tokens a token row is a random page read: ~4 µs, against ~0.1 µs for the
    /// next index entry). Issue #13's one-letter token search and policy impact.
    private static func createCoveringIndexes(_ db: Database) throws {
        try db.execute(sql: """
            -- Active tokens by expiry with what a text filter tests (name, handle, owner): the walk of
            -- a broad filter ("e") reads index entries, and a token row only for the rows shown.
            CREATE INDEX token_active_search_walk ON token(valid_to, id, owner_id, display_name, handle) WHERE revoked_at IS NULL;
            -- Whether a token of an owner, or of a name, is active, inside the index: the capped count
            -- of a one-letter filter ("d": 10,001 of 100,000s of names) reads no token row.
            DROP INDEX token_by_owner;
            CREATE INDEX token_by_owner ON token(owner_id, valid_to, id, revoked_at);
            DROP INDEX token_by_name;
            CREATE INDEX token_by_name ON token(display_name, id, valid_to, revoked_at);
            -- An owner's login by id, and ids by login, inside the index (no account row read).
            CREATE INDEX user_login_by_id ON user(id, login_name);
            CREATE INDEX user_id_by_login ON user(login_name, id);
            -- A member's own groups inside the index: policy impact tests each member by them.
            DROP INDEX group_member_by_user;
            CREATE INDEX group_member_by_user ON group_member(member_user_id, group_id) WHERE member_user_id IS NOT NULL;
            -- New indexes have no planner statistics: analyze again when the store opens.
            DELETE FROM directory_setting WHERE key = 'analyzed-token-rows';
            """)
    }

    /// Tokens whose owner is disabled (a quick filter), walked in expiry order: each token's owner
    /// is probed in a small index of the disabled accounts only, and the owner comes from the walk's
    /// own index, so passing a token reads no row. 12.7 ms a page at 1M tokens (every disabled
    /// owner's tokens read and sorted) against ~1 ms.
    private static func createDisabledOwnerIndexes(_ db: Database) throws {
        try db.execute(sql: """
            CREATE INDEX user_disabled ON user(id) WHERE status = 'disabled';
            DROP INDEX token_by_valid_to;
            CREATE INDEX token_by_valid_to ON token(valid_to, id, owner_id);
            DELETE FROM directory_setting WHERE key = 'analyzed-token-rows';
            """)
    }

    /// Counts the unfiltered lists show, kept by triggers, so a new process does not read a whole
    /// index to print "of 100,001" (every start finds SQLite's cache empty): the accounts, and the
    /// unrevoked tokens by the UTC day they expire. Active tokens at a moment are the later days'
    /// sum plus today's tokens still valid, counted in the index (at 1M tokens, counting the 244,356
    /// active ones took 18 ms). Deletes by cascade fire the delete triggers too.
    private static func createListCounters(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE list_counter (name TEXT PRIMARY KEY NOT NULL, value INTEGER NOT NULL) WITHOUT ROWID;
            INSERT INTO list_counter (name, value) VALUES ('accounts', (SELECT COUNT(*) FROM user));
            CREATE TRIGGER list_counter_account_added AFTER INSERT ON user BEGIN
                UPDATE list_counter SET value = value + 1 WHERE name = 'accounts';
            END;
            CREATE TRIGGER list_counter_account_deleted AFTER DELETE ON user BEGIN
                UPDATE list_counter SET value = value - 1 WHERE name = 'accounts';
            END;
            CREATE TABLE unrevoked_tokens_by_expiry_day (day INTEGER PRIMARY KEY NOT NULL, tokens INTEGER NOT NULL);
            INSERT INTO unrevoked_tokens_by_expiry_day (day, tokens)
                SELECT CAST(valid_to / 86400 AS INTEGER), COUNT(*) FROM token WHERE revoked_at IS NULL GROUP BY 1;
            CREATE TRIGGER unrevoked_tokens_added AFTER INSERT ON token WHEN NEW.revoked_at IS NULL BEGIN
                INSERT INTO unrevoked_tokens_by_expiry_day (day, tokens) VALUES (CAST(NEW.valid_to / 86400 AS INTEGER), 1)
                    ON CONFLICT (day) DO UPDATE SET tokens = tokens + 1;
            END;
            CREATE TRIGGER unrevoked_tokens_deleted AFTER DELETE ON token WHEN OLD.revoked_at IS NULL BEGIN
                UPDATE unrevoked_tokens_by_expiry_day SET tokens = tokens - 1 WHERE day = CAST(OLD.valid_to / 86400 AS INTEGER);
            END;
            CREATE TRIGGER unrevoked_tokens_changed AFTER UPDATE OF revoked_at, valid_to ON token
                WHEN OLD.revoked_at IS NULL OR NEW.revoked_at IS NULL BEGIN
                UPDATE unrevoked_tokens_by_expiry_day SET tokens = tokens - 1
                    WHERE OLD.revoked_at IS NULL AND day = CAST(OLD.valid_to / 86400 AS INTEGER);
                INSERT INTO unrevoked_tokens_by_expiry_day (day, tokens)
                    SELECT CAST(NEW.valid_to / 86400 AS INTEGER), 1 WHERE NEW.revoked_at IS NULL
                    ON CONFLICT (day) DO UPDATE SET tokens = tokens + 1;
            END;
            """)
    }

    private static func createDirectory(_ db: Database) throws {
        // Dates are REAL seconds since 1970 (cheap to compare); ids are 16-byte UUID blobs.
        try db.execute(sql: """
            CREATE TABLE organization (
                id BLOB PRIMARY KEY NOT NULL,
                name TEXT NOT NULL COLLATE NOCASE UNIQUE,
                created_at REAL NOT NULL,
                policies_version INTEGER NOT NULL DEFAULT 1
            );
            CREATE TABLE user (
                id BLOB PRIMARY KEY NOT NULL,
                display_name TEXT NOT NULL COLLATE NOCASE,
                login_name TEXT NOT NULL COLLATE NOCASE UNIQUE,
                email TEXT NOT NULL COLLATE NOCASE,
                kind TEXT NOT NULL,
                identity_source TEXT NOT NULL,
                access_level TEXT NOT NULL,
                status TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
                created_at REAL NOT NULL,
                version INTEGER NOT NULL
            );
            CREATE INDEX user_by_display_name ON user(display_name, id);
            CREATE INDEX user_by_email ON user(email);
            CREATE INDEX user_by_created ON user(created_at, id);
            CREATE INDEX user_by_status ON user(status, display_name, id);
            CREATE INDEX user_by_kind ON user(kind, display_name, id);
            CREATE INDEX user_by_source ON user(identity_source, display_name, id);

            CREATE TABLE organization_member (
                organization_id BLOB NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                user_id BLOB NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                PRIMARY KEY (organization_id, user_id)
            ) WITHOUT ROWID;
            CREATE INDEX organization_member_by_user ON organization_member(user_id);

            CREATE TABLE security_group (
                id BLOB PRIMARY KEY NOT NULL,
                organization_id BLOB NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                name TEXT NOT NULL COLLATE NOCASE,
                description TEXT NOT NULL,
                default_role TEXT,
                created_at REAL NOT NULL,
                version INTEGER NOT NULL,
                UNIQUE (organization_id, name)
            );
            CREATE INDEX security_group_by_name ON security_group(name, id);

            CREATE TABLE group_member (
                group_id BLOB NOT NULL REFERENCES security_group(id) ON DELETE CASCADE,
                member_user_id BLOB REFERENCES user(id) ON DELETE CASCADE,
                member_group_id BLOB REFERENCES security_group(id) ON DELETE CASCADE,
                CHECK ((member_user_id IS NULL) <> (member_group_id IS NULL)),
                CHECK (member_group_id IS NULL OR member_group_id <> group_id)
            );
            CREATE UNIQUE INDEX group_member_user ON group_member(group_id, member_user_id) WHERE member_user_id IS NOT NULL;
            CREATE UNIQUE INDEX group_member_group ON group_member(group_id, member_group_id) WHERE member_group_id IS NOT NULL;
            CREATE INDEX group_member_by_user ON group_member(member_user_id) WHERE member_user_id IS NOT NULL;
            CREATE INDEX group_member_by_group ON group_member(member_group_id) WHERE member_group_id IS NOT NULL;

            CREATE TABLE group_permission (
                group_id BLOB NOT NULL REFERENCES security_group(id) ON DELETE CASCADE,
                permission TEXT NOT NULL,
                setting TEXT NOT NULL CHECK (setting IN ('allow', 'deny')),
                PRIMARY KEY (group_id, permission)
            ) WITHOUT ROWID;

            CREATE TABLE token (
                id BLOB PRIMARY KEY NOT NULL,
                display_name TEXT NOT NULL COLLATE NOCASE,
                owner_id BLOB NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                created_by_id BLOB NOT NULL,
                target_organization_id BLOB REFERENCES organization(id) ON DELETE CASCADE,
                scopes TEXT NOT NULL,
                is_full_access INTEGER NOT NULL,
                is_high_privilege INTEGER NOT NULL,
                is_packaging_only INTEGER NOT NULL,
                valid_from REAL NOT NULL,
                valid_to REAL NOT NULL,
                created_at REAL NOT NULL,
                last_used_at REAL,
                revoked_at REAL,
                revoked_reason TEXT,
                revoked_by_id BLOB,
                handle TEXT NOT NULL COLLATE NOCASE,
                digest BLOB NOT NULL UNIQUE,
                generation INTEGER NOT NULL,
                version INTEGER NOT NULL
            );
            CREATE INDEX token_by_valid_to ON token(valid_to, id);
            CREATE INDEX token_by_name ON token(display_name, id);
            CREATE INDEX token_by_created ON token(created_at, id);
            CREATE INDEX token_by_last_used ON token(IFNULL(last_used_at, 0), id);
            CREATE INDEX token_by_owner ON token(owner_id, valid_to, id);
            CREATE INDEX token_by_target ON token(target_organization_id, valid_to, id);
            CREATE INDEX token_active_by_valid_to ON token(valid_to, id) WHERE revoked_at IS NULL;
            CREATE INDEX token_full_access ON token(valid_to, id) WHERE is_full_access = 1;
            CREATE INDEX token_high_privilege ON token(valid_to, id) WHERE is_high_privilege = 1;
            CREATE INDEX token_never_used ON token(valid_to, id) WHERE last_used_at IS NULL;
            CREATE INDEX token_revoked ON token(valid_to, id) WHERE revoked_at IS NOT NULL;

            CREATE TABLE retired_secret (
                digest BLOB PRIMARY KEY NOT NULL,
                token_id BLOB NOT NULL REFERENCES token(id) ON DELETE CASCADE,
                generation INTEGER NOT NULL,
                retired_at REAL NOT NULL
            ) WITHOUT ROWID;
            CREATE INDEX retired_secret_by_token ON retired_secret(token_id);

            CREATE TABLE ssh_key (
                id BLOB PRIMARY KEY NOT NULL,
                user_id BLOB NOT NULL REFERENCES user(id) ON DELETE CASCADE,
                public_line TEXT NOT NULL,
                fingerprint TEXT NOT NULL UNIQUE,
                added_at REAL NOT NULL
            );
            CREATE INDEX ssh_key_by_user ON ssh_key(user_id);

            CREATE TABLE organization_policy (
                organization_id BLOB NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                is_enabled INTEGER NOT NULL,
                maximum_lifespan_days INTEGER NOT NULL,
                packaging_only INTEGER NOT NULL,
                PRIMARY KEY (organization_id, kind)
            ) WITHOUT ROWID;
            CREATE TABLE policy_exemption (
                organization_id BLOB NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
                kind TEXT NOT NULL,
                user_id BLOB REFERENCES user(id) ON DELETE CASCADE,
                group_id BLOB REFERENCES security_group(id) ON DELETE CASCADE,
                CHECK ((user_id IS NULL) <> (group_id IS NULL))
            );
            CREATE INDEX policy_exemption_by_policy ON policy_exemption(organization_id, kind);

            CREATE TABLE audit_event (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                occurred_at REAL NOT NULL,
                actor_id BLOB NOT NULL,
                actor_login TEXT NOT NULL COLLATE NOCASE,
                impersonator_id BLOB,
                impersonator_login TEXT COLLATE NOCASE,
                on_behalf_of_id BLOB,
                on_behalf_of_login TEXT COLLATE NOCASE,
                action TEXT NOT NULL,
                target_kind TEXT NOT NULL,
                target_id TEXT NOT NULL,
                target_name TEXT NOT NULL COLLATE NOCASE,
                organization_id BLOB,
                details TEXT NOT NULL
            );
            CREATE INDEX audit_by_actor ON audit_event(actor_login, id);
            CREATE INDEX audit_by_impersonator ON audit_event(impersonator_login, id) WHERE impersonator_login IS NOT NULL;
            CREATE INDEX audit_by_action ON audit_event(action, id);
            CREATE INDEX audit_by_time ON audit_event(occurred_at);
            CREATE INDEX audit_by_target ON audit_event(target_id, id);
            -- The audit log is append-only: nothing rewrites history, whatever the code above it does.
            CREATE TRIGGER audit_event_is_append_only_update BEFORE UPDATE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            CREATE TRIGGER audit_event_is_append_only_delete BEFORE DELETE ON audit_event
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
            """)
    }
}
