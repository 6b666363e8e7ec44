"""invitation tokens: one-time invitation links (only the token's SHA-256 stored); on PostgreSQL row-level security
where the organization reads its own tokens and an invitee reads the one token whose hash their transaction holds
(`app.invite_hash`), and through it the membership and organization it invites to

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

APP_ROLE = "cbam_app"

# Written out here (not read from db.rls), so the migration keeps meaning what it meant.
OLD_MEMBERSHIP_READ = ("CREATE POLICY membership_read ON membership FOR SELECT USING (org_id = cbam_org() "
                       "OR user_id = cbam_user() OR lower(invited_email) = cbam_email())")
OLD_ORGANIZATION_READ = ("CREATE POLICY organization_read ON organization FOR SELECT USING (id = cbam_org() OR id IN "
                         "(SELECT org_id FROM membership WHERE user_id = cbam_user() "
                         "OR lower(invited_email) = cbam_email()))")
# The invitee is not a member yet when they open the link: the token's hash, set for their transaction, is what
# lets them read that one invitation (and nothing else of the organization).
BY_TOKEN = "SELECT {col} FROM invitation_token WHERE token_hash = cbam_invite_hash()"
NEW_MEMBERSHIP_READ = ("CREATE POLICY membership_read ON membership FOR SELECT USING (org_id = cbam_org() "
                       "OR user_id = cbam_user() OR lower(invited_email) = cbam_email() "
                       f"OR id IN ({BY_TOKEN.format(col='membership_id')}))")
NEW_ORGANIZATION_READ = ("CREATE POLICY organization_read ON organization FOR SELECT USING (id = cbam_org() OR id IN "
                         "(SELECT org_id FROM membership WHERE user_id = cbam_user() "
                         "OR lower(invited_email) = cbam_email()) "
                         f"OR id IN ({BY_TOKEN.format(col='org_id')}))")
TOKEN_POLICIES = [
    "ALTER TABLE invitation_token ENABLE ROW LEVEL SECURITY",
    "ALTER TABLE invitation_token FORCE ROW LEVEL SECURITY",
    f"GRANT SELECT, INSERT, UPDATE ON invitation_token TO {APP_ROLE}",
    "CREATE POLICY invitation_token_read ON invitation_token FOR SELECT USING (org_id = cbam_org() "
    "OR token_hash = cbam_invite_hash())",
    "CREATE POLICY invitation_token_insert ON invitation_token FOR INSERT WITH CHECK (org_id = cbam_org())",
    "CREATE POLICY invitation_token_update ON invitation_token FOR UPDATE USING (org_id = cbam_org()) "
    "WITH CHECK (org_id = cbam_org())",
]


def upgrade() -> None:
    op.create_table(
        "invitation_token",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("membership_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.Uuid(), nullable=True),
        sa.Column("outcome", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["membership_id"], ["membership.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["app_user.id"]),
        sa.ForeignKeyConstraint(["used_by"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash", name="uq_invitation_token_hash"),
    )
    with op.batch_alter_table("invitation_token", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitation_token_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitation_token_membership_id"), ["membership_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE OR REPLACE FUNCTION cbam_invite_hash() RETURNS text LANGUAGE sql STABLE AS "
                   "$$ SELECT NULLIF(current_setting('app.invite_hash', true), '') $$")
        for stmt in TOKEN_POLICIES:
            op.execute(stmt)
        op.execute("DROP POLICY IF EXISTS membership_read ON membership")
        op.execute(NEW_MEMBERSHIP_READ)
        op.execute("DROP POLICY IF EXISTS organization_read ON organization")
        op.execute(NEW_ORGANIZATION_READ)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP POLICY IF EXISTS organization_read ON organization")
        op.execute(OLD_ORGANIZATION_READ)
        op.execute("DROP POLICY IF EXISTS membership_read ON membership")
        op.execute(OLD_MEMBERSHIP_READ)
        for name in ("invitation_token_read", "invitation_token_insert", "invitation_token_update"):
            op.execute(f"DROP POLICY IF EXISTS {name} ON invitation_token")
        op.execute(f"REVOKE ALL ON invitation_token FROM {APP_ROLE}")
    with op.batch_alter_table("invitation_token", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitation_token_membership_id"))
        batch_op.drop_index(batch_op.f("ix_invitation_token_org_id"))
    op.drop_table("invitation_token")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS cbam_invite_hash()")
