"""Simultaneous saves in one organization: every save lands and the organization's chain stays intact.

Each writer is its own thread with its own session and connection (on PostgreSQL as the app role, under RLS), and
all of them write at the same instant (a barrier), which is when two appends read the same last event.
"""
from __future__ import annotations

import threading

from sqlmodel import select

from core import audit
from core.installations import InstallationData, add_installation
from db.models import AuditEvent, Installation
from db.session import Scope, make_engine, scoped_session
from tests.factories import add_member, context, make_org, make_user

WRITERS = 20


def test_twenty_members_saving_at_once_all_land(engine):
    owner = make_user(engine)
    org = make_org(engine, owner)
    members = [make_user(engine, name=f"Editor {n}") for n in range(WRITERS)]
    for m in members:
        add_member(engine, owner, org, m, "editor")
    # one connection per writer, all open at once (the default pool would queue some of them)
    shared = make_engine(engine.url.render_as_string(hide_password=False), pool_size=WRITERS, max_overflow=0)
    barrier = threading.Barrier(WRITERS, timeout=60)
    failures: list[BaseException] = []

    def save(n: int) -> None:
        try:
            with context(shared, members[n], org) as ctx:
                barrier.wait()
                add_installation(ctx, InstallationData(name=f"Plant {n}", address=f"{n} Mill Road"))
        except BaseException as exc:  # noqa: BLE001  (collected and reported below)
            failures.append(exc)

    threads = [threading.Thread(target=save, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    shared.dispose()
    assert failures == [], f"{len(failures)} of {WRITERS} saves failed: {failures[0]!r}"
    with scoped_session(Scope(user_id=owner.id, org_id=org), engine) as s:
        names = set(s.exec(select(Installation.name).where(Installation.org_id == org)).all())
        seqs = s.exec(select(AuditEvent.seq).where(AuditEvent.chain == f"org:{org}").order_by(AuditEvent.seq)).all()
        result = audit.verify(s, f"org:{org}")
    assert names == {f"Plant {n}" for n in range(WRITERS)}
    assert list(seqs) == list(range(1, len(seqs) + 1))
    assert result.ok, result


def test_appends_without_an_earlier_write_are_serialised_too(engine):
    """An action whose only write is its audit event (a pack built, a personal chain's first event) reads the
    chain before any row of its own is written: the lock must be taken before that read on both databases."""
    owner = make_user(engine)
    org = make_org(engine, owner)
    members = [make_user(engine, name=f"Reader {n}") for n in range(WRITERS)]
    for m in members:
        add_member(engine, owner, org, m, "viewer")
    shared = make_engine(engine.url.render_as_string(hide_password=False), pool_size=WRITERS, max_overflow=0)
    barrier = threading.Barrier(WRITERS, timeout=60)
    failures: list[BaseException] = []

    def append(n: int) -> None:
        try:
            with context(shared, members[n], org) as ctx:
                barrier.wait()
                audit.record(ctx.session, actor_id=members[n].id, org_id=org, action="pack.built", entity="period",
                             entity_id=n, before=None, after={"n": n}, at=ctx.clock.now())
        except BaseException as exc:  # noqa: BLE001  (collected and reported below)
            failures.append(exc)

    threads = [threading.Thread(target=append, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    shared.dispose()
    assert failures == [], f"{len(failures)} of {WRITERS} appends failed: {failures[0]!r}"
    with scoped_session(Scope(user_id=owner.id, org_id=org), engine) as s:
        built = s.exec(select(AuditEvent).where(AuditEvent.chain == f"org:{org}",
                                                AuditEvent.action == "pack.built")).all()
        assert sorted(e.after["n"] for e in built) == list(range(WRITERS))
        assert audit.verify(s, f"org:{org}").ok
