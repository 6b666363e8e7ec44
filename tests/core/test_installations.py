"""Installations: validation, duplicates, archiving, and two people saving the same one."""
import pytest

from core.errors import ConcurrentChange, NotFound, PermissionDenied, ValidationFailed
from core.installations import (
    InstallationData,
    add_installation,
    archive_installation,
    list_installations,
    update_installation,
)
from tests.factories import add_member, context, make_installation, make_org, make_user


def test_create_validates_every_field_and_saves_nothing_on_error(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    bad = InstallationData(name="", address="", country="XX", unlocode="DEHAM", latitude=95, longitude=None)
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as exc:
        add_installation(ctx, bad)
    assert {f: e[0] for f, e in exc.value.errors.items()} == {
        "name": "validation.required", "address": "validation.required", "country": "validation.country_unknown",
        "unlocode": "validation.unlocode_country_mismatch", "latitude": "validation.latitude_range",
        "longitude": "validation.coordinates_pair"}
    with context(engine, owner, org) as ctx:
        assert list_installations(ctx) == []


def test_duplicate_names_are_refused_case_insensitively(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    make_installation(engine, owner, org, name="Kiln 1")
    with pytest.raises(ValidationFailed) as exc:
        make_installation(engine, owner, org, name="kiln 1")
    assert exc.value.errors["name"][0] == "installations.error_duplicate_name"
    # another organization may use the same name
    other = make_user(engine)
    other_org = make_org(engine, other)
    make_installation(engine, other, other_org, name="Kiln 1")


def test_second_concurrent_save_is_refused_with_who_and_when(engine):
    owner, editor = make_user(engine, name="Wang Li"), make_user(engine, name="Chen Gang")
    org = make_org(engine, owner)
    add_member(engine, owner, org, editor, "editor")
    inst = make_installation(engine, owner, org, name="Mill")
    # both read version 1; the editor saves first
    with context(engine, editor, org) as ctx:
        update_installation(ctx, inst.id, InstallationData(name="Mill (editor)", address="A"), expected_version=1)
    with context(engine, owner, org) as ctx, pytest.raises(ConcurrentChange) as exc:
        update_installation(ctx, inst.id, InstallationData(name="Mill (owner)", address="B"), expected_version=1)
    assert exc.value.params["by"] == "Chen Gang" and "UTC" in exc.value.params["at"]
    with context(engine, owner, org) as ctx:
        (row,) = list_installations(ctx)
    assert (row.name, row.version) == ("Mill (editor)", 2)


def test_archive_hides_and_viewer_cannot_write(engine):
    owner, viewer = make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    add_member(engine, owner, org, viewer, "viewer")
    inst = make_installation(engine, owner, org, name="Old plant")
    with context(engine, viewer, org) as ctx:
        assert [i.name for i in list_installations(ctx)] == ["Old plant"]
        with pytest.raises(PermissionDenied):
            archive_installation(ctx, inst.id, expected_version=1)
    with context(engine, owner, org) as ctx:
        archive_installation(ctx, inst.id, expected_version=1)
        assert list_installations(ctx) == []
        assert [i.name for i in list_installations(ctx, include_archived=True)] == ["Old plant"]


def test_other_tenants_installation_is_not_found(engine):
    a, b = make_user(engine), make_user(engine)
    org_a, org_b = make_org(engine, a), make_org(engine, b)
    inst_b = make_installation(engine, b, org_b, name="B's plant")
    with context(engine, a, org_a) as ctx:
        with pytest.raises(NotFound):
            update_installation(ctx, inst_b.id, InstallationData(name="hijack", address="x"), expected_version=1)
        assert list_installations(ctx) == []
