"""Exports of an approved period for one EU customer (`cbam export xml`, `cbam export pack`).

The CLI acts as a person: `--as EMAIL` names an active member of the organization, and that member's role
decides what is allowed, exactly as in the app (the registry XML needs DATA_VIEW, a data pack EXCHANGE_SEND).
Only finding the person, the organization and the period uses the owner connection (as `cbam audit verify`
does); the export itself runs through the app's connection scoped to that person and organization, so
row-level security applies and the pack is audited under their name.
"""
from __future__ import annotations

import json
import uuid
from pathlib import Path

import typer
from sqlmodel import or_, select

from core.errors import DomainError
from core.i18n import t
from core.settings import get_settings

export_app = typer.Typer(help="Exports of an approved (frozen) period for one EU customer.", no_args_is_help=True)

ORG = typer.Option(..., "--org", help="Organization: its id, or its English or Chinese name.")
PERIOD = typer.Option(..., "--period", help="Approved period: its id, or YEAR or YEAR/vN (newest approved version).")
CUSTOMER = typer.Option(..., "--customer", help="The EU customer's EORI number.")
AS = typer.Option(..., "--as", help="Act as this member (email); their role decides what is allowed.")


class _Refused(Exception):
    def __init__(self, key: str, **params: object) -> None:
        self.key, self.params = key, params


def _fail(key: str, params: dict, problems: list | None = None) -> None:
    out: dict = {"error": {"key": key, "params": {k: str(v) for k, v in params.items()},
                           "message": t(key, "en", **params)}}
    if problems:
        out["problems"] = [{"quarter": q, "key": p.key, "message": t(p.key, "en", **_labels(p.params))}
                           for q, p in problems]
    typer.echo(json.dumps(out, ensure_ascii=False), err=True)
    raise typer.Exit(code=2)


def _labels(params: dict) -> dict:
    return {k: t(v, "en") if k == "field" else v for k, v in params.items()}


def _resolve(org: str, period: str, customer: str, person: str):
    """(user, org_id, period_id, customer_id) found through the owner connection."""
    from core.organizations.service import role_in
    from core.tenancy import person_by_email
    from db.models import Organization
    from db.reporting_models import Customer, ReportingPeriod
    from db.session import Scope, make_engine, scoped_session

    with scoped_session(Scope(), make_engine(get_settings().effective_migration_url)) as s:
        try:
            orgs = [s.get(Organization, uuid.UUID(org))]
        except ValueError:
            orgs = list(s.exec(select(Organization).where(or_(Organization.name_en == org, Organization.name_zh == org))))
        orgs = [o for o in orgs if o is not None]
        if len(orgs) != 1:
            raise _Refused("error.not_found", entity="organization", id=org)
        org_id = orgs[0].id
        try:
            user = person_by_email(s, person)  # exactly one account, or refused (never the first of two)
        except DomainError as e:
            raise _Refused(e.key, **e.params) from None
        if role_in(s, user, org_id) is None:
            raise _Refused("error.not_found", entity="membership", id=person)
        s.expunge(user)
        q = select(ReportingPeriod).where(ReportingPeriod.org_id == org_id, ReportingPeriod.status == "approved")
        try:
            q = q.where(ReportingPeriod.id == uuid.UUID(period))
        except ValueError:
            year, _, version = period.partition("/v")
            if not year.isdigit() or (version and not version.isdigit()):
                raise _Refused("error.not_found", entity="reportingperiod", id=period) from None
            q = q.where(ReportingPeriod.year == int(year))
            if version:
                q = q.where(ReportingPeriod.version_no == int(version))
        found = list(s.exec(q.order_by(ReportingPeriod.version_no.desc())))
        if not found or len({p.installation_id for p in found}) > 1:
            raise _Refused("error.not_found", entity="reportingperiod", id=period)
        cust = s.exec(select(Customer).where(Customer.org_id == org_id,
                                             Customer.eori == customer.strip().upper())).first()
        if cust is None:
            raise _Refused("error.not_found", entity="customer", id=customer)
        return user, org_id, found[0].id, cust.id


def _context(user, org_id):
    from contextlib import contextmanager

    from core.context import Context
    from core.organizations.service import role_in
    from db.models import User
    from db.session import Scope, get_engine, scoped_session

    @contextmanager
    def ctx():
        with scoped_session(Scope(user_id=user.id, org_id=org_id, email=user.email, issuer=user.issuer,
                                  subject=user.subject), get_engine()) as s:
            me = s.get(User, user.id)
            yield Context(session=s, user=me, org_id=org_id, role=role_in(s, me, org_id))
    return ctx()


def _details(ctx, period_id, customer_id, flags: dict):
    """The stored details as frozen with the period, each flag given overriding its field."""
    from core.exchange.registry import ReportDetails, report_details

    stored = report_details(ctx, period_id=period_id, customer_id=customer_id).model_dump()
    return ReportDetails(**(stored | {k: v for k, v in flags.items() if v is not None}))


DETAIL_OPTIONS = {
    "declarant_city": typer.Option(None, "--declarant-city", help="The customer's city."),
    "declarant_street": typer.Option(None, "--declarant-street", help="The customer's street."),
    "declarant_postcode": typer.Option(None, "--declarant-postcode", help="The customer's postcode."),
    "installation_city": typer.Option(None, "--installation-city", help="The installation's city."),
    "signatory_name": typer.Option(None, "--signatory", help="Name of the person signing."),
    "signatory_position": typer.Option(None, "--position", help="Position of the person signing."),
    "signature_place": typer.Option(None, "--place", help="Place of signature."),
    "representative_eori": typer.Option(None, "--representative-eori", help="A customs representative's EORI."),
    "representative_name": typer.Option(None, "--representative-name", help="The representative's name."),
    "representative_city": typer.Option(None, "--representative-city", help="The representative's city."),
}


@export_app.command("xml")
def xml_cmd(
    org: str = ORG, period: str = PERIOD, customer: str = CUSTOMER, person: str = AS,
    quarter: int = typer.Option(..., "--quarter", help="Quarter 1 to 4."),
    out: Path = typer.Option(..., "-o", "--output", help="The .xml file to write."),
    declarant_city: str | None = DETAIL_OPTIONS["declarant_city"], declarant_street: str | None = DETAIL_OPTIONS["declarant_street"],
    declarant_postcode: str | None = DETAIL_OPTIONS["declarant_postcode"],
    installation_city: str | None = DETAIL_OPTIONS["installation_city"], signatory_name: str | None = DETAIL_OPTIONS["signatory_name"],
    signatory_position: str | None = DETAIL_OPTIONS["signatory_position"], signature_place: str | None = DETAIL_OPTIONS["signature_place"],
    representative_eori: str | None = DETAIL_OPTIONS["representative_eori"],
    representative_name: str | None = DETAIL_OPTIONS["representative_name"],
    representative_city: str | None = DETAIL_OPTIONS["representative_city"],
) -> None:
    """Write the transitional quarterly report (QReport v23.00 XML) of one customer and quarter — for goods
    imported up to Q4 2025 (CBAM Transitional Registry); from 2026 the annual CBAM declaration replaces it and
    this XML is a structured record for the customer, not a filing. 过渡期季度报告（QReport），适用于 2025 年第四季度及以前的进口；
    2026 年起由年度 CBAM 申报取代。Refuse, listing every problem, a report the XSD or the code rules reject. The details default to those stored on the customer,
    installation and organization as frozen with the period; each flag given overrides its field."""
    from core.exchange.registry import registry_report

    flags = {k: v for k, v in locals().items() if k in DETAIL_OPTIONS}
    try:
        user, org_id, period_id, customer_id = _resolve(org, period, customer, person)
        with _context(user, org_id) as ctx:
            report = registry_report(ctx, period_id=period_id, customer_id=customer_id, quarter=quarter,
                                     details=_details(ctx, period_id, customer_id, flags))
    except (DomainError, _Refused) as e:
        _fail(e.key, e.params)
        return
    if report.xml is None:
        _fail("pack.error.xml_problems", {"count": len(report.problems)}, [(quarter, p) for p in report.problems])
        return
    out.write_bytes(report.xml)
    typer.echo(f"wrote {out} (snapshot {report.snapshot_hash})")


@export_app.command("pack")
def pack_cmd(
    org: str = ORG, period: str = PERIOD, customer: str = CUSTOMER, person: str = AS,
    out: Path = typer.Option(..., "-o", "--output", help="The .zip file to write."),
    request: str = typer.Option("", "--request", help="Id of the logged customer request this pack answers."),
    lang: str = typer.Option("en", "--lang", help="Language of the CSV headers: en or zh."),
    declarant_city: str | None = DETAIL_OPTIONS["declarant_city"], declarant_street: str | None = DETAIL_OPTIONS["declarant_street"],
    declarant_postcode: str | None = DETAIL_OPTIONS["declarant_postcode"],
    installation_city: str | None = DETAIL_OPTIONS["installation_city"], signatory_name: str | None = DETAIL_OPTIONS["signatory_name"],
    signatory_position: str | None = DETAIL_OPTIONS["signatory_position"], signature_place: str | None = DETAIL_OPTIONS["signature_place"],
    representative_eori: str | None = DETAIL_OPTIONS["representative_eori"],
    representative_name: str | None = DETAIL_OPTIONS["representative_name"],
    representative_city: str | None = DETAIL_OPTIONS["representative_city"],
) -> None:
    """Write the customer data pack (template, XML per quarter, CSV, summary, manifest) of an approved period."""
    from core.exchange.pack import PackProblems, build_customer_pack

    flags = {k: v for k, v in locals().items() if k in DETAIL_OPTIONS}
    try:
        request_id = uuid.UUID(request) if request else None
    except ValueError:
        _fail("error.not_found", {"entity": "customerrequest", "id": request})
        return
    try:
        user, org_id, period_id, customer_id = _resolve(org, period, customer, person)
        with _context(user, org_id) as ctx:
            pack = build_customer_pack(ctx, period_id=period_id, customer_id=customer_id,
                                       details=_details(ctx, period_id, customer_id, flags),
                                       lang=lang if lang in ("en", "zh") else "en", request_id=request_id)
    except PackProblems as e:
        _fail(e.key, e.params, e.problems)
        return
    except (DomainError, _Refused) as e:
        _fail(e.key, e.params)
        return
    out.write_bytes(pack.content)
    typer.echo(f"wrote {out} ({len(pack.files)} files, snapshot {pack.manifest['snapshot']['sha256']})")


def register(app: typer.Typer) -> None:
    app.add_typer(export_app, name="export")
