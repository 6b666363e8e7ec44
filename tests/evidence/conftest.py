"""Fixtures for the evidence tests: an organization with the worked steel example entered as a 2026 period, and
the storage adapters (local directory; Supabase Storage against a real local HTTP server)."""
from __future__ import annotations

import json

import pytest

from core.evidence.storage import _supabase_client
from core.settings import get_settings
from tests.factories import enter_scenario, make_customer, make_org, make_period, make_user
from tests.support.paths import EXAMPLES
from tests.support.storage_server import StorageServer


@pytest.fixture
def steel() -> dict:
    return json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8"))


@pytest.fixture
def steel_org(engine, steel):
    """(engine, owner, org id, period, code → row id) with the steel example entered."""
    owner = make_user(engine, name="Wang Li")
    org = make_org(engine, owner)
    period = make_period(engine, owner, org)
    customer = make_customer(engine, owner, org)
    ids = enter_scenario(engine, owner, org, period.id, steel, customer_id=customer.id)
    return engine, owner, org, period, ids


@pytest.fixture
def storage_server():
    server = StorageServer().start()
    yield server
    server.stop()


def use_supabase(monkeypatch, server: StorageServer) -> None:
    monkeypatch.setenv("CBAM_STORAGE", "supabase")
    monkeypatch.setenv("SUPABASE_URL", server.url)
    monkeypatch.setenv("SUPABASE_SERVICE_KEY", server.service_key)
    get_settings.cache_clear()
    _supabase_client.cache_clear()


@pytest.fixture(params=["local", "supabase"])
def adapter(request, monkeypatch):
    """Runs a test with each storage adapter; yields the server (None for the local directory)."""
    if request.param == "local":
        yield None
        return
    server = StorageServer().start()
    use_supabase(monkeypatch, server)
    yield server
    server.stop()
    _supabase_client.cache_clear()
