import pytest
from pydantic import ValidationError

from core.settings import Settings, normalise_url


def test_defaults_run_the_embedded_database(tmp_path):
    s = Settings(CBAM_DATA_DIR=tmp_path)
    assert s.effective_database_url == f"sqlite:///{tmp_path / 'cbam.db'}"
    assert not s.is_postgres and s.effective_migration_url == s.effective_database_url


def test_supabase_urls_get_the_psycopg_driver():
    assert normalise_url("postgres://u:p@h:5432/db") == "postgresql+psycopg://u:p@h:5432/db"
    assert Settings(DATABASE_URL="postgresql://u@h/db").is_postgres


def test_production_refuses_unsafe_settings():
    with pytest.raises(ValidationError):
        Settings(CBAM_ENV="production", DATABASE_URL="postgresql://u@h/db", CBAM_ALLOW_LOCAL_LOGIN=True)
    with pytest.raises(ValidationError):
        Settings(CBAM_ENV="production")
    with pytest.raises(ValidationError):
        Settings(CBAM_ENV="staging")
