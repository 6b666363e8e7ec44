"""The golden-subject method: one synthetic person planted in every personal-data column (through the services
where they write it, directly where no service does yet) and in an evidence file and its name, and a look-alike
with near-identical values in another organization."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import inspect, select, text, update
from sqlmodel import SQLModel

from core.privacy.datamap import data_map, entries_by_table
from core.privacy.registers.transfers import record_transfer
from db.access_models import ImpactAssessment, MinorReport
from db.assistant_models import AssistantInteraction, AssistantSetting
from db.breach_models import Breach, BreachNotice
from db.exchange_models import CustomerRequest
from db.models import Organization, User
from db.privacy_models import PrivacyObjection, PrivacyRequest
from db.reporting_models import ReviewComment
from db.retention_models import OrganizationCancellation, RetentionHold
from db.session import Scope, scoped_session
from tests.evidence.samples import pdf
from tests.factories import (
    add_member,
    context,
    enter_scenario,
    make_customer,
    make_org,
    make_period,
    make_user,
    sign_off,
)
from tests.support.connections import owner_engine
from tests.support.paths import EXAMPLES

RETAINED = ("audit_event", "privacy_erasure")  # where only pseudonyms (ids) may remain after erasure


@dataclass
class Person:
    email: str
    name: str
    phone: str
    user: User | None = None
    org_id: uuid.UUID | None = None
    owner: User | None = None
    file_bytes: bytes = b""
    file_name: str = ""
    storage_key: str = ""
    extra: dict = field(default_factory=dict)

    def values(self) -> list[str]:
        """Everything that identifies the person, as it may appear in a dump."""
        u = self.user
        return [self.email, self.name, self.phone, u.subject, str(u.id), u.id.hex]

    def personal_values(self) -> list[str]:
        """The values no retained table may keep either (ids stay there as pseudonyms)."""
        return [self.email, self.name, self.phone, self.user.subject]


SUBJECT = ("golden.subject@example.com", "Golden Subject", "+86 138 0000 7777")
LOOKALIKE = ("golden.subjekt@example.com", "Golden Subjekt", "+86 138 0000 7778")


def plant(engine, values: tuple[str, str, str], *, org_name: str) -> Person:  # noqa: ANN001
    from core.evidence import link_file, upload_files

    p = Person(*values)
    steel = json.loads((EXAMPLES / "steel_bof_to_hot_rolled_coil.json").read_text(encoding="utf-8"))
    p.user = make_user(engine, email=p.email, name=p.name)
    owner = make_user(engine, name=f"Owner of {org_name}")
    org = make_org(engine, owner, name_en=org_name)
    p.owner, p.org_id = owner, org
    add_member(engine, owner, org, p.user, "editor")
    period = make_period(engine, owner, org)
    customer = make_customer(engine, owner, org, contact_name=p.name, contact_email=p.email)
    enter_scenario(engine, owner, org, period.id, steel, customer_id=customer.id)
    p.file_name, p.file_bytes = f"{p.name} invoice.pdf", pdf(f"signed by {p.name}")
    with context(engine, p.user, org) as ctx:
        (res,) = upload_files(ctx, files=[(p.file_name, p.file_bytes)])
        p.storage_key = res.file.storage_key
        link_file(ctx, file_id=res.file.id, period_id=period.id, entity_type="period", entity_id=period.id,
                  field_name="period")
        # the carbon price paid in the country of production (issue 13): created_by / updated_by
        from core.reporting.carbon_price import CarbonPriceData, add_carbon_price
        from db.reporting_models import ProductionProcess

        p2 = ctx.session.exec(select(ProductionProcess).where(ProductionProcess.period_id == period.id,
                                                              ProductionProcess.code == "P2")).scalars().one()
        add_carbon_price(ctx, process_id=p2.id, data=CarbonPriceData(
            instrument="China national ETS", country="CN", covered_emissions=1.5, price_per_tco2=97.5, currency="CNY",
            rebate_type="Free allocation", rebated_emissions=1.2, rate_per_eur=8.0, rate_date=date(2025, 12, 31),
            rate_source="ECB"))
    sign_off(engine, org, period.id, submitter=p.user, approver=owner)
    # the access log (issue 15): the person views the members (they are the viewer), the owner views them (they
    # are shown)
    from core.organizations import list_members

    for viewer in (p.user, owner):
        with context(engine, viewer, org) as ctx:
            list_members(ctx)
    now = datetime(2026, 11, 20, 9, tzinfo=UTC)
    with scoped_session(Scope(), owner_engine(engine)) as s:
        s.execute(update(User).where(User.id == p.user.id).values(phone=p.phone))
        s.execute(update(Organization).where(Organization.id == org).values(signatory_name=p.name, contact_phone=p.phone,
                                                                          contact_email=p.email))
        s.add(CustomerRequest(org_id=org, customer_id=customer.id, received_on=date(2026, 11, 1),
                              due_on=date(2026, 11, 30), subject=f"Data for {p.name}, reply to {p.email}",
                              requested_by=p.name, requested_by_email=p.email, answered_by=p.user.id,
                              created_by=p.user.id, updated_by=p.user.id))
        s.add(PrivacyRequest(number=f"PR-{uuid.uuid4().hex[:6]}", org_id=org, requester_user_id=p.user.id,
                             requester_email=p.email, type="access", details=f"I am {p.name}",
                             received_at=now, received_on=now.date(), assigned_to=p.user.id,
                             notes=[{"text": f"called {p.phone}"}],
                             correction={"table": "customer", "row_id": str(customer.id), "column": "contact_name",
                                         "current": p.name, "requested": f"{p.name} ({p.email})"}))
        s.add(ReviewComment(org_id=org, period_id=period.id, field_path="period", text=f"Ask {p.name} ({p.email})",
                            author_id=p.user.id, resolved=True, resolved_by=p.user.id, resolved_at=now))
        s.add(PrivacyObjection(user_id=p.user.id, purpose="marketing", updated_at=now))
        s.add(AssistantInteraction(org_id=org, user_id=p.user.id, question=f"I am {p.name}, why is my cost high?",
                                   answer=f"Dear {p.name}: the cost follows the default values.",
                                   tools=[{"tool": "explain_cost", "asked_by": p.email}], created_by=p.user.id,
                                   updated_by=p.user.id))
        s.add(AssistantSetting(org_id=org, provider_enabled=False))  # its author references are planted below
        # a released legal hold on the person, and a withdrawn cancellation they made (issue 15); the sign-in that
        # make_user went through is in security_event already
        s.add(RetentionHold(org_id=org, user_id=p.user.id, reason="dispute D-1", set_by=p.user.id, set_at=now,
                            released_by=p.user.id, released_at=now))
        s.add(OrganizationCancellation(org_id=org, requested_by=p.user.id, requested_at=now,
                                       delete_on=date(2026, 12, 20), withdrawn_at=now, reminders=[]))
        breach = Breach(org_id=org, number=f"BR-{uuid.uuid4().hex[:6]}", aware_at=now, description="lost laptop",
                        role="controller", severity="general")
        s.add(breach)
        s.flush()
        s.add(BreachNotice(org_id=org, breach_id=breach.id, kind="user", obligation="users", recipient=p.email,
                           recipient_user_id=p.user.id, language="en", due_at=now, status="sent", sent_at=now))
        # the AI helper's transfer log, through the function its provider path writes it with
        record_transfer(s, org_id=org, user_id=p.user.id, recipient="test-model", at=now)
        s.add(MinorReport(org_id=org, user_id=p.user.id, reason=f"{p.name} wrote that they are 16",
                          reported_at=now, answer_due_on=date(2026, 12, 4), status="adult", decided_at=now))
        s.add(ImpactAssessment(org_id=org, title="Customer contacts abroad", trigger="cross_border",
                               assessed_on=date(2026, 11, 20)))
        s.flush()
        # every author reference in the organization's rows points at the person
        for name, entries in entries_by_table().items():
            table = SQLModel.metadata.tables[name]
            authors = [e.column for e in entries if e.reason == "reason.author_reference"]
            where = table.c.id == org if name == "organization" else (
                table.c.org_id == org if "org_id" in table.c else None)
            if authors and where is not None:
                s.execute(update(table).where(where).values({c: p.user.id for c in authors}))
        s.execute(update(User).where(User.id == p.user.id).values(language="en",
                                                                   adult_confirmed_at=now, suspended_at=now))
    return p


def unplanted_columns(engine, p: Person) -> list[str]:  # noqa: ANN001
    """Personal-data columns in which no row holds anything for the person (should be none)."""
    missing = []
    with scoped_session(Scope(), owner_engine(engine)) as s:
        for e in data_map():
            if e.table in ("privacy_erasure",):
                continue  # the ledger is written by an erasure only
            table = SQLModel.metadata.tables[e.table]
            col = table.c[e.column]
            if e.table == "app_user":
                cond = table.c.id == p.user.id
            elif e.table == "audit_event":
                cond = table.c.actor_id == p.user.id
            elif e.table == "organization":
                cond = table.c.id == p.org_id
            elif "org_id" in table.c and e.table != "privacy_request":
                cond = table.c.org_id == p.org_id
            else:
                cond = table.c.user_id == p.user.id if "user_id" in table.c else table.c.requester_user_id == p.user.id
            n = s.execute(select(col).where(cond, col.is_not(None))).scalars().all()
            # a JSON column holds JSON null for None (not SQL NULL): None is not a planted value either
            if not [v for v in n if v is not None and v not in ("", [], {})]:
                missing.append(f"{e.table}.{e.column}")
    return missing


def dump(engine, tables: list[str] | None = None) -> dict[str, list[str]]:  # noqa: ANN001
    """Every row of every table as text, ordered: a full dump of the database."""
    eng = owner_engine(engine)
    names = tables or [t for t in inspect(eng).get_table_names() if t != "alembic_version"]
    out = {}
    with eng.connect() as conn:
        for t in names:
            rows = conn.execute(text(f'SELECT * FROM "{t}"')).mappings().all()
            out[t] = sorted(json.dumps({k: str(v) for k, v in r.items()}, ensure_ascii=False, sort_keys=True)
                            for r in rows)
    return out


def rows_mentioning(dumped: dict[str, list[str]], values: list[str], *, skip=()) -> dict[str, list[str]]:  # noqa: ANN001
    found = {}
    for t, rows in dumped.items():
        if t in skip:
            continue
        hits = [r for r in rows if any(v.casefold() in r.casefold() for v in values)]
        if hits:
            found[t] = hits
    return found
