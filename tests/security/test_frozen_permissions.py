"""Permissions and tenancy of the customers' edits, the stored registry details and the version comparison."""
from __future__ import annotations

import pytest

from core.errors import NotFound, PermissionDenied
from core.exchange.registry import report_details
from core.reporting import (
    add_customer,
    delete_customer,
    get_period,
    reopen_period,
    restore_customer,
    update_customer,
)
from core.reporting.compare import compare_versions
from db.reporting_models import Customer
from tests.exchange.exports_support import approved_steel
from tests.reporting.test_customers import _data


@pytest.mark.parametrize("role", ["viewer", "consultant"])
def test_readers_may_not_change_customers(engine, role):
    team = approved_steel(engine, approve=False)
    who = team.viewer if role == "viewer" else team.consultant
    with team.ctx(who) as ctx:
        c = ctx.session.get(Customer, team.other_customer.id)
        for change in (lambda: update_customer(ctx, customer_id=c.id, expected_version=c.version,
                                               data=_data(c, name="X")),
                       lambda: delete_customer(ctx, customer_id=c.id, expected_version=c.version),
                       lambda: restore_customer(ctx, customer_id=c.id, expected_version=c.version),
                       lambda: add_customer(ctx, data=_data(c, eori="FR12345678901"))):
            with pytest.raises(PermissionDenied):
                change()


def test_another_organizations_versions_and_details_are_not_found(engine):
    team = approved_steel(engine, stored_details=True)
    stranger = approved_steel(engine, customer_name="Other Handel GmbH")
    with team.ctx() as ctx:
        v2 = reopen_period(ctx, period_id=team.period.id, reason="x",
                           expected_version=get_period(ctx, period_id=team.period.id).version)
    with stranger.ctx() as ctx:
        with pytest.raises(NotFound):
            compare_versions(ctx, old_period_id=team.period.id, new_period_id=v2.id)
        with pytest.raises(NotFound):
            report_details(ctx, period_id=team.period.id, customer_id=team.customer.id)
        with pytest.raises(NotFound):  # its own period, another organization's customer
            report_details(ctx, period_id=stranger.period.id, customer_id=team.customer.id)
