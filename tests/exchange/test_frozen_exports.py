"""Frozen means frozen: every export of an approved version (registry XML, shipments CSV, customer data pack with
its summary, communication template) shows what was frozen with it, whatever changes afterwards in the live
customer, installation and organization, or in version n+1. And the registry-report details stored on them are
frozen too, and used by default."""
from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from core.clock import FixedClock
from core.errors import DomainError
from core.exchange.csv_export import shipments_csv
from core.exchange.frozen import load_frozen
from core.exchange.overview import customer_files, exports_overview, template_file
from core.exchange.pack import build_customer_pack
from core.exchange.registry import registry_report, report_details
from core.i18n import t
from core.installations import InstallationData, list_installations, update_installation
from core.organizations import OrganizationData, get_organization, update_organization
from core.reporting import (
    CustomerData,
    ShipmentData,
    content_hash,
    delete_customer,
    delete_shipment,
    get_period,
    list_customers,
    list_shipments,
    reopen_period,
    update_customer,
    update_shipment,
)
from db.reporting_models import PeriodSnapshot, ReportingPeriod
from db.session import Scope, make_engine, scoped_session
from tests.exchange.exports_support import DETAILS, approved_steel
from tests.factories import context, sign_off

# Both export runs happen at this one instant: the time stamps an export writes (the XML's SubmissionDate, the
# pack manifest's created_at) are the only things allowed to differ, and this pins them, nothing else.
EXPORTED_AT = FixedClock(datetime(2027, 2, 1, 9, 30, tzinfo=UTC))


def _exports(team) -> dict[str, bytes]:
    """Every export of the team's approved period, for its customer, as bytes."""
    with context(team.engine, team.owner, team.org, EXPORTED_AT) as ctx:
        out = {}
        xml = registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1)
        assert xml.xml is not None, xml.problems  # the stored details fill every required field
        out["registry.xml"] = xml.xml
        out["shipments_all.csv"] = shipments_csv(ctx, period_id=team.period.id).content
        out["shipments_customer.csv"] = shipments_csv(ctx, period_id=team.period.id,
                                                      customer_id=team.customer.id).content
        out["template.xlsx"] = template_file(ctx, period_id=team.period.id).content
        files = customer_files(ctx, period_id=team.period.id, customer_id=team.customer.id, details=DETAILS)
        out["page.xml"] = files.reports[0].xml
        out["page.csv"] = files.csv.content
        pack = build_customer_pack(ctx, period_id=team.period.id, customer_id=team.customer.id)
        out["pack.zip"] = pack.content
        z = zipfile.ZipFile(io.BytesIO(pack.content))
        for name in z.namelist():
            out[f"pack/{name}"] = z.read(name)
        overview = exports_overview(ctx, period_id=team.period.id)
        out["overview"] = repr([(c.customer.name, c.customer.eori, c.quarters, c.shipments)
                                for c in overview.customers]).encode()
    return out


def _change_everything(team) -> None:
    """Rename, re-address and delete what version 1's exports name; open version 2 and change it too."""
    with team.ctx() as ctx:
        v2 = reopen_period(ctx, period_id=team.period.id, reason="customer renamed",
                           expected_version=get_period(ctx, period_id=team.period.id).version)
        c = next(c for c in list_customers(ctx) if c.id == team.customer.id)
        update_customer(ctx, customer_id=c.id, expected_version=c.version, data=CustomerData(
            name="Rheinstahl Neu AG", eori=c.eori, country="DE", city="Köln", street="Neue Straße 9",
            postcode="50667", representative_eori="DE999999999999", representative_name="Zoll Agent GmbH",
            representative_city="Bonn"))
        inst = list_installations(ctx)[0]
        update_installation(ctx, inst.id, InstallationData(
            name="Renamed mill", address="Somewhere else 1", city="Xiamen", country="CN", unlocode="CNXMN",
            latitude=24.5, longitude=118.1, economic_activity="Other"), expected_version=inst.version)
        org = get_organization(ctx)
        update_organization(ctx, OrganizationData(
            name_en="Renamed Steel Ltd", address="New HQ", industry="iron_steel", signatory_name="Someone Else",
            signatory_position="Director", signature_place="Xiamen"), expected_version=org.version)
        ships = list_shipments(ctx, period_id=v2.id)
        first = ships[0]
        update_shipment(ctx, shipment_id=first.id, expected_version=first.version, data=ShipmentData(
            customer_id=first.customer_id, process_id=first.process_id, cn_code=first.cn_code,
            quantity=first.quantity + 1, shipped_on=first.shipped_on, order_reference="CHANGED", basis=first.basis))
        delete_shipment(ctx, shipment_id=ships[-1].id, expected_version=ships[-1].version)
        other = next(c for c in list_customers(ctx) if c.id == team.other_customer.id)
        assert delete_customer(ctx, customer_id=other.id, expected_version=other.version) == "deleted"
        renamed = next(c for c in list_customers(ctx) if c.id == team.customer.id)
        assert delete_customer(ctx, customer_id=renamed.id, expected_version=renamed.version) == "archived"
    return v2


def test_exports_of_an_approved_version_never_change(engine):
    team = approved_steel(engine, stored_details=True)
    before = _exports(team)
    assert b"Rheinstahl Handel GmbH" in before["shipments_all.csv"]
    assert b"<Signature>Jonas Weber</Signature>" in before["registry.xml"]
    v2 = _change_everything(team)
    after = _exports(team)
    assert sorted(after) == sorted(before)
    for name, content in before.items():
        assert after[name] == content, name  # byte for byte
    assert b"Rheinstahl Neu AG" not in after["pack/summary.html"]

    # the changes were real: version 2, approved, exports them
    sign_off(team.engine, team.org, v2.id, submitter=team.editor, approver=team.owner)
    with team.ctx() as ctx:
        csv = shipments_csv(ctx, period_id=v2.id).content.decode("utf-8-sig")
        assert "Rheinstahl Neu AG" in csv and "CHANGED" in csv
        assert report_details(ctx, period_id=v2.id, customer_id=team.customer.id).signatory_name == "Someone Else"
        assert report_details(ctx, period_id=team.period.id,
                              customer_id=team.customer.id).signatory_name == DETAILS.signatory_name


def test_stored_registry_details_are_frozen_and_used_by_default(engine):
    team = approved_steel(engine, stored_details=True)
    with team.ctx(team.viewer) as ctx:
        stored = report_details(ctx, period_id=team.period.id, customer_id=team.customer.id)
        report = registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1)
        typed = registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id, quarter=1,
                                details=stored.model_copy(update={"signatory_name": "Typed Person"}))
    assert stored.model_dump() == DETAILS.model_dump()
    assert report.problems == [] and b"<City>Duisburg</City>" in report.xml and b"<City>Fuzhou</City>" in report.xml
    assert b"<Signature>Typed Person</Signature>" in typed.xml  # what is typed still wins


def test_a_snapshot_frozen_without_export_details_is_refused_not_filled_from_live_rows(engine):
    team = approved_steel(engine)
    # a snapshot as approvals wrote them before the details were kept (the app role may not rewrite snapshots:
    # the database owner does, as the migration of an old database would have left them)
    url = engine.url.set(username="postgres") if engine.dialect.name == "postgresql" else engine.url
    with scoped_session(Scope(), make_engine(url.render_as_string(hide_password=False))) as s:
        snap = s.exec(select(PeriodSnapshot).where(PeriodSnapshot.period_id == team.period.id)).one()
        content = json.loads(snap.content)
        content.pop("export_details")
        snap.content = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        snap.hash = content_hash(snap.content)
        s.get(ReportingPeriod, team.period.id).snapshot_hash = snap.hash
        s.commit()
    with team.ctx() as ctx:
        for export in (lambda: shipments_csv(ctx, period_id=team.period.id),
                       lambda: registry_report(ctx, period_id=team.period.id, customer_id=team.customer.id,
                                               quarter=1, details=DETAILS),
                       lambda: build_customer_pack(ctx, period_id=team.period.id, customer_id=team.customer.id),
                       lambda: template_file(ctx, period_id=team.period.id)):
            with pytest.raises(DomainError) as err:
                export()
            assert err.value.key == "frozen.error.incomplete"
    for lang in ("en", "zh"):
        assert t("frozen.error.incomplete", lang, year=2026, version=1) != "frozen.error.incomplete"


def test_the_snapshot_carries_customers_and_each_shipments_customer(engine):
    team = approved_steel(engine, stored_details=True)
    with team.ctx() as ctx:
        frozen = load_frozen(ctx, team.period.id)
    assert {c.eori for c in frozen.customers.values()} == {"DE123456789012345", "NL123456789"}
    assert all(s.customer_id == team.customer.id for s in frozen.shipments)
    assert frozen.organization.signatory_name == "Jonas Weber" and frozen.installation.city == "Fuzhou"


def test_a_text_frozen_as_null_reads_as_empty_and_the_report_asks_for_it():
    """Rows bulk-loaded outside the services (the consultant-scale seed) froze null registry addresses; the exports
    page crashed on them. Read back, they are empty texts: the report's problems name them, nothing fails."""
    import uuid as _uuid

    from core.exchange.frozen import FrozenCustomer, FrozenOrganization, _fields

    raw = {"id": str(_uuid.uuid4()), "name": "Importer GmbH", "eori": "DE123456789012345", "country": "DE",
           "city": None, "street": None, "postcode": None, "representative_eori": None}
    c = FrozenCustomer(id=_uuid.UUID(raw["id"]), **_fields(FrozenCustomer, raw))
    assert (c.city, c.street, c.postcode, c.representative_eori) == ("", "", "", "")
    o = FrozenOrganization(**_fields(FrozenOrganization, {"name_en": "Mill", "eori": None, "city": None}))
    assert o.eori is None and o.city == ""  # an optional id stays absent; a text is empty
