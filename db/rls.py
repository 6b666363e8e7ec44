"""PostgreSQL row-level security: the app role, helper functions and policies.

The app connects as `cbam_app`: it owns nothing, has no BYPASSRLS, and sees rows only through the policies
below, which read the scope set per transaction by `db.session` (`set_config('app.org_id', ..., true)`).
After a transaction the settings read as '' (not NULL), hence NULLIF.
"""
from __future__ import annotations

APP_ROLE = "cbam_app"

FUNCTIONS = """
CREATE OR REPLACE FUNCTION cbam_org() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;
CREATE OR REPLACE FUNCTION cbam_user() RETURNS uuid LANGUAGE sql STABLE AS
  $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$;
CREATE OR REPLACE FUNCTION cbam_email() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT NULLIF(current_setting('app.email', true), '') $$;
CREATE OR REPLACE FUNCTION cbam_issuer() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT NULLIF(current_setting('app.issuer', true), '') $$;
CREATE OR REPLACE FUNCTION cbam_subject() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT NULLIF(current_setting('app.subject', true), '') $$;
"""


def create_app_role_sql(password: str | None) -> list[str]:
    stmts = [f"""
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
    CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END $$;""",
             f"ALTER ROLE {APP_ROLE} NOSUPERUSER NOBYPASSRLS",
             f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}"]
    if password:
        escaped = password.replace("'", "''")
        stmts.append(f"ALTER ROLE {APP_ROLE} LOGIN PASSWORD '{escaped}'")
    return stmts


def tenant_table_sql(table: str, grants: str = "SELECT, INSERT, UPDATE, DELETE") -> list[str]:
    """RLS for a table whose rows belong to one organization (`org_id`)."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"GRANT {grants} ON {table} TO {APP_ROLE}",
        f"CREATE POLICY {table}_tenant ON {table} USING (org_id = cbam_org()) WITH CHECK (org_id = cbam_org())",
    ]


def foundation_sql() -> list[str]:
    stmts = [FUNCTIONS]
    stmts += tenant_table_sql("installation")
    stmts += [
        # membership: the acting organization's members, plus a person's own memberships and invitations
        "ALTER TABLE membership ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE membership FORCE ROW LEVEL SECURITY",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON membership TO {APP_ROLE}",
        "CREATE POLICY membership_read ON membership FOR SELECT USING (org_id = cbam_org() "
        "OR user_id = cbam_user() OR lower(invited_email) = cbam_email())",
        "CREATE POLICY membership_insert ON membership FOR INSERT WITH CHECK (org_id = cbam_org())",
        "CREATE POLICY membership_update ON membership FOR UPDATE USING (org_id = cbam_org()) "
        "WITH CHECK (org_id = cbam_org())",
        "CREATE POLICY membership_delete ON membership FOR DELETE USING (org_id = cbam_org())",
        # organization: the acting one, and those the person belongs to or is invited to (for the switcher)
        "ALTER TABLE organization ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE organization FORCE ROW LEVEL SECURITY",
        f"GRANT SELECT, INSERT, UPDATE ON organization TO {APP_ROLE}",
        "CREATE POLICY organization_read ON organization FOR SELECT USING (id = cbam_org() OR id IN "
        "(SELECT org_id FROM membership WHERE user_id = cbam_user() OR lower(invited_email) = cbam_email()))",
        "CREATE POLICY organization_insert ON organization FOR INSERT WITH CHECK (id = cbam_org())",
        "CREATE POLICY organization_update ON organization FOR UPDATE USING (id = cbam_org()) "
        "WITH CHECK (id = cbam_org())",
        # app_user: oneself (by id, or by issuer+subject at login) and the acting organization's members
        "ALTER TABLE app_user ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE app_user FORCE ROW LEVEL SECURITY",
        f"GRANT SELECT, INSERT, UPDATE ON app_user TO {APP_ROLE}",
        "CREATE POLICY app_user_read ON app_user FOR SELECT USING (id = cbam_user() "
        "OR (issuer = cbam_issuer() AND subject = cbam_subject()) "
        "OR id IN (SELECT user_id FROM membership WHERE org_id = cbam_org()))",
        "CREATE POLICY app_user_insert ON app_user FOR INSERT "
        "WITH CHECK (issuer = cbam_issuer() AND subject = cbam_subject())",
        "CREATE POLICY app_user_update ON app_user FOR UPDATE USING (id = cbam_user()) WITH CHECK (id = cbam_user())",
        # consent_record: one's own
        "ALTER TABLE consent_record ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE consent_record FORCE ROW LEVEL SECURITY",
        f"GRANT SELECT, INSERT ON consent_record TO {APP_ROLE}",
        "CREATE POLICY consent_own ON consent_record USING (user_id = cbam_user()) WITH CHECK (user_id = cbam_user())",
        # audit_event: append-only for the app (no UPDATE/DELETE grant); the organization's chain or one's own
        "ALTER TABLE audit_event ENABLE ROW LEVEL SECURITY",
        "ALTER TABLE audit_event FORCE ROW LEVEL SECURITY",
        f"GRANT SELECT, INSERT ON audit_event TO {APP_ROLE}",
        f"GRANT USAGE ON SEQUENCE audit_event_id_seq TO {APP_ROLE}",
        "CREATE POLICY audit_read ON audit_event FOR SELECT USING (org_id = cbam_org() "
        "OR (org_id IS NULL AND actor_id = cbam_user()))",
        # replaced by migration 0013: the chain must be the row's organization's (or the person's own), and the
        # actor the person acting
        "CREATE POLICY audit_insert ON audit_event FOR INSERT WITH CHECK (org_id = cbam_org() "
        "OR (org_id IS NULL AND actor_id = cbam_user()))",
    ]
    return stmts


FOUNDATION_TABLES = ("installation", "membership", "organization", "app_user", "consent_record", "audit_event")


def drop_policies_sql(tables: tuple[str, ...]) -> list[str]:
    names = ", ".join(f"'{t}'" for t in tables)
    stmts = [f"""
DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT policyname, tablename FROM pg_policies WHERE schemaname = 'public' AND tablename IN ({names})
  LOOP EXECUTE format('DROP POLICY %I ON %I', r.policyname, r.tablename); END LOOP;
END $$;"""]
    for t in tables:
        stmts += [f"ALTER TABLE {t} NO FORCE ROW LEVEL SECURITY", f"ALTER TABLE {t} DISABLE ROW LEVEL SECURITY",
                  f"REVOKE ALL ON {t} FROM {APP_ROLE}"]
    return stmts


def drop_foundation_sql() -> list[str]:
    stmts = drop_policies_sql(FOUNDATION_TABLES)
    stmts.append(f"REVOKE ALL ON SEQUENCE audit_event_id_seq FROM {APP_ROLE}")
    stmts += [f"DROP FUNCTION IF EXISTS {f}()" for f in ("cbam_org", "cbam_user", "cbam_email", "cbam_issuer",
                                                           "cbam_subject")]
    return stmts


# Reporting (migration 0003): every table is a plain tenant table; snapshots are insert-only for the app.
REPORTING_APPEND_ONLY = ("period_snapshot",)


def reporting_sql(tables: tuple[str, ...]) -> list[str]:
    stmts: list[str] = []
    for table in tables:
        grants = "SELECT, INSERT" if table in REPORTING_APPEND_ONLY else "SELECT, INSERT, UPDATE, DELETE"
        stmts += tenant_table_sql(table, grants)
    return stmts


# Privacy (migration 0016): a request is the requester's and their organization's DPO's; an objection the
# person's own; the erasure ledger is the operator's alone (no grant: the app role never reads it).
def privacy_sql() -> list[str]:
    stmts = []
    for table in ("privacy_request", "privacy_objection", "privacy_erasure"):
        stmts += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY", f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"]
    stmts += [
        f"GRANT SELECT, INSERT, UPDATE ON privacy_request TO {APP_ROLE}",
        "CREATE POLICY privacy_request_access ON privacy_request USING (org_id = cbam_org() "
        "OR requester_user_id = cbam_user()) WITH CHECK (org_id = cbam_org() OR requester_user_id = cbam_user())",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON privacy_objection TO {APP_ROLE}",
        "CREATE POLICY privacy_objection_own ON privacy_objection USING (user_id = cbam_user()) "
        "WITH CHECK (user_id = cbam_user())",
    ]
    return stmts
