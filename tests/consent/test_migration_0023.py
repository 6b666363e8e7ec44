"""Migration 0023 on a database with consent records from before it: a transfer-consent withdrawal (a kind of its
own then) reads as withdrawn, a policy acceptance names the policy it showed, and the latest choice still counts."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import create_engine, text

from db.migrate import upgrade


def test_rows_before_0023_are_carried_over(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    upgrade(url, "0019")
    user = uuid.uuid4()
    engine = create_engine(url)
    with engine.begin() as c:
        c.execute(text("INSERT INTO app_user (id, issuer, subject, language, created_at, updated_at, version) "
                       "VALUES (:id, 'i', 's', 'zh', :at, :at, 1)"), {"id": user.hex, "at": datetime.now(UTC)})
        for n, kind in enumerate(("privacy_policy", "transfer_abroad", "transfer_abroad_withdrawn")):
            c.execute(text("INSERT INTO consent_record (id, user_id, kind, policy_version, age_confirmed, accepted_at) "
                           "VALUES (:id, :u, :k, '1.0', :a, :at)"),
                      {"id": uuid.uuid4().hex, "u": user.hex, "k": kind, "a": n == 0,
                       "at": datetime(2026, 11, 1, 9, n, tzinfo=UTC)})
    upgrade(url)
    with engine.connect() as c:
        rows = dict(c.execute(text("SELECT kind, granted FROM consent_record")).all())
        notices = dict(c.execute(text("SELECT kind, notice_version FROM consent_record")).all())
    assert rows == {"privacy_policy": 1, "transfer_abroad": 1, "transfer_abroad_withdrawn": 0}
    assert notices["privacy_policy"] == "1.0" and notices["transfer_abroad"] == ""
    from sqlmodel import Session, select

    from core.identity.service import has_transfer_consent
    from db.models import ConsentRecord

    with Session(engine) as s:
        assert len(s.exec(select(ConsentRecord).where(ConsentRecord.user_id == user)).all()) == 3
        assert has_transfer_consent(s, user) is False  # the withdrawal came last
