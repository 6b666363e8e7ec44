"""Evidence files: upload throughput of one 50 MB file (local directory, and the Supabase adapter against the local
Storage server over HTTP on 127.0.0.1), and the time to build a verifier pack of 500 linked files.

    PYTHONPATH=. .venv/bin/python bench/bench_evidence.py
"""
from __future__ import annotations

import os
import secrets
import tempfile
import time
from pathlib import Path

MB = 1024 * 1024


def _env(data_dir: Path) -> None:
    os.environ["CBAM_DATA_DIR"] = str(data_dir)
    for var in ("DATABASE_URL", "MIGRATION_DATABASE_URL", "CBAM_STORAGE", "SUPABASE_URL", "SUPABASE_SERVICE_KEY"):
        os.environ.pop(var, None)


def _reset() -> None:
    from core.evidence.storage import _supabase_client
    from core.settings import get_settings
    from db.session import get_engine

    get_settings.cache_clear()
    get_engine.cache_clear()
    _supabase_client.cache_clear()


def _setup():
    from db.migrate import upgrade
    from db.session import get_engine
    from tests.factories import make_org, make_period, make_user

    upgrade()
    engine = get_engine()
    owner = make_user(engine)
    org = make_org(engine, owner)
    return engine, owner, org, make_period(engine, owner, org)


def _pdf(size: int) -> bytes:
    return b"%PDF-1.7\n" + secrets.token_bytes(size - 9)


def _upload_once(engine, owner, org, data: bytes) -> float:
    from core.evidence import upload_files
    from tests.factories import context

    t = time.perf_counter()
    with context(engine, owner, org) as ctx:
        r, = upload_files(ctx, files=[("big.pdf", data)])
    elapsed = time.perf_counter() - t
    assert r.error is None and not r.duplicate, r.error
    return elapsed


def _pack(engine, owner, org, period, n: int) -> tuple[float, float, float, int]:
    from core.evidence import link_file, upload_files, verifier_pack
    from tests.factories import context

    files = [(f"doc {i}.pdf", _pdf(20 * 1024)) for i in range(n)]
    t = time.perf_counter()
    with context(engine, owner, org) as ctx:
        results = upload_files(ctx, files=files)
    t_upload = time.perf_counter() - t
    t = time.perf_counter()
    with context(engine, owner, org) as ctx:
        for r in results:
            link_file(ctx, file_id=r.file.id, period_id=period.id, entity_type="period", entity_id=period.id,
                      field_name="period")
    t_link = time.perf_counter() - t
    t = time.perf_counter()
    with context(engine, owner, org) as ctx:
        pack = verifier_pack(ctx, period_id=period.id)
    assert pack.files == n
    return t_upload, t_link, time.perf_counter() - t, len(pack.data)


def main() -> None:
    from tests.support.storage_server import StorageServer

    size = 50 * MB
    data = _pdf(size)
    for adapter in ("local", "supabase"):
        with tempfile.TemporaryDirectory() as tmp:
            _env(Path(tmp))
            server = None
            if adapter == "supabase":
                server = StorageServer().start()
                os.environ.update(CBAM_STORAGE="supabase", SUPABASE_URL=server.url,
                                  SUPABASE_SERVICE_KEY=server.service_key)
            _reset()
            engine, owner, org, period = _setup()
            times = [_upload_once(engine, owner, org, data[:-8] + secrets.token_bytes(8)) for _ in range(3)]
            best = min(times)
            print(f"{adapter:8s} upload of one 50 MB file: best {best:.2f} s of 3 ({size / MB / best:.0f} MB/s; "
                  f"sniff + SHA-256 + store + row)")
            t_up, t_link, t_pack, pack_size = _pack(engine, owner, org, period, 500)
            print(f"{adapter:8s} 500 files of 20 KB: uploaded in {t_up:.2f} s, linked in {t_link:.2f} s (each with "
                  f"its audit event); verifier pack built in {t_pack:.2f} s ({pack_size / MB:.1f} MB)")
            engine.dispose()
            if server:
                server.stop()
            _reset()


if __name__ == "__main__":
    main()
