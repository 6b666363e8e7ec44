"""PostgreSQL row-level security: the app role, helper functions and policies.

The app connects as `cbam_app`: it owns nothing, has no BYPASSRLS, and sees rows only through the policies
below, which read the scope set per transaction by `db.session` (`set_config('app.org_id', ..., true)`).
After a transaction the settings read as '' (not NULL), hence NULLIF.
"""
from __future__ import annotations

from dataclasses import dataclass

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


def tenant_table_sql(table: str, grants: str | None = None) -> list[str]:
    """RLS for a table whose rows belong to one organization (`org_id`). Without `grants`, the app role's
    privileges come from its APP_ACCESS entry (migrations before 0015 name theirs; 0015 replaces them)."""
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        *([f"GRANT {grants} ON {table} TO {APP_ROLE}"] if grants else app_grants_sql((table,))),
        f"CREATE POLICY {table}_tenant ON {table} USING (org_id = cbam_org()) WITH CHECK (org_id = cbam_org())",
    ]


def foundation_sql() -> list[str]:
    stmts = [FUNCTIONS]
    stmts += tenant_table_sql("installation", "SELECT, INSERT, UPDATE, DELETE")
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


# Retention (migration 0020): a person appends their own sign-in events; holds and a cancellation are the acting
# organization's; the run log is the operator's alone (no grant: the app role never reads it).
RETENTION_TABLES = ("security_event", "retention_hold", "retention_run", "organization_cancellation")


def retention_sql() -> list[str]:
    stmts = []
    for table in RETENTION_TABLES:
        stmts += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY", f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"]
    stmts += app_grants_sql(("security_event", "retention_hold", "organization_cancellation"))
    stmts += [
        "CREATE POLICY security_event_own ON security_event USING (user_id = cbam_user()) "
        "WITH CHECK (user_id = cbam_user())",
        "CREATE POLICY retention_hold_tenant ON retention_hold USING (org_id = cbam_org()) "
        "WITH CHECK (org_id = cbam_org())",
        "CREATE POLICY organization_cancellation_tenant ON organization_cancellation USING (org_id = cbam_org()) "
        "WITH CHECK (org_id = cbam_org())",
    ]
    return stmts


# Processors (migration 0022): the registry and its notices are the platform's, readable by every signed-in person
# (the public disclosure table); only a person who is a DPO somewhere may add a version (the service checks the
# permission too). The transfer log is a tenant table.
PROCESSOR_TABLES = ("processor_version", "processor_notice", "data_transfer")


def processors_sql() -> list[str]:
    stmts = []
    for table in PROCESSOR_TABLES:
        stmts += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY", f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"]
    stmts += app_grants_sql(PROCESSOR_TABLES)
    stmts += [
        "CREATE POLICY processor_version_read ON processor_version FOR SELECT USING (true)",
        "CREATE POLICY processor_version_insert ON processor_version FOR INSERT WITH CHECK (EXISTS (SELECT 1 FROM "
        "membership m WHERE m.user_id = cbam_user() AND m.role = 'dpo' AND m.status = 'active'))",
        "CREATE POLICY processor_notice_read ON processor_notice FOR SELECT USING (true)",
        "CREATE POLICY data_transfer_tenant ON data_transfer USING (org_id = cbam_org()) "
        "WITH CHECK (org_id = cbam_org())",
    ]
    return stmts


# Consent (migration 0023): every signed-in person reads the policy versions that are scheduled (the one in force
# and the next one announced); drafts and reviews stay with the operator session, which alone writes them.
def consent_sql() -> list[str]:
    return ["ALTER TABLE policy_version ENABLE ROW LEVEL SECURITY",
            "ALTER TABLE policy_version FORCE ROW LEVEL SECURITY",
            *app_grants_sql(("policy_version",)),
            "CREATE POLICY policy_version_announced ON policy_version FOR SELECT USING (status = 'scheduled')"]


# --- what the app role may do, table by table (migration 0015) ------------------------------------------------------
# PostgreSQL lets a role `LOCK TABLE ... IN ACCESS EXCLUSIVE MODE` (and every mode above ROW EXCLUSIVE) when it holds
# a table-level UPDATE, DELETE or TRUNCATE privilege (PostgreSQL 15 manual, LOCK; 17 adds MAINTAIN). One such lock
# held by a request that never ends stops every organization's work. So the app role holds no table-level UPDATE,
# DELETE or TRUNCATE: it updates through column-level UPDATE grants (enough for UPDATE and SELECT ... FOR UPDATE,
# verified on PostgreSQL 15), and deletes through `cbam_delete()`, which deletes one row of the acting
# organization. A new table is one line here, and its migration runs `app_grants_sql((table,))`; a migration that
# adds a column to an updatable table runs it again (column grants name columns, so a new column is not covered).


@dataclass(frozen=True)
class AppAccess:
    insert: bool = True
    update: bool = True   # column-level UPDATE on every column but the keys (`id`, `org_id`)
    delete: bool = False  # only through cbam_delete(), by id, version and the acting organization
    frozen: tuple[str, ...] = ()  # columns the app role may not update (set on the operator session only)


APP_ACCESS: dict[str, AppAccess] = {
    "organization": AppAccess(),
    # a suspension (core.privacy.minors) is set and lifted on the operator session: the suspended person's own
    # session (app_user_update: id = cbam_user()) must not be able to lift it
    "app_user": AppAccess(frozen=("suspended_at",)),
    "membership": AppAccess(),  # removing a member sets its status; the row stays
    "consent_record": AppAccess(update=False),
    "audit_event": AppAccess(update=False),  # append-only
    "installation": AppAccess(),  # archived, never deleted
    "reporting_period": AppAccess(),
    "production_process": AppAccess(delete=True),
    "source_stream": AppAccess(delete=True),
    "purchased_precursor": AppAccess(delete=True),
    "process_input": AppAccess(delete=True),
    "customer": AppAccess(delete=True),  # one without shipments; otherwise archived
    "shipment": AppAccess(delete=True),
    "review_comment": AppAccess(),
    "period_snapshot": AppAccess(update=False),  # never changes
    "customer_request": AppAccess(),
    "evidence_file": AppAccess(),  # a deleted file keeps its row
    "evidence_link": AppAccess(delete=True),
    # tables added after 0015 (granted by migration 0019)
    "invitation_token": AppAccess(),  # used or replaced links are closed, never deleted
    "privacy_request": AppAccess(),
    "privacy_objection": AppAccess(),
    "assistant_setting": AppAccess(),
    "assistant_interaction": AppAccess(update=False),  # a question and its answer never change
    # retention (migration 0020); retention_run has no entry: the operator's alone
    "security_event": AppAccess(update=False),  # append-only: a sign-in happened
    "retention_hold": AppAccess(),  # released, never deleted
    "organization_cancellation": AppAccess(),  # withdrawn, never deleted by the app
    # the breach register (migration 0021): tenant policy on the keeping (operator's) organization; a breach and
    # its notices are updated (details, exemption, delivery) but never deleted (GDPR Art 33(5): document every one)
    "breach": AppAccess(),
    "breach_notice": AppAccess(),
    # processors and third parties (migration 0022): a version never changes, a change is a new version; notices
    # are written on the operator session (they reach every organization's owners); a transfer record never changes
    "processor_version": AppAccess(update=False),
    "processor_notice": AppAccess(insert=False, update=False),
    "data_transfer": AppAccess(update=False),
    # migration 0023: the app role reads scheduled policy versions; drafts and writes go through the operator
    "policy_version": AppAccess(insert=False, update=False),
    # issue 15 (migration 0024)
    "personal_data_access": AppAccess(update=False),  # append-only, hash-chained
    "privacy_impact_assessment": AppAccess(delete=True),  # deleted only once kept three years (PIPL Art 56)
    "minor_report": AppAccess(),
    # issue 13 (migration 0026): deleted with its process or by the editor
    "carbon_price_entry": AppAccess(delete=True),
    # issue 18 (migration 0030): the engine's results per period, replaced in place (upsert), never deleted by the app
    "period_result": AppAccess(),
}
KEY_COLUMNS = ("id", "org_id")  # never changed by the app: a row does not move to another organization


def app_grants_sql(tables: tuple[str, ...] | None = None) -> list[str]:
    """The app role's privileges on `tables` (default: every registered one), from APP_ACCESS. Idempotent."""
    stmts: list[str] = []
    for table in tables or tuple(APP_ACCESS):
        access = APP_ACCESS[table]
        stmts += [f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {table} FROM {APP_ROLE}",
                  f"GRANT {'SELECT, INSERT' if access.insert else 'SELECT'} ON {table} TO {APP_ROLE}"]
        if access.update:
            keys = ", ".join(f"'{k}'" for k in (*KEY_COLUMNS, *access.frozen))
            stmts.append(f"""
DO $$ DECLARE cols text; BEGIN
  SELECT string_agg(quote_ident(column_name), ', ' ORDER BY ordinal_position) INTO cols
    FROM information_schema.columns
   WHERE table_schema = 'public' AND table_name = '{table}' AND column_name NOT IN ({keys});
  EXECUTE format('GRANT UPDATE (%s) ON {table} TO {APP_ROLE}', cols);
END $$;""")
    return stmts


def delete_function_sql() -> list[str]:
    """`cbam_delete(table, id, expected_version)`: deletes one row of the acting organization (the tenant policy's
    own condition, written out: the function runs as its owner) if its version is still the one read; returns the
    number of rows deleted (0: gone, changed meanwhile, or not this organization's). Only registered tables."""
    deletable = ", ".join(f"'{t}'" for t, a in APP_ACCESS.items() if a.delete)
    return [f"""
CREATE OR REPLACE FUNCTION cbam_delete(tbl text, row_id uuid, expected_version integer) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE n integer;
BEGIN
  IF NOT (tbl = ANY (ARRAY[{deletable}])) THEN
    RAISE EXCEPTION 'cbam_delete: rows of % are not deleted by the app', tbl USING ERRCODE = '42501';
  END IF;
  EXECUTE format('DELETE FROM %I WHERE id = $1 AND version = $2 AND org_id = cbam_org()', tbl)
    USING row_id, expected_version;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END $$""",
            "REVOKE ALL ON FUNCTION cbam_delete(text, uuid, integer) FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION cbam_delete(text, uuid, integer) TO {APP_ROLE}"]
