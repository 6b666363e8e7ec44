"""Another organization's member can neither list nor download a file, knowing its id, key or path: through the
services, through either storage adapter, and (PostgreSQL) through raw SQL as the app role. Plus the Supabase
adapter's signed URLs over real HTTP."""
import httpx
import psycopg
import pytest

from core.errors import NotFound
from core.evidence import download_url, get_file, link_file, list_files, read_file, upload_files
from core.evidence.storage import LocalStorage, new_key, storage_for
from core.settings import get_settings
from tests.evidence import samples
from tests.evidence.conftest import use_supabase
from tests.factories import context, make_org, make_user


@pytest.fixture
def two_orgs(engine):
    a, b = make_user(engine), make_user(engine)
    return engine, (a, make_org(engine, a, name_en="Alpha")), (b, make_org(engine, b, name_en="Beta"))


def test_another_organization_cannot_list_or_download(two_orgs, adapter):
    engine, (a, org_a), (b, org_b) = two_orgs
    with context(engine, a, org_a) as ctx:
        f = upload_files(ctx, files=[("secret contract.pdf", samples.pdf("alpha only"))])[0].file
    with context(engine, b, org_b) as ctx:
        assert list_files(ctx) == []
        for call in (get_file, read_file, download_url):
            with pytest.raises(NotFound):
                call(ctx, file_id=f.id)
        # knowing the storage key does not help: B's adapter refuses any key outside B's prefix
        with pytest.raises(NotFound):
            storage_for(org_b).get(f.storage_key)
        with pytest.raises(NotFound):
            storage_for(org_b).signed_url(f.storage_key)
        with pytest.raises(NotFound):
            storage_for(org_b).delete(f.storage_key)
        # nor does re-using A's content in B: it is B's own new file, not a pointer to A's
        mine = upload_files(ctx, files=[("copy.pdf", samples.pdf("alpha only"))])[0]
        assert not mine.duplicate and mine.file.id != f.id and mine.file.storage_key.startswith(org_b.hex)
    with context(engine, a, org_a) as ctx:
        assert read_file(ctx, file_id=f.id)[1] == samples.pdf("alpha only")


def test_local_keys_cannot_reach_outside_the_organization(tmp_path):
    import uuid

    org = uuid.uuid4()
    store = LocalStorage(tmp_path / "evidence", org)
    key = new_key(org)
    store.put(key, b"x", "text/csv")
    assert store.get(key) == b"x"
    (tmp_path / "outside.txt").write_text("secret")
    for bad in ("../outside.txt", f"{org.hex}/../../outside.txt", "/etc/passwd", f"{org.hex}/..", f"{org.hex}",
                f"{org.hex}/{'a' * 32}/x", f"{uuid.uuid4().hex}/{'a' * 32}", key.upper(), key + "\x00", key + "\n", ""):
        with pytest.raises(NotFound):
            store.get(bad)
        with pytest.raises(NotFound):
            store.put(bad, b"y", "text/csv")


def test_supabase_adapter_speaks_the_storage_api(storage_server, monkeypatch):
    import uuid

    use_supabase(monkeypatch, storage_server)
    org = uuid.uuid4()
    store = storage_for(org, get_settings())
    key = new_key(org)
    store.put(key, samples.pdf(), "application/pdf")
    assert storage_server.buckets["evidence"][key] == (samples.pdf(), "application/pdf")
    assert store.exists(key) and store.get(key) == samples.pdf()
    # a signed URL downloads without the service key, until it expires
    url = store.signed_url(key, expires_in=60)
    assert url.startswith(storage_server.url + "/storage/v1/object/sign/evidence/" + key + "?token=")
    r = httpx.get(url)
    assert r.status_code == 200 and r.content == samples.pdf()
    tampered = url.replace(key, new_key(org))
    assert httpx.get(tampered).status_code == 400
    real_clock = storage_server.clock
    storage_server.clock = lambda: real_clock() + 61
    r = httpx.get(url)
    assert r.status_code == 400 and r.json()["message"] == "jwt expired"
    storage_server.clock = real_clock
    # without the service key the API refuses
    assert httpx.get(f"{storage_server.url}/storage/v1/object/evidence/{key}").status_code == 403
    store.delete(key)
    assert not store.exists(key) and key not in storage_server.buckets["evidence"]
    store.delete(key)  # deleting what is gone is not an error
    with pytest.raises(NotFound):
        store.get(key)
    methods = {m for m, _ in storage_server.requests}
    assert methods == {"POST", "GET", "DELETE"}


def test_supabase_adapter_goes_through_the_supabase_client(storage_server, monkeypatch):
    """The design names the `supabase` package: requests come from `create_client(url, key).storage`, which
    names itself `supabase-py/<version>` (bare storage3 says `supabase-py/storage3 ...`)."""
    import uuid

    import supabase

    use_supabase(monkeypatch, storage_server)
    org = uuid.uuid4()
    store = storage_for(org, get_settings())
    key = new_key(org)
    store.put(key, b"a,b\n1,2\n", "text/csv")
    assert store.get(key) == b"a,b\n1,2\n"
    (client,) = storage_server.clients
    assert client.split(";")[0] == f"supabase-py/{supabase.__version__}"


def test_row_level_security_hides_evidence_rows(pg_database, pg_engine):
    """Raw SQL as the app role, scoped to organization B, sees none of A's files or links."""
    engine = pg_engine
    a, b = make_user(engine), make_user(engine)
    org_a, org_b = make_org(engine, a), make_org(engine, b)
    from tests.factories import make_period

    period = make_period(engine, a, org_a)
    with context(engine, a, org_a) as ctx:
        f = upload_files(ctx, files=[("a.pdf", samples.pdf())])[0].file
        link_file(ctx, file_id=f.id, period_id=period.id, entity_type="period", entity_id=period.id,
                  field_name="period")
    app = pg_database.app_url.replace("+psycopg", "")
    with psycopg.connect(app) as conn:
        conn.execute("SELECT set_config('app.org_id', %s, true)", (str(org_b),))
        assert conn.execute("SELECT count(*) FROM evidence_file").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM evidence_file WHERE id = %s", (f.id,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM evidence_file WHERE storage_key = %s",
                            (f.storage_key,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM evidence_link").fetchone()[0] == 0
        assert conn.execute("UPDATE evidence_file SET deleted_at = now() WHERE id = %s", (f.id,)).rowcount == 0
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # cannot plant a row in A's organization
            conn.execute("INSERT INTO evidence_link (org_id, created_at, updated_at, version, id, file_id, period_id, "
                         "entity_type, entity_id, field_name) VALUES (%s, now(), now(), 1, gen_random_uuid(), %s, %s, "
                         "'period', %s, 'period')", (org_a, f.id, period.id, period.id))
    with psycopg.connect(app) as conn:
        conn.execute("SELECT set_config('app.org_id', %s, true)", (str(org_a),))
        assert conn.execute("SELECT count(*) FROM evidence_file").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM evidence_link").fetchone()[0] == 1


def test_storage_settings_are_checked(monkeypatch):
    from core.settings import Settings

    assert Settings().storage == "local" and Settings().evidence_max_mb == 50
    monkeypatch.setenv("CBAM_STORAGE", "supabase")
    with pytest.raises(ValueError, match="SUPABASE_URL"):
        Settings()
    monkeypatch.setenv("CBAM_STORAGE", "ftp")
    with pytest.raises(ValueError, match="local or supabase"):
        Settings()
