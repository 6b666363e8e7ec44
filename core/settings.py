"""One place for the platform's settings (environment variables; `.env` is not read).

Every field here is documented in `.streamlit/secrets.toml.example` and the README (a test checks it).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Outside production only: anyone can read this key, so chains hashed with it prove nothing against tampering.
DEVELOPMENT_AUDIT_KEY = "cbam-development-audit-key-not-secret"
MIN_AUDIT_KEY_LENGTH = 32


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", populate_by_name=True)

    # The database the app uses. Empty: the embedded SQLite file under data_dir.
    database_url: str = Field(default="", alias="DATABASE_URL")
    # The owner connection migrations run on (PostgreSQL: the role that owns the schema). Empty: database_url.
    migration_database_url: str = Field(default="", alias="MIGRATION_DATABASE_URL")
    # Where the embedded database, evidence files and loaded reference data live.
    data_dir: Path = Field(default=PROJECT_ROOT / "data", alias="CBAM_DATA_DIR")
    # "development" or "production". Production refuses unsafe settings.
    environment: str = Field(default="development", alias="CBAM_ENV")
    # Allow the local demo login against PostgreSQL (never in production).
    allow_local_login: bool = Field(default=False, alias="CBAM_ALLOW_LOCAL_LOGIN")
    # Password given to the app role `cbam_app` by `cbam db upgrade` on PostgreSQL (empty: no password, trust).
    app_db_password: str = Field(default="", alias="CBAM_APP_DB_PASSWORD")
    # The privacy policy version users must accept (the platform's policy, see README).
    privacy_policy_version: str = Field(default="1.0", alias="CBAM_PRIVACY_POLICY_VERSION")
    # Evidence files: the largest upload accepted, in MB (1 MB = 1,048,576 bytes).
    evidence_max_mb: int = Field(default=50, ge=1, le=2048, alias="CBAM_EVIDENCE_MAX_MB")
    # Where evidence files are stored: "local" (a directory under data_dir) or "supabase" (Supabase Storage).
    storage: str = Field(default="local", alias="CBAM_STORAGE")
    # Supabase project URL and service-role key for Supabase Storage (server side only, never shown to users).
    supabase_url: str = Field(default="", alias="SUPABASE_URL")
    supabase_service_key: str = Field(default="", alias="SUPABASE_SERVICE_KEY")
    # The private Supabase Storage bucket evidence files go to (objects under the organization's id).
    storage_bucket: str = Field(default="evidence", alias="CBAM_STORAGE_BUCKET")
    # The secret key of the audit log's keyed hashes (HMAC-SHA-256), kept outside the database. Empty: a fixed
    # development key (refused in production).
    audit_key: str = Field(default="", alias="CBAM_AUDIT_KEY", repr=False)
    # Where `cbam audit anchor` writes the chains' heads, outside the database. Empty: data_dir/audit-anchors.
    audit_anchor_dir: Path | None = Field(default=None, alias="CBAM_AUDIT_ANCHOR_DIR")
    # AI helper: an OpenAI-compatible chat API (DeepSeek, Qwen/DashScope, a local Ollama, OpenAI, Azure). Empty base
    # URL or model: only the offline assistant. An owner still switches it on per organization.
    ai_base_url: str = Field(default="", alias="CBAM_AI_BASE_URL")
    ai_api_key: str = Field(default="", alias="CBAM_AI_API_KEY", repr=False)
    ai_model: str = Field(default="", alias="CBAM_AI_MODEL")
    # Seconds one call to the AI service may take before the offline answer is given instead.
    ai_timeout: float = Field(default=20.0, gt=0, le=300, alias="CBAM_AI_TIMEOUT")
    # E-mail (invitations, review notifications) through an SMTP server. Empty host: no mail is sent (the
    # invitation link is shown to copy instead).
    smtp_host: str = Field(default="", alias="CBAM_SMTP_HOST")
    smtp_port: int = Field(default=0, ge=0, le=65535, alias="CBAM_SMTP_PORT")  # 0: 25, 587 (starttls), 465 (ssl)
    smtp_username: str = Field(default="", alias="CBAM_SMTP_USERNAME")
    smtp_password: str = Field(default="", alias="CBAM_SMTP_PASSWORD", repr=False)
    # "none", "starttls" or "ssl" (implicit TLS)
    smtp_security: str = Field(default="starttls", alias="CBAM_SMTP_SECURITY")
    mail_from: str = Field(default="", alias="CBAM_MAIL_FROM")
    # The platform operator's own organization (its id): its DPOs keep the platform's breach register, which
    # names affected organizations and people anywhere on the platform. Empty: nobody can record a breach.
    operator_org_id: str = Field(default="", alias="CBAM_OPERATOR_ORG_ID")
    # The address people open the app at, for links in e-mails (e.g. https://cbam.example.com).
    app_url: str = Field(default="http://localhost:8501", alias="CBAM_APP_URL")

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Settings:
        if self.environment not in ("development", "production", "test"):
            raise ValueError("CBAM_ENV must be development, production or test")
        if self.environment == "production" and self.allow_local_login:
            raise ValueError("CBAM_ALLOW_LOCAL_LOGIN cannot be set in production")
        if self.storage not in ("local", "supabase"):
            raise ValueError("CBAM_STORAGE must be local or supabase")
        if self.storage == "supabase" and not (self.supabase_url and self.supabase_service_key):
            raise ValueError("CBAM_STORAGE=supabase needs SUPABASE_URL and SUPABASE_SERVICE_KEY")
        if self.smtp_security not in ("none", "starttls", "ssl"):
            raise ValueError("CBAM_SMTP_SECURITY must be none, starttls or ssl")
        if self.smtp_host and not self.mail_from:
            raise ValueError("CBAM_SMTP_HOST needs CBAM_MAIL_FROM")
        if self.environment == "production" and not self.database_url:
            raise ValueError("production needs DATABASE_URL (PostgreSQL)")
        if self.environment == "production" and len(self.audit_key) < MIN_AUDIT_KEY_LENGTH:
            raise ValueError(f"production needs CBAM_AUDIT_KEY (at least {MIN_AUDIT_KEY_LENGTH} characters)")
        return self

    @property
    def effective_audit_key(self) -> bytes:
        return (self.audit_key or DEVELOPMENT_AUDIT_KEY).encode()

    @property
    def effective_audit_anchor_dir(self) -> Path:
        return self.audit_anchor_dir or self.data_dir / "audit-anchors"

    @property
    def effective_smtp_port(self) -> int:
        return self.smtp_port or {"none": 25, "starttls": 587, "ssl": 465}[self.smtp_security]

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return normalise_url(self.database_url)
        return f"sqlite:///{self.data_dir / 'cbam.db'}"

    @property
    def effective_migration_url(self) -> str:
        return normalise_url(self.migration_database_url) if self.migration_database_url else self.effective_database_url

    @property
    def is_postgres(self) -> bool:
        return self.effective_database_url.startswith("postgresql")


def normalise_url(url: str) -> str:
    """Supabase and Heroku hand out `postgres://` URLs; SQLAlchemy wants a driver name."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
