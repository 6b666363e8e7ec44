"""The AI helper's service: one question, one answer, under the person's own context. The page and `cbam ask` both
call `ask`.

Nothing goes to an AI service unless the organization's owner switched it on and one is configured; what goes is
masked unless the person consented to the transfer abroad; an answer from the service that states a number no
tool result of the turn contains is replaced by the offline answer with a note. Every interaction is stored
(personal data of the person who asked, see db/assistant_models.py)."""
from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import select

from core import audit
from core.access import Permission
from core.assistant import offline
from core.assistant.grounding import Grounding, numbers_in
from core.assistant.provider import Masker, ProviderConfig, ProviderFailed
from core.assistant.provider import run as run_provider
from core.assistant.tools import Citation, ToolResult, run_tool
from core.context import Context
from core.errors import DomainError
from core.i18n import t
from core.identity.service import TRANSFER_ABROAD  # noqa: F401  (the consent kind checked)
from db.assistant_models import AssistantInteraction, AssistantSetting

log = logging.getLogger(__name__)

OFFLINE = "offline"
# The consent the privacy policy requires before personal data leaves for an AI service abroad: a ConsentRecord of
# this kind, given or withdrawn on the AI helper page (core.identity.service.set_transfer_consent).


@dataclass
class Answer:
    text: str
    lang: str
    intent: str
    provider: str  # "offline" or the model's name
    citations: list[Citation] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # "ungrounded", "provider_failed", "masked"
    interaction_id: uuid.UUID | None = None
    results: list[ToolResult] = field(default_factory=list, repr=False)  # the turn's tool results (not stored)

    @property
    def numbers(self) -> list[str]:
        return numbers_in(self.text)

    def to_dict(self) -> dict[str, Any]:
        return {"answer": self.text, "citations": [c.to_dict() for c in self.citations], "numbers": self.numbers,
                "provider": self.provider, "lang": self.lang, "notes": self.notes}


def provider_config() -> ProviderConfig | None:
    from core.settings import get_settings

    s = get_settings()
    if not (s.ai_base_url and s.ai_model):
        return None
    return ProviderConfig(s.ai_base_url, s.ai_api_key, s.ai_model, s.ai_timeout)


def provider_enabled(ctx: Context) -> bool:
    row = ctx.session.exec(select(AssistantSetting).where(AssistantSetting.org_id == ctx.tenant)).first()
    return bool(row and row.provider_enabled)


def set_provider_enabled(ctx: Context, *, enabled: bool) -> AssistantSetting:
    """An owner switches the AI service on or off for the organization (audited)."""
    ctx.require(Permission.ORG_EDIT)  # owners only (core/access/permissions.py)
    row = ctx.session.exec(select(AssistantSetting).where(AssistantSetting.org_id == ctx.tenant)).first()
    before = {"provider_enabled": row.provider_enabled} if row else {"provider_enabled": False}
    now = ctx.clock.now()
    if row is None:
        row = AssistantSetting(org_id=ctx.tenant, created_by=ctx.user.id, created_at=now)
    row.provider_enabled, row.changed_at, row.updated_by, row.updated_at = enabled, now, ctx.user.id, now
    if row.version is None:
        row.version = 1
    ctx.session.add(row)
    ctx.session.flush()
    audit.record(ctx.session, actor_id=ctx.user.id, org_id=ctx.tenant,
                 action="assistant.provider_enabled" if enabled else "assistant.provider_disabled",
                 entity="assistant_setting", entity_id=row.id, before=before,
                 after={"provider_enabled": enabled}, at=now)
    return row


def set_transfer_consent(ctx: Context, *, given: bool) -> bool:
    """The person gives or withdraws their own transfer-abroad consent (no role needed: it is theirs alone)."""
    from core.identity.service import set_transfer_consent as record
    from core.settings import get_settings

    record(ctx.session, ctx.user, given=given, policy_version=get_settings().privacy_policy_version, clock=ctx.clock)
    return consented_to_transfer(ctx)


def consented_to_transfer(ctx: Context) -> bool:
    """The person's latest choice on the transfer-abroad consent (given, not withdrawn since)."""
    from core.identity.service import has_transfer_consent

    return has_transfer_consent(ctx.session, ctx.user.id)


def _known_names(ctx: Context) -> list[str]:
    """The people's names the organization's data may carry (its members, the person asking)."""
    from db.models import Membership, User

    names = [ctx.user.name or ""]
    try:
        names += [n for (n,) in ctx.session.execute(
            select(User.name).join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == ctx.tenant)).all() if n]
    except Exception:  # noqa: BLE001  (a role that may not read members: the regexes still mask contacts)
        log.debug("member names not readable", exc_info=True)
    return names


def _citations(results: list[ToolResult]) -> list[Citation]:
    seen, out = set(), []
    for r in results:
        for c in r.citations:
            if (c.label, c.url) not in seen:
                seen.add((c.label, c.url))
                out.append(c)
    return out


def _offline(ctx: Context, question: str, lang: str, period_id) -> tuple[str, str, list[ToolResult], list[dict]]:
    intent, steps = offline.plan(question)
    results = [run_tool(ctx, name, args, period_id=period_id, lang=lang) for name, args in steps]
    return intent, offline.compose(intent, results, lang, question), results, [{"tool": n, "args": a} for n, a in steps]


def ask(ctx: Context, question: str, *, period_id: uuid.UUID | str | None = None,
        config: ProviderConfig | None = None, store: bool = True) -> Answer:
    """Answer a question from the person's own data. `config`: the AI service (default: the configured one)."""
    ctx.require(Permission.DATA_VIEW)
    question = (question or "").strip()[:2000]
    if not question:
        raise DomainError("assistant.error_generic", reason="—")
    lang = offline.language_of(question)
    config = config or provider_config()
    notes: list[str] = []
    answer: Answer | None = None
    masked = False
    if config is not None and provider_enabled(ctx):  # nothing is sent before the organization switched it on
        masked = not consented_to_transfer(ctx)
        mask = Masker(_known_names(ctx), active=masked)
        intent, steps = offline.plan(question)
        try:
            text, results, calls = run_provider(
                config, question=question, lang=lang, fallback_plan=steps, mask=mask,
                run_tool=lambda name, args: run_tool(ctx, name, args, period_id=period_id, lang=lang))
            grounding = Grounding()
            for r in results:
                grounding.add(r.numbers)
            if grounding.ungrounded(text):
                notes.append("ungrounded")
            else:
                answer = Answer(text, lang, intent, config.model, _citations(results), calls, notes,
                                results=results)
        except ProviderFailed as e:
            notes.append(f"provider_failed:{e.reason}")
        except DomainError:
            raise
        except Exception as e:  # noqa: BLE001  (a malformed reply, a broken connection: the offline answer)
            log.warning("AI service failed: %s", type(e).__name__)
            notes.append(f"provider_failed:{type(e).__name__}")
        if masked:
            notes.append("masked")
        else:
            _log_transfer(ctx, config)
    if answer is None:
        intent, text, results, calls = _offline(ctx, question, lang, period_id)
        head = []
        for n in notes:
            if n == "ungrounded":
                head.append(t("assistant.note_ungrounded", lang))
            elif n.startswith("provider_failed"):
                head.append(t("assistant.note_provider_failed", lang, reason=n.split(":", 1)[1]))
        answer = Answer("\n".join([*head, text]), lang, intent, OFFLINE, _citations(results), calls, notes,
                        results=results)
    if store:
        answer.interaction_id = _store(ctx, question, answer, period_id, masked)
    return answer


def _log_transfer(ctx: Context, config: ProviderConfig) -> None:
    """The person's data went to the AI service unmasked: one row in the transfer log (the cross-border transfer
    register counts people from it, core/privacy/registers/transfers.py). The AI service counts as abroad, as the consent
    asked for says, unless the processor registry lists it (by the model's name) as in China. Logged whenever the
    call was attempted, even if it failed: the register errs on the side of counting."""
    from core.privacy.registers.processors import processor_named
    from core.privacy.registers.transfers import record_transfer

    entry = processor_named(ctx.session, config.model)
    if entry is not None and not entry.abroad:
        return
    record_transfer(ctx.session, org_id=ctx.tenant, user_id=ctx.user.id, recipient=config.model, at=ctx.clock.now(),
                    processor_key=entry.processor_key if entry else None)


def _store(ctx: Context, question: str, answer: Answer, period_id, masked: bool) -> uuid.UUID:
    now = ctx.clock.now()
    try:
        pid = uuid.UUID(str(period_id)) if period_id else None
    except ValueError:
        pid = None
    row = AssistantInteraction(
        org_id=ctx.tenant, created_by=ctx.user.id, updated_by=ctx.user.id, created_at=now, updated_at=now,
        user_id=ctx.user.id, period_id=pid, question=question, answer=answer.text,
        tools=[{**c, "citations": [x.to_dict() for x in answer.citations]} if i == 0 else c
               for i, c in enumerate(answer.tools)],
        provider=answer.provider, note=",".join(answer.notes)[:100], masked=masked)
    ctx.session.add(row)
    ctx.session.flush()
    return row.id


def interactions_of(ctx: Context, *, limit: int = 50) -> list[AssistantInteraction]:
    """The person's own interactions in the acting organization, newest first."""
    ctx.require(Permission.DATA_VIEW)
    ia = AssistantInteraction
    return list(ctx.session.exec(select(ia).where(ia.org_id == ctx.tenant, ia.user_id == ctx.user.id)
                                 .order_by(ia.created_at.desc()).limit(limit)))
