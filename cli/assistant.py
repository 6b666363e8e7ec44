"""AI helper commands: `cbam ask` (the same service as the page, as a named member with that member's role and
organization), `cbam ai enable|disable` (an owner switches the AI service for the organization, audited) and
`cbam ai improvement-export` (the operator's masked review set, without the people who objected)."""
from __future__ import annotations

import json

import typer

from core.errors import DomainError
from core.i18n import t

ai_app = typer.Typer(help="The AI helper: switch its AI service per organization; the AI-improvement review set.",
                     no_args_is_help=True)
ORG = typer.Option(..., "--org", help="The organization: its id, or its English or Chinese name.")
AS = typer.Option(..., "--as", help="Email of the acting member; their role decides what is allowed.")


def _acting(org: str, as_email: str):
    """(person, organization id) from the command line, or a DomainError naming what is wrong."""
    from cli.data_import import _resolve

    # `_resolve` also picks a period; any id passes here (`ask` checks the period inside the organization)
    person, org_id, _ = _resolve(org, as_email, "00000000-0000-0000-0000-000000000000")
    return person, org_id


def _run(org: str, as_email: str, fn):
    from core.context import Context
    from core.organizations import role_in
    from db.models import User
    from db.session import Scope, get_engine, scoped_session

    try:
        person, org_id = _acting(org, as_email)
        scope = Scope(user_id=person.id, org_id=org_id, email=person.email, issuer=person.issuer,
                      subject=person.subject)
        with scoped_session(scope, get_engine()) as session:
            user = session.get(User, person.id)
            return fn(Context(session=session, user=user, org_id=org_id, role=role_in(session, user, org_id)))
    except DomainError as e:
        typer.echo(f"error: {t(e.key, 'en', **e.params)} [{e.key}]", err=True)
        raise typer.Exit(code=2) from None


def ask_cmd(question: str = typer.Argument(..., help="The question, in Chinese or English."),
            org: str = ORG, as_email: str = AS,
            period: str = typer.Option(None, "--period", help="Period id; default: the newest period."),
            as_json: bool = typer.Option(False, "--json", help="Print JSON: answer, citations, numbers, provider.")
            ) -> None:
    """Ask the AI helper a question about the organization's data or the CBAM rules."""
    from core.assistant import ask

    answer = _run(org, as_email, lambda ctx: ask(ctx, question, period_id=period))
    if as_json:
        typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return
    typer.echo(answer.text)
    if answer.citations:
        typer.echo("\n" + t("assistant.sources", answer.lang) + ":")
        for c in answer.citations:
            typer.echo(f"  - {c.label}" + (f"  {c.url}" if c.url else ""))


def _switch(org: str, as_email: str, enabled: bool) -> None:
    from core.assistant import set_provider_enabled

    _run(org, as_email, lambda ctx: set_provider_enabled(ctx, enabled=enabled))
    typer.echo(t("assistant.ai_enabled" if enabled else "assistant.ai_disabled", "en"))


@ai_app.command("enable")
def enable_cmd(org: str = ORG, as_email: str = AS) -> None:
    """Use the configured AI service (CBAM_AI_BASE_URL, CBAM_AI_MODEL) for the organization's questions."""
    _switch(org, as_email, True)


@ai_app.command("disable")
def disable_cmd(org: str = ORG, as_email: str = AS) -> None:
    """Answer the organization's questions with the offline assistant only."""
    _switch(org, as_email, False)


@ai_app.command("improvement-export")
def improvement_export_cmd(
        out: str = typer.Option(..., "-o", "--out", help="Where to write the review set (JSON Lines)."),
        days: int = typer.Option(90, "--days", min=1, max=366, help="The last DAYS days (the AI helper's records "
                                                                       "are kept one year)."),
        unanswered: bool = typer.Option(False, "--unanswered", help="Only questions it could not ground or answer.")
) -> None:
    """Write the AI-improvement review set: questions and answers, masked, without the people who objected to AI
    improvement (operator command: reads every organization on the owner connection)."""
    from datetime import timedelta
    from pathlib import Path

    from core.assistant.improvement import export_review_set
    from core.clock import SystemClock
    from core.privacy.erasure import system_actor
    from core.privacy.subject import operator_session

    now = SystemClock().now()
    with operator_session() as s:
        result = export_review_set(s, actor_id=system_actor(s, now).id, since=now - timedelta(days=days), until=now,
                                   at=now, only_unanswered=unanswered)
    Path(out).write_bytes(result.jsonl())
    typer.echo(json.dumps({"written": len(result.items), "left_out_objected": result.left_out, "out": out},
                          ensure_ascii=False))


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_cmd)
    app.add_typer(ai_app, name="ai")
