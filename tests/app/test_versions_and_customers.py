"""Earlier versions stay reachable after a new one is opened (Reporting and Evidence pickers, evidence link labels,
the compare view), and customers are edited, added, deleted and archived on their page."""
from __future__ import annotations

import pytest
from sqlmodel import select

from core.approval.four_eyes import set_four_eyes_approval
from core.evidence import link_file, link_targets, upload_files
from core.i18n import t
from core.installations import list_installations
from core.organizations import get_organization, memberships_of
from core.reporting import (
    approve_period,
    get_period,
    list_customers,
    list_periods,
    reopen_period,
    submit_period,
    update_customer,
)
from db.models import User
from db.reporting_models import Customer
from db.session import Scope, get_engine, scoped_session
from tests.app.conftest import open_app
from tests.evidence import samples
from tests.factories import context
from tests.reporting.test_customers import _data

MILL = "福州热轧厂 Fuzhou hot rolling mill"


def _owner():
    engine = get_engine()
    with scoped_session(Scope(), engine) as s:
        owner = s.exec(select(User).where(User.subject == "demo-owner")).one()
        org_id = memberships_of(s, owner)[0][0].id
        s.expunge(owner)
    return engine, owner, org_id


@pytest.fixture
def reopened(demo_data):
    """Demo Steel's period with evidence linked, approved, then reopened as version 2 with its customer renamed."""
    engine, owner, org = _owner()
    with context(engine, owner, org) as ctx:
        v1 = list_periods(ctx)[0]
        [up] = upload_files(ctx, files=[("meter.pdf", samples.pdf())])
        target = next(x for x in link_targets(ctx, period_id=v1.id) if x.entity_type == "process")
        link_file(ctx, file_id=up.file.id, period_id=v1.id, entity_type="process", entity_id=target.entity_id,
                  field_name="activity_level")
        # the owner signs off alone here: four-eyes approval is not what this fixture is about
        set_four_eyes_approval(ctx, enabled=False, expected_version=get_organization(ctx).version)
        p = submit_period(ctx, period_id=v1.id, expected_version=v1.version)
        p = approve_period(ctx, period_id=v1.id, expected_version=p.version)
        v2 = reopen_period(ctx, period_id=v1.id, reason="customer renamed", expected_version=p.version)
        c = list_customers(ctx)[0]
        update_customer(ctx, customer_id=c.id, expected_version=c.version, data=_data(c, name="Rheinstahl Neu AG"))
        return engine, owner, org, get_period(ctx, period_id=v1.id), v2


def test_reporting_keeps_the_approved_version_selectable_and_compares(reopened):
    _e, _o, _org, v1, v2 = reopened
    at = open_app("owner", "en", "reporting")
    assert not at.exception, [e.value for e in at.exception]
    options = at.selectbox(key="rep_period").options
    labels = {t("reporting.period_label", "en", year=2026, version=n, status=t(f"reporting.status.{s}", "en"))
              for n, s in ((1, "approved"), (2, "draft"))}
    assert labels <= set(options)
    at.selectbox(key="rep_period").set_value(v1.id).run()
    assert not at.exception, [e.value for e in at.exception]
    at.toggle(key=f"rep_compare_on_{v1.id}").set_value(True).run()
    assert not at.exception, [e.value for e in at.exception]
    captions = [c.value for c in at.caption]
    assert t("reporting.read_only_version", "en", version=1, status=t("reporting.status.approved", "en")) in captions
    assert t("reporting.reopen", "en") not in [b.label for b in at.button]  # version 2 is already open
    assert t("compare.section.customers", "en") in [m.value.strip("*") for m in at.markdown]
    frames = [d.value for d in at.dataframe if t("compare.col_new", "en") in d.value.columns]
    assert any("Rheinstahl Neu AG" in list(f[t("compare.col_new", "en")]) for f in frames)
    assert any("Rheinstahl Handel GmbH" in list(f[t("compare.col_old", "en")]) for f in frames)


def test_compare_view_in_chinese(reopened):
    _e, _o, _org, _v1, v2 = reopened
    at = open_app("owner", "zh", "reporting")
    assert not at.exception
    at.toggle(key=f"rep_compare_on_{v2.id}").set_value(True).run()
    assert t("compare.header", "zh") in [s.value for s in at.subheader]
    assert t("compare.section.customers", "zh") in [m.value.strip("*") for m in at.markdown]
    fields = [d.value for d in at.dataframe if t("compare.col_field", "zh") in d.value.columns]
    assert any(t("compare.field.name", "zh") in list(f[t("compare.col_field", "zh")]) for f in fields)


def test_evidence_keeps_earlier_versions_with_their_labels(reopened):
    _e, _o, _org, v1, v2 = reopened
    at = open_app("owner", "en", "evidence")
    assert not at.exception, [e.value for e in at.exception]
    label = {n: t("evidence.period_label", "en", installation=MILL, year=2026, version=n) for n in (1, 2)}
    lines = [x.value for x in at.text]
    assert any(x.startswith(label[1] + " · ") for x in lines), lines  # version 1's link, labelled
    assert any(x.startswith(label[2] + " · ") for x in lines), lines  # carried to version 2
    assert not any(x.startswith(" · ") for x in lines)  # no blank period label
    assert {label[1], label[2]} <= set(at.selectbox(key="ev_pack_period").options)
    coverage = at.dataframe[-1].value
    assert {label[1], label[2]} <= set(coverage[t("evidence.col_period", "en")])


def test_customers_are_edited_added_and_removed_on_their_page(demo_data):
    engine, owner, org = _owner()
    at = open_app("owner", "en", "customers")
    assert not at.exception, [e.value for e in at.exception]
    # add: the form is empty again after saving
    at.text_input(key="cust_name").set_value("Lyon Acier SA")
    at.text_input(key="cust_eori").set_value("FR12345678901")
    at.selectbox(key="cust_country").set_value("FR")
    at.text_input(key="cust_city").set_value("Lyon")
    [save] = [b for b in at.button if b.label == t("common.save", "en")]
    save.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.text_input(key="cust_name").value == "" and at.text_input(key="cust_city").value == ""
    with context(engine, owner, org) as ctx:
        added = next(c for c in list_customers(ctx) if c.eori == "FR12345678901")
        shipped = next(c for c in list_customers(ctx) if c.eori == "DE123456789012345")
    assert added.city == "Lyon"
    # edit
    at.selectbox(key="cust_chosen").set_value(str(shipped.id)).run()
    assert at.text_input(key="cust_name").value == shipped.name
    at.text_input(key="cust_street").set_value("Hafenstraße 2")
    [save] = [b for b in at.button if b.label == t("common.save", "en")]
    save.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    # delete: nothing shipped to the new one, so it goes; the shipped one is archived
    at.selectbox(key="cust_chosen").set_value(str(added.id)).run()
    at.checkbox(key="cust_confirm_delete").check().run()
    at.button(key="cust_delete").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.selectbox(key="cust_chosen").set_value(str(shipped.id)).run()
    at.checkbox(key="cust_confirm_delete").check().run()
    at.button(key="cust_delete").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with scoped_session(Scope(), engine) as s:
        assert s.get(Customer, added.id) is None
        kept = s.get(Customer, shipped.id)
        assert kept.street == "Hafenstraße 2" and kept.archived_at is not None


def test_registry_details_are_edited_on_the_organization_and_installation_pages(demo_data):
    engine, owner, org = _owner()
    at = open_app("owner", "en", "organization")
    assert at.text_input(key="org_signatory_name").value == "王丽 Wang Li"  # the demo seed stores them
    at.text_input(key="org_signatory_name").set_value("Chen Gang")
    at.text_input(key="org_signature_place").set_value("Xiamen")
    [save] = [b for b in at.button if b.label == t("common.save", "en")]
    save.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with context(engine, owner, org) as ctx:
        inst_id = list_installations(ctx)[0].id
    at = open_app("owner", "en", "installations")
    at.selectbox(key="inst_chosen").set_value(str(inst_id)).run()
    assert at.text_input(key="inst_city").value == "Fuzhou"
    at.text_input(key="inst_city").set_value("Mawei")
    [save] = [b for b in at.button if b.label == t("common.save", "en")]
    save.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with context(engine, owner, org) as ctx:
        o = get_organization(ctx)
        assert (o.signatory_name, o.signature_place) == ("Chen Gang", "Xiamen")
        assert list_installations(ctx)[0].city == "Mawei"
