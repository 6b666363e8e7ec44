"""Customer data packs and the customer request log: contents and manifest hashes (recomputed), the snapshot they
name, escaping of user text in the summary, the request flow, and permissions by role."""
from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime

import pytest
from python_calamine import CalamineWorkbook
from sqlmodel import select

from core.clock import FixedClock
from core.errors import DomainError, PermissionDenied, ValidationFailed
from core.exchange.pack import (
    ANSWERED,
    OPEN,
    OVERDUE,
    PackProblems,
    RequestData,
    add_request,
    build_customer_pack,
    list_requests,
)
from core.exchange.registry import ReportDetails, check_report
from db.models import AuditEvent
from tests.exchange.exports_support import DETAILS, approved_steel
from tests.factories import context

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _pack(team, who=None, **kw):
    with context(team.engine, who or team.owner, team.org, clock=FixedClock(NOW)) as ctx:
        return build_customer_pack(ctx, period_id=team.period.id, customer_id=team.customer.id,
                                   details=kw.pop("details", DETAILS), **kw)


def test_pack_contents_and_manifest(sqlite_engine):
    team = approved_steel(sqlite_engine, customer_name="<script>alert('x')</script> Handel GmbH")
    steps = []
    pack = _pack(team, progress=lambda key, fraction: steps.append((key, fraction)))
    assert [k for k, _ in steps][0] == "pack.progress.snapshot" and steps[-1] == ("pack.progress.done", 1.0)
    z = zipfile.ZipFile(io.BytesIO(pack.content))
    names = sorted(z.namelist())
    assert names == sorted(["QReport_DE123456789012345_2026Q1.xml", "communication_template_2026_v1.xlsx",
                            "shipments_DE123456789012345_2026_v1.csv", "summary.html", "manifest.json"])
    manifest = json.loads(z.read("manifest.json"))
    assert manifest["snapshot"]["sha256"] == team.period.snapshot_hash
    assert manifest["snapshot"]["period_id"] == str(team.period.id)
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    for name, entry in listed.items():  # every hash recomputed from the zip
        data = z.read(name)
        assert hashlib.sha256(data).hexdigest() == entry["sha256"] and len(data) == entry["bytes"]
    assert check_report(z.read("QReport_DE123456789012345_2026Q1.xml")) == []
    wb = CalamineWorkbook.from_filelike(io.BytesIO(z.read("communication_template_2026_v1.xlsx")))
    assert "A_InstData" in wb.sheet_names
    html = z.read("summary.html").decode("utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html  # user text escaped, never markup
    assert team.period.snapshot_hash in html and "CBAM 数据包" in html and "CBAM data pack" in html
    with context(sqlite_engine, team.owner, team.org) as ctx:
        events = list(ctx.session.exec(select(AuditEvent).where(AuditEvent.action == "pack.built")))
    assert len(events) == 1 and events[0].after["snapshot"] == team.period.snapshot_hash


def test_pack_refused_while_the_xml_has_problems(sqlite_engine):
    team = approved_steel(sqlite_engine)
    with pytest.raises(PackProblems) as exc:
        _pack(team, details=ReportDetails())
    assert exc.value.key == "pack.error.xml_problems"
    assert {p.params["field"] for _q, p in exc.value.problems} >= {"registry.field.declarant_city",
                                                                   "registry.field.signatory_name"}


def test_pack_for_a_customer_without_shipments_is_refused(sqlite_engine):
    team = approved_steel(sqlite_engine)
    with context(sqlite_engine, team.owner, team.org) as ctx, pytest.raises(DomainError) as exc:
        build_customer_pack(ctx, period_id=team.period.id, customer_id=team.other_customer.id, details=DETAILS)
    assert exc.value.key == "pack.error.no_shipments"


def test_request_log_flow(sqlite_engine):
    team = approved_steel(sqlite_engine)
    data = RequestData(customer_id=team.customer.id, received_on=date(2026, 11, 2), due_on=date(2026, 11, 30),
                       subject="Q1 embedded emissions for our CBAM declaration", requested_by="Jonas Weber",
                       requested_by_email="j.weber@rheinstahl.example")
    late = data.model_copy(update={"subject": "Monitoring plan", "due_on": date(2026, 11, 10)})
    with context(sqlite_engine, team.editor, team.org, clock=FixedClock(NOW)) as ctx:
        req = add_request(ctx, data=data)
        add_request(ctx, data=late)
        views = list_requests(ctx)
    assert [(v.request.subject, v.status) for v in views] == [("Monitoring plan", OVERDUE),
                                                              ("Q1 embedded emissions for our CBAM declaration", OPEN)]
    pack = _pack(team, who=team.editor, request_id=req.id)
    with context(sqlite_engine, team.viewer, team.org, clock=FixedClock(NOW)) as ctx:
        answered = {v.request.id: v for v in list_requests(ctx)}[req.id]
    assert answered.status == ANSWERED
    assert answered.request.answered_on == NOW.date() and answered.request.answered_by == team.editor.id
    assert answered.request.answer_snapshot_hash == team.period.snapshot_hash
    assert {f["name"]: f["sha256"] for f in answered.request.answer_files} == {
        n: hashlib.sha256(zipfile.ZipFile(io.BytesIO(pack.content)).read(n)).hexdigest()
        for n in zipfile.ZipFile(io.BytesIO(pack.content)).namelist()}
    with pytest.raises(DomainError) as exc:
        _pack(team, request_id=req.id)
    assert exc.value.key == "request.error_already_answered"
    with context(sqlite_engine, team.owner, team.org) as ctx:
        actions = [e.action for e in ctx.session.exec(select(AuditEvent).order_by(AuditEvent.seq))]
    assert actions.count("customer_request.created") == 2 and "customer_request.answered" in actions


def test_request_validation(sqlite_engine):
    team = approved_steel(sqlite_engine, approve=False)
    with context(sqlite_engine, team.owner, team.org, clock=FixedClock(NOW)) as ctx, \
            pytest.raises(ValidationFailed) as exc:
        add_request(ctx, data=RequestData(customer_id=team.customer.id, received_on=date(2026, 12, 1),
                                          due_on=date(2026, 11, 1), subject=" ", requested_by_email="nope"))
    assert set(exc.value.errors) == {"received_on", "due_on", "subject", "requested_by_email"}
    with context(sqlite_engine, team.owner, team.org, clock=FixedClock(NOW)) as ctx, \
            pytest.raises(ValidationFailed) as exc:
        add_request(ctx, data=RequestData(customer_id=team.customer.id, received_on=date(2026, 11, 20),
                                          due_on=date(2026, 11, 1), subject="x"))
    assert exc.value.errors["due_on"][0] == "request.error_due_before_received"


@pytest.mark.parametrize("role,may_send", [("owner", True), ("editor", True), ("viewer", False),
                                           ("consultant", False), ("dpo", False)])
def test_permissions_by_role(sqlite_engine, role, may_send):
    team = approved_steel(sqlite_engine)
    who = {"owner": team.owner, "editor": team.editor, "viewer": team.viewer, "consultant": team.consultant,
           "dpo": team.dpo}[role]
    data = RequestData(customer_id=team.customer.id, received_on=date(2026, 11, 2), due_on=date(2026, 11, 30),
                       subject="Q1 data")
    with context(sqlite_engine, who, team.org, clock=FixedClock(NOW)) as ctx:
        if may_send:
            add_request(ctx, data=data)
        else:
            with pytest.raises(PermissionDenied):
                add_request(ctx, data=data)
            with pytest.raises(PermissionDenied):
                build_customer_pack(ctx, period_id=team.period.id, customer_id=team.customer.id, details=DETAILS)
        if role == "dpo":
            with pytest.raises(PermissionDenied):
                list_requests(ctx)
        else:
            assert len(list_requests(ctx)) == (1 if may_send else 0)
    if may_send:
        assert zipfile.ZipFile(io.BytesIO(_pack(team, who=who).content)).testzip() is None
