"""The review workflow, roles, optimistic locking, validation and tenancy of the reporting services."""
from datetime import date

import pytest

from core.errors import ConcurrentChange, DomainError, NotFound, PermissionDenied, ValidationFailed
from core.reporting import (
    CustomerData,
    ProcessData,
    ShipmentData,
    add_comment,
    add_customer,
    add_process,
    add_shipment,
    approve_period,
    list_comments,
    list_periods,
    list_processes,
    list_shipments,
    period_history,
    reopen_period,
    request_changes,
    resolve_comment,
    start_review,
    submit_period,
    update_process,
)
from tests.factories import add_member, context, make_customer, make_org, make_period, make_user

P1 = ProcessData(code="P1", name="BOF", goods_category="Crude steel", route="Basic oxygen steelmaking",
                 cn_code="72071114", activity_level=1000,
                 direct_emissions=1800)


@pytest.fixture
def team(engine):
    owner, editor = make_user(engine, name="Wang Li"), make_user(engine, name="Chen Gang")
    consultant, viewer, dpo = make_user(engine, name="Dr. Berg"), make_user(engine), make_user(engine)
    org = make_org(engine, owner)
    for person, role in ((editor, "editor"), (consultant, "consultant"), (viewer, "viewer"), (dpo, "dpo")):
        add_member(engine, owner, org, person, role)
    return engine, org, owner, editor, consultant, viewer, dpo


def test_draft_review_changes_approve_reopen(team):
    engine, org, owner, editor, consultant, viewer, _dpo = team
    period = make_period(engine, owner, org)
    with context(engine, editor, org) as ctx:
        proc = add_process(ctx, period_id=period.id, data=P1)
        p = submit_period(ctx, period_id=period.id, expected_version=1)
        with pytest.raises(DomainError) as exc:  # submitted: no more editing
            update_process(ctx, process_id=proc.id, data=P1, expected_version=1)
        assert exc.value.key == "reporting.error_period_locked"
    with context(engine, consultant, org) as ctx:
        with pytest.raises(PermissionDenied):
            update_process(ctx, process_id=proc.id, data=P1, expected_version=1)
        p = start_review(ctx, period_id=period.id, expected_version=p.version)
        comment = add_comment(ctx, period_id=period.id, field_path="processes.P1.activity_level",
                              text="Production report says 1 050 t")
        p = request_changes(ctx, period_id=period.id, expected_version=p.version)
        with pytest.raises(PermissionDenied):
            approve_period(ctx, period_id=period.id, expected_version=p.version)
    with context(engine, editor, org) as ctx:
        proc = update_process(ctx, process_id=proc.id, data=P1.model_copy(update={"activity_level": 1050}),
                              expected_version=1)
        with pytest.raises(PermissionDenied):  # the editor fixed it; the comment's author or a reviewer closes it
            resolve_comment(ctx, comment_id=comment.id, expected_version=1)
    with context(engine, consultant, org) as ctx:
        resolve_comment(ctx, comment_id=comment.id, expected_version=1)
    with context(engine, editor, org) as ctx:
        p = submit_period(ctx, period_id=period.id, expected_version=p.version)
        with pytest.raises(PermissionDenied):
            approve_period(ctx, period_id=period.id, expected_version=p.version)
    with context(engine, owner, org) as ctx:
        p = approve_period(ctx, period_id=period.id, expected_version=p.version)
        assert p.status == "approved" and len(p.snapshot_hash) == 64
        with pytest.raises(DomainError) as exc:  # frozen
            update_process(ctx, process_id=proc.id, data=P1, expected_version=proc.version)
        assert exc.value.key == "reporting.error_period_frozen"
    with context(engine, viewer, org) as ctx:
        with pytest.raises(PermissionDenied):
            reopen_period(ctx, period_id=period.id, reason="x", expected_version=p.version)
        assert [c.resolved for c in list_comments(ctx, period_id=period.id)] == [True]
    with context(engine, editor, org) as ctx:  # reopening what was signed off is the owner's (README, Roles)
        with pytest.raises(PermissionDenied):
            reopen_period(ctx, period_id=period.id, reason="Supplier corrected pig iron data",
                          expected_version=p.version)
    with context(engine, owner, org) as ctx:
        with pytest.raises(ValidationFailed):
            reopen_period(ctx, period_id=period.id, reason=" ", expected_version=p.version)
        v2 = reopen_period(ctx, period_id=period.id, reason="Supplier corrected pig iron data",
                           expected_version=p.version)
        assert (v2.version_no, v2.status, v2.previous_id) == (2, "draft", period.id)
        (copy,) = list_processes(ctx, period_id=v2.id)
        assert (copy.code, copy.activity_level) == ("P1", 1050) and copy.id != proc.id
        update_process(ctx, process_id=copy.id, data=P1.model_copy(update={"activity_level": 1060}),
                       expected_version=1)
        with pytest.raises(DomainError):  # only the latest version reopens
            reopen_period(ctx, period_id=period.id, reason="again", expected_version=p.version)
        history = period_history(ctx, period_id=v2.id)
        assert [(h.version_no, h.status) for h in history] == [(1, "approved"), (2, "draft")]
        assert [x.version_no for x in list_periods(ctx)] == [2]
        (old,) = list_processes(ctx, period_id=period.id)
        assert old.activity_level == 1050  # version 1 keeps what was approved


def test_open_comments_block_approval_and_dpo_sees_no_reporting_data(team):
    engine, org, owner, editor, consultant, _viewer, dpo = team
    period = make_period(engine, owner, org)
    with context(engine, editor, org) as ctx:
        add_process(ctx, period_id=period.id, data=P1)
        p = submit_period(ctx, period_id=period.id, expected_version=1)
    with context(engine, consultant, org) as ctx:
        add_comment(ctx, period_id=period.id, field_path="processes.P1", text="Evidence?")
    with context(engine, owner, org) as ctx, pytest.raises(DomainError) as exc:
        approve_period(ctx, period_id=period.id, expected_version=p.version)
    assert exc.value.key == "reporting.error_open_comments"
    with context(engine, dpo, org) as ctx:
        for call in (lambda: list_periods(ctx), lambda: list_processes(ctx, period_id=period.id)):
            with pytest.raises(PermissionDenied):
                call()


def test_second_save_of_a_process_is_refused_with_who_and_when(team):
    engine, org, owner, editor, *_ = team
    period = make_period(engine, owner, org)
    with context(engine, owner, org) as ctx:
        proc = add_process(ctx, period_id=period.id, data=P1)
    with context(engine, editor, org) as ctx:
        update_process(ctx, process_id=proc.id, data=P1.model_copy(update={"name": "BOF shop"}), expected_version=1)
    with context(engine, owner, org) as ctx, pytest.raises(ConcurrentChange) as exc:
        update_process(ctx, process_id=proc.id, data=P1.model_copy(update={"name": "Converter"}), expected_version=1)
    assert exc.value.params["by"] == "Chen Gang" and "UTC" in exc.value.params["at"]
    with context(engine, owner, org) as ctx:
        (row,) = list_processes(ctx, period_id=period.id)
    assert (row.name, row.version) == ("BOF shop", 2)


def test_fields_are_validated_and_nothing_is_saved_on_error(team):
    engine, org, owner, *_ = team
    period = make_period(engine, owner, org, year=2026)
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as exc:
        add_process(ctx, period_id=period.id, data=ProcessData(code="P 1", goods_category="Steel", cn_code="1234",
                                                               activity_level=0, electricity_ef=-1))
    assert {f: e[0] for f, e in exc.value.errors.items()} == {
        "code": "reporting.error_code_format", "goods_category": "reporting.error_goods_category",
        "cn_code": "reporting.error_cn_format", "activity_level": "reporting.error_positive",
        "electricity_ef": "reporting.error_non_negative"}
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as exc:
        add_process(ctx, period_id=period.id, data=P1.model_copy(update={"cn_code": "76011000"}))
    assert exc.value.errors["cn_code"][0] == "reporting.error_cn_category"
    with context(engine, owner, org) as ctx, pytest.raises(ValidationFailed) as exc:
        add_customer(ctx, data=CustomerData(name="", eori="CN123", country="CN", contact_email="nope"))
    assert {f: e[0] for f, e in exc.value.errors.items()} == {
        "name": "validation.required", "country": "reporting.error_country_not_eu",
        "contact_email": "validation.email_format"}
    customer = make_customer(engine, owner, org, contact_name="Anna Schmidt", contact_email="anna@example.de")
    with context(engine, owner, org) as ctx:
        proc = add_process(ctx, period_id=period.id, data=P1)
        with pytest.raises(ValidationFailed) as exc:
            add_shipment(ctx, period_id=period.id, data=ShipmentData(
                customer_id=customer.id, process_id=proc.id, cn_code="72083900", quantity=-5,
                shipped_on=date(2025, 12, 31)))
    assert {f: e[0] for f, e in exc.value.errors.items()} == {
        "cn_code": "reporting.error_cn_not_produced", "quantity": "reporting.error_positive",
        "shipped_on": "reporting.error_date_outside_year"}
    with context(engine, owner, org) as ctx:
        assert list_shipments(ctx, period_id=period.id) == []


def test_another_tenants_reporting_data_is_not_found(engine):
    a, b = make_user(engine), make_user(engine)
    org_a, org_b = make_org(engine, a), make_org(engine, b)
    period_b = make_period(engine, b, org_b)
    with context(engine, b, org_b) as ctx:
        proc_b = add_process(ctx, period_id=period_b.id, data=P1)
    with context(engine, a, org_a) as ctx:
        assert list_periods(ctx) == []
        assert list_processes(ctx, period_id=period_b.id) == []
        with pytest.raises(NotFound):
            add_process(ctx, period_id=period_b.id, data=P1)
        with pytest.raises(NotFound):
            update_process(ctx, process_id=proc_b.id, data=P1, expected_version=1)
