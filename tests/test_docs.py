"""Documentation is tested: every setting, page, role and CLI command is described where users look."""
import subprocess
import sys
from pathlib import Path

import pytest

from core.access import PAGES, ROLES
from core.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECRETS_EXAMPLE = (ROOT / ".streamlit" / "secrets.toml.example").read_text(encoding="utf-8")
SETTINGS = [f.alias for f in Settings.model_fields.values()]


@pytest.mark.parametrize("name", SETTINGS)
def test_every_setting_is_documented(name):
    assert f"`{name}`" in README
    assert f"# {name} =" in SECRETS_EXAMPLE


@pytest.mark.parametrize("page", list(PAGES) + ["onboarding"])
def test_every_page_is_in_the_readme(page):
    assert f"(`{page}`)" in README
    assert (ROOT / "views" / f"{page}.py").is_file()


@pytest.mark.parametrize("role", [r.value for r in ROLES])
def test_every_role_is_in_the_readme(role):
    assert f"\n| {role} |" in README


@pytest.mark.parametrize("provider", ["google", "microsoft", "keycloak", "authing", "supabase"])
def test_oidc_providers_are_documented(provider):
    assert f"[auth.{provider}]" in SECRETS_EXAMPLE


def test_no_real_secrets_file_in_the_repository():
    tracked = subprocess.run(["git", "ls-files", ".streamlit"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "secrets.toml\n" not in tracked.replace("secrets.toml.example", "")


def test_quick_start_is_two_commands():
    block = README.split("## Quick start", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.strip().splitlines()] == [
        "bash scripts/run.sh", "bash scripts/test.sh"]


@pytest.mark.parametrize("args", [["--help"], ["db", "--help"], ["demo", "--help"], ["audit", "--help"],
                                  ["evaluate", "--help"]])
def test_cli_help_in_english(args):
    out = subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert "Usage" in out.stdout
