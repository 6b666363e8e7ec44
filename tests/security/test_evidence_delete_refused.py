"""A refused evidence delete leaves every version's stored object in place: objects go only after the deletion
committed."""
from __future__ import annotations

import pytest

from core.errors import ConcurrentChange
from core.evidence import delete_file, file_history, replace_file, upload_files
from core.evidence.storage import storage_for
from tests.factories import context, make_org, make_user

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _versions(engine, owner, org):
    with context(engine, owner, org) as ctx:
        v1, = (r.file for r in upload_files(ctx, files=[("meter.pdf", PDF + b"% v1\n")]))
    with context(engine, owner, org) as ctx:
        v2 = replace_file(ctx, file_id=v1.id, name="meter.pdf", data=PDF + b"% v2\n", expected_version=v1.version)
    with context(engine, owner, org) as ctx:
        v3 = replace_file(ctx, file_id=v2.id, name="meter.pdf", data=PDF + b"% v3\n", expected_version=v2.version)
    return v1, v2, v3


def test_a_stale_delete_is_refused_and_keeps_every_version(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    v1, v2, v3 = _versions(engine, owner, org)
    store = storage_for(org)
    with pytest.raises(ConcurrentChange), context(engine, owner, org) as ctx:
        delete_file(ctx, file_id=v3.id, expected_version=v3.version - 1)  # someone saved it since it was read
    for v, tag in ((v1, b"v1"), (v2, b"v2"), (v3, b"v3")):
        assert store.exists(v.storage_key), f"version {v.version_no} lost its stored object"
        assert store.get(v.storage_key).endswith(b"% " + tag + b"\n")
    with context(engine, owner, org) as ctx:
        history = file_history(ctx, file_id=v3.id)
        assert [h.version_no for h in history] == [1, 2, 3]
        assert all(h.deleted_at is None for h in history)


def test_a_delete_that_rolls_back_later_keeps_the_objects_and_one_that_commits_removes_them(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    v1, v2, v3 = _versions(engine, owner, org)
    store = storage_for(org)

    class Later(Exception):
        pass

    with pytest.raises(Later), context(engine, owner, org) as ctx:
        delete_file(ctx, file_id=v3.id, expected_version=v3.version)
        assert all(store.exists(v.storage_key) for v in (v1, v2, v3))  # nothing removed before the commit
        raise Later  # a later step of the same transaction fails
    assert all(store.exists(v.storage_key) for v in (v1, v2, v3))
    with context(engine, owner, org) as ctx:
        delete_file(ctx, file_id=v3.id, expected_version=v3.version)
    assert not any(store.exists(v.storage_key) for v in (v1, v2, v3))
