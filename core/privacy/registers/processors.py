"""The registry of processors and third parties (privacy.md D10, U11): who receives personal data from the
platform, which data and fields, for what, where, under which transfer mechanism, with a link to their policy.

Versioned: adding a processor writes version 1; a change writes version n+1 of the same processor (the earlier
versions stay readable); removing one writes a last version marked `removed`. The version that applies on a day is
the newest whose `effective_on` has come, so a change announced ahead of time shows in the public disclosure table
only from its effective day. A change notice e-mails every organization owner with the change and the last day to
object (the objection window, GDPR Art 28(2); the privacy policy's 30 days' notice of data-policy changes); the
change may not take effect before that day.

Every write needs Permission.PRIVACY_MANAGE and is in the audit log (the DPO's own chain: the registry is the
platform's, not one organization's)."""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlmodel import Session

from core import audit
from core.access import Role
from core.context import Context
from core.errors import DomainError, NotFound
from core.i18n import t
from core.privacy.operator import require_operator_dpo
from core.privacy.requests import local_day
from db.processor_models import ProcessorNotice, ProcessorVersion

# The transfer mechanism a processor's data goes abroad under (PIPL Art 38): none (stays in China), exempt (CAC
# Provisions 2024 Art 5), the standard contract, certification, or the CAC security assessment.
MECHANISMS = ("domestic", "exempt", "standard_contract", "certification", "security_assessment")
# The objection window: the privacy policy promises at least 30 days' notice of data-policy changes (§ Changes,
# "at least 30 days before any pricing or data policy changes take effect"); GDPR Art 28(2) requires that the
# controller can object to a new or replaced processor before the change.
OBJECTION_DAYS = 30
FIELDS = ("service", "provider", "provider_url", "data_types_zh", "data_types_en", "fields_zh", "fields_en",
          "purpose_zh", "purpose_en", "region", "abroad", "mechanism", "policy_url")


@dataclass
class ProcessorData:
    service: str
    provider: str = ""
    provider_url: str = ""
    data_types_zh: str = ""
    data_types_en: str = ""
    fields_zh: str = ""
    fields_en: str = ""
    purpose_zh: str = ""
    purpose_en: str = ""
    region: str = ""
    abroad: bool = False
    mechanism: str = "domestic"
    policy_url: str = ""

    @classmethod
    def of(cls, v: ProcessorVersion) -> ProcessorData:
        return cls(**{f: getattr(v, f) for f in FIELDS})

    def checked(self) -> ProcessorData:
        out = ProcessorData(**{k: (v.strip() if isinstance(v, str) else v) for k, v in asdict(self).items()})
        if not out.service:
            raise DomainError("privacy.processors.error.service_required")
        if out.mechanism not in MECHANISMS:
            raise DomainError("privacy.processors.error.bad_mechanism", mechanism=out.mechanism)
        if not (out.purpose_zh and out.purpose_en):
            raise DomainError("privacy.processors.error.purpose_required")
        if out.abroad and out.mechanism == "domestic":
            raise DomainError("privacy.processors.error.abroad_needs_mechanism")
        return out


def _facts(v: ProcessorVersion) -> dict:
    return {"processor_key": v.processor_key, "version": v.version, **{f: getattr(v, f) for f in FIELDS},
            "effective_on": v.effective_on, "removed": v.removed, "example": v.example, "note": v.change_note}


def _audit(ctx: Context, session: Session, action: str, v: ProcessorVersion, before: dict | None) -> None:
    audit.record(session, actor_id=ctx.user.id, org_id=None, action=f"privacy.processor.{action}",
                 entity="processor_version", entity_id=v.id, before=before, after=_facts(v), at=ctx.clock.now())


def versions(session: Session, processor_key: uuid.UUID) -> list[ProcessorVersion]:
    """Every version of one processor, oldest first."""
    return list(session.execute(select(ProcessorVersion).where(ProcessorVersion.processor_key == processor_key)
                                .order_by(ProcessorVersion.version)).scalars())


def latest(session: Session, processor_key: uuid.UUID) -> ProcessorVersion:
    got = versions(session, processor_key)
    if not got:
        raise NotFound("processor", processor_key)
    return got[-1]


def add_processor(ctx: Context, data: ProcessorData, *, effective_on: date | None = None,
                  example: bool = False) -> ProcessorVersion:
    require_operator_dpo(ctx)
    data = data.checked()
    today = local_day(ctx.clock.now())
    v = ProcessorVersion(processor_key=uuid.uuid4(), version=1, **asdict(data), date_added=today,
                         effective_on=effective_on or today, example=example, created_at=ctx.clock.now())
    ctx.session.add(v)
    ctx.session.flush()
    _audit(ctx, ctx.session, "added", v, None)
    return v


def change_processor(ctx: Context, processor_key: uuid.UUID, data: ProcessorData, *, effective_on: date | None = None,
                     note: str = "", remove: bool = False) -> ProcessorVersion:
    """A new version (the DPO's change also confirms a seeded example). The earlier versions are kept."""
    require_operator_dpo(ctx)
    data = data.checked()
    last = latest(ctx.session, processor_key)
    if last.removed:
        raise DomainError("privacy.processors.error.removed")
    today = local_day(ctx.clock.now())
    effective_on = effective_on or today
    if ProcessorData.of(last) == data and not remove and not last.example and effective_on == max(
            last.effective_on, today):  # the same facts from the same day (a new day re-schedules them)
        raise DomainError("privacy.processors.error.no_change")
    if effective_on < today:
        raise DomainError("privacy.processors.error.past", day=effective_on.isoformat())
    v = ProcessorVersion(processor_key=processor_key, version=last.version + 1, **asdict(data),
                         date_added=last.date_added, effective_on=effective_on, removed=remove, example=False,
                         change_note=(note or "").strip()[:1000], created_at=ctx.clock.now())
    ctx.session.add(v)
    ctx.session.flush()
    _audit(ctx, ctx.session, "removed" if remove else "changed", v, _facts(last))
    return v


def remove_processor(ctx: Context, processor_key: uuid.UUID, *, effective_on: date | None = None,
                     note: str = "") -> ProcessorVersion:
    return change_processor(ctx, processor_key, ProcessorData.of(latest(ctx.session, processor_key)),
                            effective_on=effective_on, note=note, remove=True)


def registry(session: Session) -> list[list[ProcessorVersion]]:
    """Every processor with all its versions (oldest first), by name."""
    rows = session.execute(select(ProcessorVersion).order_by(ProcessorVersion.processor_key,
                                                             ProcessorVersion.version)).scalars().all()
    out: dict[uuid.UUID, list[ProcessorVersion]] = {}
    for v in rows:
        out.setdefault(v.processor_key, []).append(v)
    return sorted(out.values(), key=lambda vs: vs[-1].service.lower())


def current(session: Session, today: date) -> list[ProcessorVersion]:
    """The version of each processor that applies today (processors removed by today are left out)."""
    out = []
    for vs in registry(session):
        live = [v for v in vs if v.effective_on <= today]
        if live and not live[-1].removed:
            out.append(live[-1])
    return out


COLUMNS = ("service", "data_types", "fields", "purpose", "provider", "region", "mechanism", "policy", "date_added")


def disclosure_table(session: Session, lang: str, today: date) -> list[dict[str, str]]:
    """The public disclosure table in `lang` (modelled on the e-signature policy's third-party table: name, data
    types, fields, purpose, provider, policy link; plus region, transfer mechanism and date added)."""
    lang = lang if lang in ("zh", "en") else "zh"
    rows = []
    for v in current(session, today):
        provider = " ".join(p for p in (v.provider, v.provider_url) if p)
        region = v.region + (t("privacy.processors.abroad_mark", lang) if v.abroad else "")
        values = (v.service, getattr(v, f"data_types_{lang}"), getattr(v, f"fields_{lang}"),
                  getattr(v, f"purpose_{lang}"), provider, region, t(f"privacy.mechanism.{v.mechanism}", lang),
                  v.policy_url, v.date_added.isoformat())
        row = {t(f"privacy.processors.col.{c}", lang): val for c, val in zip(COLUMNS, values, strict=True)}
        if v.example:
            row[t("privacy.processors.col.service", lang)] += t("privacy.processors.example_mark", lang)
        rows.append(row)
    return rows


# -- change notices -------------------------------------------------------------------------------------------------
@dataclass
class NoticeResult:
    notice: ProcessorNotice
    recipients: list[str]


def _owners(session: Session) -> list[tuple[str, str | None]]:
    """(e-mail, language) of every active owner of every organization, once each."""
    from db.models import Membership, User

    rows = session.execute(select(User.email, User.language).join(Membership, Membership.user_id == User.id)
                           .where(Membership.role == Role.OWNER.value, Membership.status == "active")).all()
    seen: dict[str, str | None] = {}
    for email, language in rows:
        if email and email.lower() not in seen:
            seen[email.lower()] = language
    return sorted(seen.items())


def schedule_change_notice(ctx: Context, version_id: uuid.UUID, *, operator: Session) -> NoticeResult:
    """E-mail every organization owner about a version (new, changed or removed processor) with the last day to
    object. Runs on the operator session, which reads every organization's owners; the mails go after its commit.
    The version must not take effect before the objection window ends."""
    from core.mail import queue_mail

    require_operator_dpo(ctx)
    v = operator.get(ProcessorVersion, version_id)
    if v is None:
        raise NotFound("processor_version", version_id)
    today = local_day(ctx.clock.now())
    until = today + timedelta(days=OBJECTION_DAYS)
    if v.effective_on < until:
        raise DomainError("privacy.processors.error.too_soon", effective=v.effective_on.isoformat(),
                          until=until.isoformat(), days=OBJECTION_DAYS)
    owners = _owners(operator)
    kind = "removed" if v.removed else ("added" if v.version == 1 else "changed")
    for email, language in owners:
        langs = (language,) if language in ("zh", "en") else ("zh", "en")
        body = "\n\n----------\n\n".join(_notice_body(v, kind, lang, until) for lang in langs)
        queue_mail(operator, to=email, subject=t("privacy.processors.notice.subject", langs[0], service=v.service,
                                                 kind=t(f"privacy.processors.kind.{kind}", langs[0])), body=body)
    notice = ProcessorNotice(version_id=v.id, sent_on=today, objection_until=until, recipients=len(owners),
                             created_at=ctx.clock.now())
    operator.add(notice)
    operator.flush()
    audit.record(operator, actor_id=ctx.user.id, org_id=None, action="privacy.processor.notice",
                 entity="processor_notice", entity_id=notice.id, before=None,
                 after={"version_id": v.id, "service": v.service, "version": v.version, "sent_on": today,
                        "objection_until": until, "recipients": len(owners)}, at=ctx.clock.now())
    return NoticeResult(notice, [e for e, _ in owners])


def _notice_body(v: ProcessorVersion, kind: str, lang: str, until: date) -> str:
    return t("privacy.processors.notice.body", lang, service=v.service, kind=t(f"privacy.processors.kind.{kind}", lang),
             provider=v.provider or "-", data=getattr(v, f"data_types_{lang}") or "-",
             fields=getattr(v, f"fields_{lang}") or "-", purpose=getattr(v, f"purpose_{lang}") or "-",
             region=v.region or "-", mechanism=t(f"privacy.mechanism.{v.mechanism}", lang),
             effective=v.effective_on.isoformat(), until=until.isoformat(), note=v.change_note or "-")


def notices(session: Session) -> list[tuple[ProcessorNotice, ProcessorVersion]]:
    rows = session.execute(select(ProcessorNotice, ProcessorVersion)
                           .join(ProcessorVersion, ProcessorVersion.id == ProcessorNotice.version_id)
                           .order_by(ProcessorNotice.created_at.desc())).all()
    return [(n, v) for n, v in rows]


def processor_named(session: Session, service: str) -> ProcessorVersion | None:
    """The latest version of the processor of that name (case-insensitive), if registered."""
    return session.execute(select(ProcessorVersion).where(func.lower(ProcessorVersion.service) == service.lower())
                           .order_by(ProcessorVersion.version.desc())).scalars().first()


# -- examples for the demo ------------------------------------------------------------------------------------------
def seed_examples(ctx: Context) -> list[ProcessorVersion]:
    """Example rows drawn only from what the app's configuration and privacy policy state (Supabase hosting; the
    AI service at CBAM_AI_BASE_URL if one is set; the SMTP server at CBAM_SMTP_HOST if one is set). Each is marked
    an example the DPO must confirm (by changing or confirming it), and nothing about a vendor is made up: unknown
    facts are left blank. Does nothing when the registry has rows."""
    from urllib.parse import urlparse

    from core.settings import get_settings

    if ctx.session.execute(select(func.count()).select_from(ProcessorVersion)).scalar_one():
        return []
    s = get_settings()
    rows = [ProcessorData(
        service="Supabase", provider="Supabase (AWS)",
        data_types_zh="账户、组织和CBAM申报数据", data_types_en="Account, organization and CBAM reporting data",
        fields_zh="本平台数据库中的全部数据", fields_en="All data in the platform's database",
        purpose_zh="数据库、认证和文件存储", purpose_en="Database, authentication and file storage",
        region="cn-north-1", abroad=False, mechanism="domestic")]
    if s.ai_base_url and s.ai_model:
        rows.append(ProcessorData(
            service=s.ai_model, provider=urlparse(s.ai_base_url).hostname or s.ai_base_url,
            data_types_zh="AI助手的问题和所用的申报数据", data_types_en="AI helper questions and the reporting data used",
            fields_zh="问题、工具结果（未经同意时遮蔽姓名、邮箱和电话）",
            fields_en="Questions, tool results (names, e-mails and phones masked without consent)",
            purpose_zh="回答AI助手中的问题", purpose_en="Answering questions in the AI helper",
            region="", abroad=True, mechanism="exempt"))
    if s.smtp_host:
        rows.append(ProcessorData(
            service=s.smtp_host, provider=s.smtp_host, data_types_zh="联系方式", data_types_en="Contact details",
            fields_zh="电子邮箱地址、姓名、邮件内容", fields_en="E-mail address, name, message text",
            purpose_zh="发送邀请和通知邮件", purpose_en="Sending invitations and notifications",
            region="", abroad=False, mechanism="domestic"))
    return [add_processor(ctx, r, example=True) for r in rows]
