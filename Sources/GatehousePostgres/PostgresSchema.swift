/// The PostgreSQL schema, as versioned migrations applied in order under an advisory lock (so two
/// hosts starting at once migrate once). Like `Schema` for SQLite: a released migration is never
/// edited, only followed by a new one, and its SQL is a literal.
///
/// The same tables and columns as SQLite's (so `db copy` is column for column), with PostgreSQL
/// types: ids `uuid`, digests `bytea`, flags `boolean`, dates `double precision` seconds since 1970
/// (the values SQLite stores, compared the same way). SQLite's `COLLATE NOCASE` becomes
/// `gatehouse_fold(x)` (ASCII letters lowered, compared in code point order, exactly NOCASE) in
/// every unique rule, index, comparison and sort; substring search uses pg_trgm's GIN indexes.
enum PostgresSchema {
    static let migrations: [(identifier: String, sql: String)] = [
        ("pg-v1-directory", directory),
        ("pg-v2-verification-changes", verificationChanges),
        ("pg-v3-directory-changes", directoryChanges),
        ("pg-v4-list-indexes", listIndexes),
        ("pg-v5-disabled-accounts", disabledAccounts),
    ]

    static var identifiers: [String] { migrations.map(\.identifier) }

    /// The key of the advisory lock held while migrating ("gatehous" in ASCII).
    static let migrationLock: Int64 = 0x6761_7465_686F_7573

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS gatehouse_migration (
            identifier text PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """

    private static let directory = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE FUNCTION gatehouse_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
            AS $$ SELECT lower($1 COLLATE "C") $$;

        CREATE TABLE directory_setting (key text PRIMARY KEY, value text NOT NULL);

        CREATE TABLE organization (
            id uuid PRIMARY KEY,
            name text NOT NULL,
            created_at double precision NOT NULL,
            policies_version bigint NOT NULL DEFAULT 1
        );
        CREATE UNIQUE INDEX organization_name ON organization (gatehouse_fold(name));

        CREATE TABLE users (
            id uuid PRIMARY KEY,
            display_name text NOT NULL,
            login_name text NOT NULL,
            email text NOT NULL,
            kind text NOT NULL,
            identity_source text NOT NULL,
            access_level text NOT NULL,
            status text NOT NULL CHECK (status IN ('active', 'disabled')),
            created_at double precision NOT NULL,
            version bigint NOT NULL,
            login_skeleton text
        );
        CREATE UNIQUE INDEX users_login_name ON users (gatehouse_fold(login_name));
        CREATE INDEX users_by_display_name ON users (gatehouse_fold(display_name), id);
        CREATE INDEX users_by_login_name ON users (gatehouse_fold(login_name), id);
        CREATE INDEX users_by_email ON users (gatehouse_fold(email));
        CREATE INDEX users_by_created ON users (created_at, id);
        CREATE INDEX users_by_login_skeleton ON users (login_skeleton);
        CREATE INDEX users_search ON users USING gin (
            gatehouse_fold(display_name) gin_trgm_ops, gatehouse_fold(login_name) gin_trgm_ops, gatehouse_fold(email) gin_trgm_ops);

        CREATE TABLE organization_member (
            organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
            user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            PRIMARY KEY (organization_id, user_id)
        );
        CREATE INDEX organization_member_by_user ON organization_member (user_id);

        CREATE TABLE security_group (
            id uuid PRIMARY KEY,
            organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
            name text NOT NULL,
            description text NOT NULL,
            default_role text,
            created_at double precision NOT NULL,
            version bigint NOT NULL
        );
        CREATE UNIQUE INDEX security_group_name ON security_group (organization_id, gatehouse_fold(name));
        CREATE INDEX security_group_by_name ON security_group (gatehouse_fold(name), id);

        CREATE TABLE group_member (
            group_id uuid NOT NULL REFERENCES security_group(id) ON DELETE CASCADE,
            member_user_id uuid REFERENCES users(id) ON DELETE CASCADE,
            member_group_id uuid REFERENCES security_group(id) ON DELETE CASCADE,
            CHECK ((member_user_id IS NULL) <> (member_group_id IS NULL)),
            CHECK (member_group_id IS NULL OR member_group_id <> group_id)
        );
        CREATE UNIQUE INDEX group_member_user ON group_member (group_id, member_user_id) WHERE member_user_id IS NOT NULL;
        CREATE UNIQUE INDEX group_member_group ON group_member (group_id, member_group_id) WHERE member_group_id IS NOT NULL;
        CREATE INDEX group_member_by_user ON group_member (member_user_id) WHERE member_user_id IS NOT NULL;
        CREATE INDEX group_member_by_group ON group_member (member_group_id) WHERE member_group_id IS NOT NULL;

        CREATE TABLE group_permission (
            group_id uuid NOT NULL REFERENCES security_group(id) ON DELETE CASCADE,
            permission text NOT NULL,
            setting text NOT NULL CHECK (setting IN ('allow', 'deny')),
            PRIMARY KEY (group_id, permission)
        );

        CREATE TABLE token (
            id uuid PRIMARY KEY,
            display_name text NOT NULL,
            owner_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            created_by_id uuid NOT NULL,
            target_organization_id uuid REFERENCES organization(id) ON DELETE CASCADE,
            scopes text NOT NULL,
            is_full_access boolean NOT NULL,
            is_high_privilege boolean NOT NULL,
            is_packaging_only boolean NOT NULL,
            valid_from double precision NOT NULL,
            valid_to double precision NOT NULL,
            created_at double precision NOT NULL,
            last_used_at double precision,
            revoked_at double precision,
            revoked_reason text,
            revoked_by_id uuid,
            handle text NOT NULL,
            digest bytea NOT NULL UNIQUE,
            generation bigint NOT NULL,
            version bigint NOT NULL
        );
        CREATE INDEX token_by_valid_to ON token (valid_to, id);
        CREATE INDEX token_by_name ON token (gatehouse_fold(display_name), id);
        CREATE INDEX token_by_created ON token (created_at, id);
        CREATE INDEX token_by_last_used ON token (COALESCE(last_used_at, 0), id);
        CREATE INDEX token_by_owner ON token (owner_id, valid_to, id);
        CREATE INDEX token_by_owner_name ON token (owner_id, gatehouse_fold(display_name)) WHERE revoked_at IS NULL;
        CREATE INDEX token_by_target ON token (target_organization_id, valid_to, id);
        CREATE INDEX token_active_by_valid_to ON token (valid_to, id) WHERE revoked_at IS NULL;
        CREATE INDEX token_active_by_created ON token (created_at, id) WHERE revoked_at IS NULL;
        CREATE INDEX token_active_by_last_used ON token (COALESCE(last_used_at, 0), id) WHERE revoked_at IS NULL;
        -- The longest lifespan of an active token, in one probe (see the active-by-creation bound).
        CREATE INDEX token_active_lifespan ON token ((valid_to - created_at), valid_to) WHERE revoked_at IS NULL;
        CREATE INDEX token_search ON token USING gin (gatehouse_fold(display_name) gin_trgm_ops, gatehouse_fold(handle) gin_trgm_ops);

        CREATE TABLE retired_secret (
            digest bytea PRIMARY KEY,
            token_id uuid NOT NULL REFERENCES token(id) ON DELETE CASCADE,
            generation bigint NOT NULL,
            retired_at double precision NOT NULL
        );
        CREATE INDEX retired_secret_by_token ON retired_secret (token_id);

        CREATE TABLE ssh_key (
            id uuid PRIMARY KEY,
            user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            public_line text NOT NULL,
            fingerprint text NOT NULL UNIQUE,
            added_at double precision NOT NULL
        );
        CREATE INDEX ssh_key_by_user ON ssh_key (user_id);

        CREATE TABLE organization_policy (
            organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
            kind text NOT NULL,
            is_enabled boolean NOT NULL,
            maximum_lifespan_days bigint NOT NULL,
            packaging_only boolean NOT NULL,
            PRIMARY KEY (organization_id, kind)
        );
        CREATE TABLE policy_exemption (
            organization_id uuid NOT NULL REFERENCES organization(id) ON DELETE CASCADE,
            kind text NOT NULL,
            user_id uuid REFERENCES users(id) ON DELETE CASCADE,
            group_id uuid REFERENCES security_group(id) ON DELETE CASCADE,
            CHECK ((user_id IS NULL) <> (group_id IS NULL))
        );
        CREATE INDEX policy_exemption_by_policy ON policy_exemption (organization_id, kind);

        CREATE TABLE audit_event (
            id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            occurred_at double precision NOT NULL,
            actor_id uuid NOT NULL,
            actor_login text NOT NULL,
            impersonator_id uuid,
            impersonator_login text,
            on_behalf_of_id uuid,
            on_behalf_of_login text,
            action text NOT NULL,
            target_kind text NOT NULL,
            target_id text NOT NULL,
            target_name text NOT NULL,
            organization_id uuid,
            details text NOT NULL
        );
        CREATE INDEX audit_by_actor ON audit_event (gatehouse_fold(actor_login), id);
        CREATE INDEX audit_by_impersonator ON audit_event (gatehouse_fold(impersonator_login), id) WHERE impersonator_login IS NOT NULL;
        CREATE INDEX audit_by_action ON audit_event (action, id);
        CREATE INDEX audit_by_time ON audit_event (occurred_at);
        CREATE INDEX audit_by_target ON audit_event (target_id, id);
        CREATE INDEX audit_by_target_name ON audit_event (gatehouse_fold(target_name));
        CREATE INDEX audit_search ON audit_event USING gin (gatehouse_fold(target_name) gin_trgm_ops);

        CREATE TABLE audit_event_organization (
            event_id bigint NOT NULL REFERENCES audit_event(id),
            organization_id uuid NOT NULL,
            PRIMARY KEY (event_id, organization_id)
        );
        CREATE INDEX audit_event_organization_by_organization ON audit_event_organization (organization_id, event_id);

        -- The audit log is append-only: nothing rewrites history, whatever the code above it does.
        CREATE FUNCTION gatehouse_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
        CREATE TRIGGER audit_event_is_append_only BEFORE UPDATE OR DELETE ON audit_event
            FOR EACH ROW EXECUTE FUNCTION gatehouse_append_only();
        CREATE TRIGGER audit_event_organization_is_append_only BEFORE UPDATE OR DELETE ON audit_event_organization
            FOR EACH ROW EXECUTE FUNCTION gatehouse_append_only();
        """

    /// What other hosts' verification caches learn from: every change a verification depends on
    /// sends, at commit, a notification on `gatehouse_verification` naming the token or the
    /// account (an empty payload: anything), and appends to `verification_change` (the change
    /// log, which a host whose listening connection dropped reads to catch up). Appends, not a
    /// counter row, so that concurrent SERIALIZABLE writers do not collide on it.
    private static let verificationChanges = """
        CREATE TABLE verification_change (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            token_id uuid,
            user_id uuid,
            changed_at timestamptz NOT NULL DEFAULT clock_timestamp()
        );
        CREATE FUNCTION gatehouse_verification_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                token uuid;
                account uuid;
            BEGIN
                IF TG_TABLE_NAME = 'token' THEN
                    IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
                        RETURN NULL;  -- a "last used" stamp (every other update raises the version)
                    END IF;
                    token := COALESCE(OLD.id, NEW.id);
                ELSIF TG_TABLE_NAME = 'users' THEN
                    account := COALESCE(OLD.id, NEW.id);
                ELSIF TG_TABLE_NAME = 'organization_member' THEN
                    account := COALESCE(OLD.user_id, NEW.user_id);
                END IF;
                INSERT INTO verification_change (token_id, user_id) VALUES (token, account);
                PERFORM pg_notify('gatehouse_verification', COALESCE(token::text, account::text, ''));
                RETURN NULL;
            END $$;
        CREATE TRIGGER token_verification_changed AFTER UPDATE OR DELETE ON token
            FOR EACH ROW EXECUTE FUNCTION gatehouse_verification_changed();
        CREATE TRIGGER users_verification_changed AFTER UPDATE OR DELETE ON users
            FOR EACH ROW EXECUTE FUNCTION gatehouse_verification_changed();
        CREATE TRIGGER organization_member_verification_changed AFTER INSERT OR DELETE ON organization_member
            FOR EACH ROW EXECUTE FUNCTION gatehouse_verification_changed();
        CREATE TRIGGER organization_verification_changed AFTER UPDATE OR DELETE ON organization
            FOR EACH ROW EXECUTE FUNCTION gatehouse_verification_changed();
        """

    /// What consoles on other hosts learn from, beyond verification (`pg-v2-verification-changes`):
    /// every change a console shows sends, at commit, a notification naming its kind and, when
    /// the statement changed one thing, its id: `token:<id>`, `account:<id>`, `group:<id>` (a
    /// group or its members), `permissions:<group id>`, `policy:<organization id>`,
    /// `organization:<id>`, `audit:` (`DirectoryChange` parses them).
    ///
    /// Verification's own notifications (`gatehouse_verification`, one per row, logged) now say
    /// their kind too, and an organization's policies version no longer counts as an
    /// organization change there: a policy edit used to empty every host's verification cache,
    /// though no verification reads a policy. The rest (`gatehouse_directory`) is one
    /// notification per statement, not logged and not per row, so a bulk revocation, a `db copy`
    /// or `dev seed` sends a handful, not one per row; nothing on it touches a verification
    /// answer (a new token is not in any cache: unknown tokens are never kept; groups,
    /// permissions and policies are read by each façade call, not cached).
    private static let directoryChanges = """
        CREATE OR REPLACE FUNCTION gatehouse_verification_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                token uuid;
                account uuid;
                payload text;
            BEGIN
                IF TG_TABLE_NAME = 'token' THEN
                    IF TG_OP = 'UPDATE' AND NEW.version = OLD.version THEN
                        RETURN NULL;  -- a "last used" stamp (every other update raises the version)
                    END IF;
                    token := COALESCE(OLD.id, NEW.id);
                    payload := 'token:' || token;
                ELSIF TG_TABLE_NAME = 'users' THEN
                    account := COALESCE(OLD.id, NEW.id);
                    payload := 'account:' || account;
                ELSIF TG_TABLE_NAME = 'organization_member' THEN
                    account := COALESCE(OLD.user_id, NEW.user_id);
                    payload := 'account:' || account;
                ELSE
                    IF TG_OP = 'UPDATE' AND NEW.name = OLD.name THEN
                        RETURN NULL;  -- the policies version moved: policies notify on their own channel
                    END IF;
                    payload := 'organization:' || COALESCE(OLD.id, NEW.id);
                END IF;
                INSERT INTO verification_change (token_id, user_id) VALUES (token, account);
                PERFORM pg_notify('gatehouse_verification', payload);
                RETURN NULL;
            END $$;

        -- Arguments: the kind, and the column naming the changed thing (none for the audit log).
        CREATE FUNCTION gatehouse_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE
                first uuid;
                touched bigint;
                several boolean;
            BEGIN
                IF TG_NARGS < 2 THEN
                    PERFORM 1 FROM changed_rows LIMIT 1;
                    IF FOUND THEN
                        PERFORM pg_notify('gatehouse_directory', TG_ARGV[0] || ':');
                    END IF;
                    RETURN NULL;
                END IF;
                EXECUTE format('SELECT %I FROM changed_rows LIMIT 1', TG_ARGV[1]) INTO first;
                GET DIAGNOSTICS touched = ROW_COUNT;
                IF touched = 0 THEN
                    RETURN NULL;  -- the statement changed nothing
                END IF;
                EXECUTE format('SELECT EXISTS (SELECT 1 FROM changed_rows WHERE %I IS DISTINCT FROM $1)', TG_ARGV[1]) INTO several USING first;
                PERFORM pg_notify('gatehouse_directory', TG_ARGV[0] || ':' || CASE WHEN several THEN '' ELSE first::text END);
                RETURN NULL;
            END $$;
        CREATE TRIGGER token_added_notifies AFTER INSERT ON token REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('token', 'id');
        CREATE TRIGGER users_added_notifies AFTER INSERT ON users REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('account', 'id');
        CREATE TRIGGER ssh_key_added_notifies AFTER INSERT ON ssh_key REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('account', 'user_id');
        CREATE TRIGGER ssh_key_edited_notifies AFTER UPDATE ON ssh_key REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('account', 'user_id');
        CREATE TRIGGER ssh_key_removed_notifies AFTER DELETE ON ssh_key REFERENCING OLD TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('account', 'user_id');
        CREATE TRIGGER organization_added_notifies AFTER INSERT ON organization REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('organization', 'id');
        CREATE TRIGGER security_group_added_notifies AFTER INSERT ON security_group REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('group', 'id');
        CREATE TRIGGER security_group_edited_notifies AFTER UPDATE ON security_group REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('group', 'id');
        CREATE TRIGGER security_group_removed_notifies AFTER DELETE ON security_group REFERENCING OLD TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('group', 'id');
        CREATE TRIGGER group_member_added_notifies AFTER INSERT ON group_member REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('group', 'group_id');
        CREATE TRIGGER group_member_edited_notifies AFTER UPDATE ON group_member REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('group', 'group_id');
        CREATE TRIGGER group_member_removed_notifies AFTER DELETE ON group_member REFERENCING OLD TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('group', 'group_id');
        CREATE TRIGGER group_permission_added_notifies AFTER INSERT ON group_permission REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('permissions', 'group_id');
        CREATE TRIGGER group_permission_edited_notifies AFTER UPDATE ON group_permission REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('permissions', 'group_id');
        CREATE TRIGGER group_permission_removed_notifies AFTER DELETE ON group_permission REFERENCING OLD TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('permissions', 'group_id');
        CREATE TRIGGER organization_policy_added_notifies AFTER INSERT ON organization_policy REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('policy', 'organization_id');
        CREATE TRIGGER organization_policy_edited_notifies AFTER UPDATE ON organization_policy REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('policy', 'organization_id');
        CREATE TRIGGER organization_policy_removed_notifies AFTER DELETE ON organization_policy REFERENCING OLD TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('policy', 'organization_id');
        CREATE TRIGGER policy_exemption_added_notifies AFTER INSERT ON policy_exemption REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('policy', 'organization_id');
        CREATE TRIGGER policy_exemption_edited_notifies AFTER UPDATE ON policy_exemption REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('policy', 'organization_id');
        CREATE TRIGGER policy_exemption_removed_notifies AFTER DELETE ON policy_exemption REFERENCING OLD TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('policy', 'organization_id');
        CREATE TRIGGER audit_event_added_notifies AFTER INSERT ON audit_event REFERENCING NEW TABLE AS changed_rows
            FOR EACH STATEMENT EXECUTE FUNCTION gatehouse_directory_changed('audit');
        """

    /// A Users list filtered to a rare kind or identity source (job agents, 3.5 %) walked the name
    /// index and threw away every other row until a page was full: 13 ms for a page of 40 at 100k
    /// accounts here, 28 ms p50 in the 1M-token bench. With the filter column first, the same keyset page is
    /// an index range: 0.3 ms (EXPLAIN ANALYZE, first and next page). SQLite's planner finds its
    /// own way there (≤ 1 ms).
    private static let listIndexes = """
        CREATE INDEX users_by_kind_display_name ON users (kind, gatehouse_fold(display_name), id);
        CREATE INDEX users_by_source_display_name ON users (identity_source, gatehouse_fold(display_name), id);
        """

    /// Tokens whose owner is disabled (a quick filter): the page walks the tokens in their order and
    /// asks, per token, whether the owner is disabled. Probing the whole users primary key and reading
    /// the row made a page of 40 cost 5–7 ms at 1M tokens (1,300 probes); this index holds only the
    /// disabled accounts (4.5 %), so each probe is an index-only look at a small tree: 2.5 ms.
    private static let disabledAccounts = """
        CREATE INDEX users_disabled ON users (id) WHERE status = 'disabled';
        """
}
