"""The production path beside Supabase: the Dockerfile, .dockerignore and compose.yaml say what the app needs, and
the container's start (scripts/docker-entrypoint.sh) migrates and serves in production mode on PostgreSQL.

No Docker engine runs on the build machine (only the client is installed), so no test here builds or starts the
image; everything the image runs is run here without it (see README "Docker and Compose")."""
from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from core.settings import MIN_AUDIT_KEY_LENGTH, Settings, get_settings
from tests.conftest import cluster_lock

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
IGNORED = [line.strip() for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
           if line.strip() and not line.startswith("#")]
ALIASES = {f.alias for f in Settings.model_fields.values()}
ENTRYPOINT = ROOT / "scripts" / "docker-entrypoint.sh"


def instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", "\n".join(line for line in DOCKERFILE.splitlines()
                                          if not line.lstrip().startswith("#")))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines() if line.strip()]


def ignored(path: str) -> bool:
    return any(fnmatch.fnmatch(path, p.rstrip("/")) or path.startswith(p.rstrip("/") + "/") for p in IGNORED)


def test_the_image_is_debian_slim_and_installs_from_the_package_registries_only():
    steps = instructions()
    assert steps[0] == ("FROM", "debian:bookworm-slim")
    runs = " ".join(args for op, args in steps if op == "RUN")
    assert "apt-get install" in runs and "pip install" in runs
    for fetch in ("curl", "wget", "http://", "https://"):  # nothing downloaded outside apt and pip
        assert fetch not in runs
    assert not [args for op, args in steps if op == "ADD"]


def test_the_image_installs_what_pyproject_declares():
    """The dependency layer is built from pyproject.toml's [project] dependencies (the supabase client among them)
    and the OCR extra of the AI helper."""
    run = next(args for op, args in instructions() if op == "RUN" and "tomllib" in args)
    snippet = re.search(r'python -c "(.*?)"\s*>', run).group(1)
    out = subprocess.run([sys.executable, "-c", snippet], cwd=ROOT, capture_output=True, text=True, check=True)
    requirements = out.stdout.split("\n")
    assert any(r.startswith("streamlit[") for r in requirements)
    assert any(r.startswith("supabase") for r in requirements)
    assert any(r.startswith("psycopg[binary]") for r in requirements)
    assert any(r.startswith("rapidocr_onnxruntime") for r in requirements)


def test_the_app_runs_as_a_user_that_is_not_root():
    steps = instructions()
    users = [args.strip() for op, args in steps if op == "USER"]
    assert users and users[-1] not in ("root", "0", "0:0")
    entry = next(i for i, (op, _) in enumerate(steps) if op == "ENTRYPOINT")
    assert max(i for i, (op, _) in enumerate(steps) if op == "USER") < entry
    assert any(op == "RUN" and "useradd" in args and users[-1] in args for op, args in steps)


def test_the_entrypoint_and_copied_files_exist_and_reach_the_image():
    steps = instructions()
    for op, args in steps:
        if op == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert (ROOT / source).exists(), source
    (entry,) = [args for op, args in steps if op == "ENTRYPOINT"]
    path = re.fullmatch(r'\["/app/([^"]+)"\]', entry.strip()).group(1)
    assert (ROOT / path).is_file() and os.access(ROOT / path, os.X_OK)
    assert ("WORKDIR", "/app") in steps
    needed = ["app.py", "pyproject.toml", path, ".streamlit/config.toml", "core/settings.py", "db/migrations/env.py",
              "cli/main.py", "ui/auth.py", "views/home.py"]
    assert [p for p in needed if ignored(p)] == []
    for kept_out in (".streamlit/secrets.toml", "data/cbam.db", ".venv/bin/python", ".git/HEAD", "tests/conftest.py"):
        assert ignored(kept_out), kept_out


def test_the_entrypoint_migrates_then_serves_on_all_interfaces():
    script = ENTRYPOINT.read_text(encoding="utf-8")
    upgrade, serve = script.index("\ncbam db upgrade\n"), script.index("exec streamlit run app.py")
    assert upgrade < serve
    assert "--server.address 0.0.0.0" in script and '--server.port "${PORT:-8501}"' in script
    for args in (["db", "upgrade", "--help"], ["--help"]):  # the commands it runs exist
        done = subprocess.run([str(VENV_BIN / "cbam"), *args], cwd=ROOT, capture_output=True, text=True, timeout=60,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert done.returncode == 0, done.stderr
    assert (VENV_BIN / "streamlit").is_file()


def test_the_healthcheck_asks_streamlit():
    (check,) = [args for op, args in instructions() if op == "HEALTHCHECK"]
    assert "/_stcore/health" in check and "PORT" in check
    assert "/_stcore/health" in " ".join(COMPOSE["services"]["app"]["healthcheck"]["test"])


def test_compose_runs_the_app_beside_postgresql_15_with_health_checks_and_volumes():
    services = COMPOSE["services"]
    assert services["db"]["image"].split(":")[1].startswith("15")
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    app = services["app"]
    assert app["build"] == "."
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    assert {"pgdata", "appdata"} <= set(COMPOSE["volumes"])
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "appdata:/data" in app["volumes"] and app["environment"]["CBAM_DATA_DIR"] == "/data"


def _interpolate(value: str, shell: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default} and ${VAR:?error} with the given shell variables."""
    def one(m: re.Match) -> str:
        name, op, arg = m.group(1), m.group(2), m.group(3)
        if shell.get(name):
            return shell[name]
        if op == ":?":
            raise KeyError(f"{name}: {arg}")
        return arg or ""
    return re.sub(r"\$\{(\w+)(?:(:[-?])([^}]*))?\}", one, str(value))


def test_compose_gives_the_app_the_settings_production_requires(monkeypatch):
    environment = COMPOSE["services"]["app"]["environment"]
    assert set(environment) <= ALIASES, set(environment) - ALIASES  # no misspelled setting
    shell = {"POSTGRES_PASSWORD": "owner-pw", "CBAM_APP_DB_PASSWORD": "app-pw", "CBAM_AUDIT_KEY": "k" * 40}
    for name in shell:  # each secret is required: compose refuses to start without it
        with pytest.raises(KeyError, match=name):
            {k: _interpolate(v, {n: s for n, s in shell.items() if n != name}) for k, v in environment.items()}
    for key, value in environment.items():
        monkeypatch.setenv(key, _interpolate(value, shell))
    get_settings.cache_clear()
    settings = get_settings()  # the same validation the app and `cbam db upgrade` run at start
    assert settings.environment == "production" and settings.is_postgres
    assert settings.effective_database_url == "postgresql+psycopg://cbam_app:app-pw@db:5432/cbam"
    assert settings.effective_migration_url == "postgresql+psycopg://postgres:owner-pw@db:5432/cbam"
    assert settings.app_db_password == "app-pw" and len(settings.audit_key) >= MIN_AUDIT_KEY_LENGTH
    assert settings.storage == "local" and str(settings.data_dir) == "/data"


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthy(port: int, process: subprocess.Popen, log: Path, timeout_s: float = 180) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the entrypoint exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"not healthy after {timeout_s} s:\n{log.read_text()}")


@pytest.mark.postgres
def test_two_containers_starting_together_migrate_once_and_serve_in_production(pg_database, tmp_path):
    """What each container does at start, run here twice at once as the container's user would (production
    settings, the entrypoint script, a fresh database): both migrate (one waits for the other) and serve."""
    from alembic.script import ScriptDirectory

    from db.migrate import alembic_config, current

    env = {k: v for k, v in os.environ.items() if not k.startswith(("CBAM_", "DATABASE_URL", "MIGRATION_"))}
    env.update(PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}", PYTHONPATH=str(ROOT), HOME=str(tmp_path),
               CBAM_ENV="production", DATABASE_URL=pg_database.app_url,
               MIGRATION_DATABASE_URL=pg_database.admin_url, CBAM_AUDIT_KEY="a" * 48)
    starts = []
    with cluster_lock():  # the app role is cluster-wide: other test runs migrate after these two
        for name in ("one", "two"):
            port, log = _free_port(), tmp_path / f"{name}.log"
            out = log.open("w")
            process = subprocess.Popen([str(ENTRYPOINT)], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                       env={**env, "PORT": str(port), "CBAM_DATA_DIR": str(tmp_path / name)})
            starts.append((port, process, log, out))
        try:
            errors: list[BaseException] = []

            def wait(port, process, log) -> None:  # noqa: ANN001
                try:
                    _healthy(port, process, log)
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)

            threads = [threading.Thread(target=wait, args=s[:3]) for s in starts]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            assert not errors, errors[0]
            head = ScriptDirectory.from_config(alembic_config(pg_database.admin_url)).get_current_head()
            assert current(pg_database.admin_url) == head
            for port, *_ in starts:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    assert r.status == 200
        finally:
            for _, process, _, out in starts:
                process.terminate()
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
                out.close()
