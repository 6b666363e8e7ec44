"""The consultant-scale seed on a reduced size, on both databases: the counts asked for, valid audit hash chains
(bulk-hashed), data the dashboards can evaluate, and the demo consultant a member of every organization."""
import pytest
from sqlalchemy import func
from sqlmodel import select

from core.access import Role
from core.audit import verify_organization
from core.context import Context
from core.dashboards import emissions_dashboard, portfolio
from core.demo.scale import OWNER, SCALE_PREFIX, ScaleSize, seed_scale
from core.exchange.csv_export import shipments_csv
from core.exchange.frozen import load_frozen
from core.reporting import verify_snapshot
from db.migrate import upgrade
from db.models import AuditEvent, Organization, User
from db.reporting_models import ReportingPeriod, Shipment
from db.session import Scope, make_engine, scoped_session

SIZE = ScaleSize(orgs=3, installations=9, shipments=900, audit_events=6000)


@pytest.fixture(params=["sqlite", "postgres"])
def seeded(request, tmp_path):
    """(owner engine that seeds, app engine that reads)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'scale.db'}"
        upgrade(url)
        engine = make_engine(url)
        return engine, engine
    db = request.getfixturevalue("pg_database")
    upgrade(db.admin_url)
    return make_engine(db.admin_url), make_engine(db.app_url)


def test_scale_seed_counts_chains_and_dashboards(seeded):
    owner_engine, app_engine = seeded
    lines: list[str] = []
    assert seed_scale(owner_engine, policy_version="1.0", size=SIZE, progress=lines.append)
    assert any("audit_event: 6,000 rows" in x for x in lines)
    assert not seed_scale(owner_engine, policy_version="1.0", size=SIZE, progress=lines.append)  # idempotent
    with scoped_session(Scope(), owner_engine) as s:
        orgs = s.exec(select(Organization).where(Organization.name_en.like(f"{SCALE_PREFIX}%"))).all()
        assert len(orgs) == 3
        assert s.exec(select(func.count()).select_from(Shipment)).one() == 900
        assert s.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.org_id.in_([o.id for o in orgs]))).one() == 6000  # the people's own chains aside
        assert s.exec(select(func.count()).select_from(ReportingPeriod)).one() == 9
        owner = s.exec(select(User).where(User.subject == OWNER[0])).one()
        consultant = s.exec(select(User).where(User.subject == "demo-consultant")).one()
    for org in orgs:  # each organization's chain, verified through the app's own connection and role
        with scoped_session(Scope(user_id=owner.id, org_id=org.id), app_engine) as s:
            ctx = Context(session=s, user=s.get(User, owner.id), org_id=org.id, role=Role.OWNER)
            result = verify_organization(ctx)
            assert result.ok and result.checked == 2000, result
            approved = s.exec(select(ReportingPeriod).where(ReportingPeriod.org_id == org.id,
                                                            ReportingPeriod.status == "approved")).all()
            for p in approved:
                assert verify_snapshot(ctx, period_id=p.id)
                csv = shipments_csv(ctx, period_id=p.id)  # the snapshot carries what its exports show
                assert csv.rows == len(load_frozen(ctx, p.id).shipments) > 0
            em = emissions_dashboard(ctx)
            assert em.quantity_t > 0 and em.embedded_emissions > 0
    rows = portfolio(consultant, engine=app_engine)
    assert {r.name_en for r in rows} >= {o.name_en for o in orgs}
    assert all(r.role == Role.CONSULTANT and r.visible for r in rows if r.name_en.startswith(SCALE_PREFIX))
    assert sum(r.shipments for r in rows if r.name_en.startswith(SCALE_PREFIX)) == 900
