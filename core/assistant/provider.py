"""The provider path: an OpenAI-compatible chat API through the official `openai` SDK with a base URL.

Plan → run tools → summarise. The plan call offers the tools by name (the model may pick some; a malformed or
unknown call is ignored and the offline plan used instead); the app runs them under the person's context; the
summary call (streamed) sees the question and the tool results, with personal data masked unless the person
consented to the transfer abroad. The caller checks the summary with the grounding guard before anything of it
is shown. Any timeout or error raises `ProviderFailed`, and the caller answers offline."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.assistant.tools import TOOLS, ToolResult

SYSTEM = {
    "en": ("You are the CBAM compliance platform's assistant. You never compute: every number you write must be "
           "copied exactly from the tool results given to you. Do not round, add or convert. Answer in English, "
           "briefly, and name the records and regulation articles you used."),
    "zh": ("你是CBAM合规平台的助手。你从不自行计算：你写出的每个数字都必须原样取自提供给你的工具结果，不得四舍五入、"
           "相加或换算。请用简体中文简要回答，并说明所依据的记录和法规条款。"),
}

TOOL_SPECS = [
    {"type": "function", "function": {
        "name": name, "description": (fn.__doc__ or name).strip().splitlines()[0],
        "parameters": ({"type": "object", "properties": {}} if reads else
                       {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}),
    }} for name, (fn, reads) in TOOLS.items()
]


class ProviderFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A phone number stands on its own: not inside an id (a UUID's last group "-089948958068" is no phone) or a
# decimal number (1234567.891). It is written internationally (+86 138 0000 7778: "+" and 8 or more digits) or has
# 11 or more digits (a Chinese mobile 13800007778, a landline with its area code 010-12345678); a CN or TARIC code
# (8 or 10 digits, "7208 39 00") and a date (2026-12-01 09:30) are not phone numbers.
_PHONE = re.compile(r"(?<![\w-])(?<!\d\.)\+?\d[\d\s()-]{6,}\d(?![\w-]|\.\d)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?")


def _is_phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    if _DATE.fullmatch(candidate.strip()):
        return False
    return digits >= 11 or (candidate.startswith("+") and digits >= 8)


@dataclass
class Masker:
    """Masks names, e-mail addresses and phone numbers in what is sent to the provider."""

    names: list[str] = field(default_factory=list)
    active: bool = True

    def __call__(self, text: str) -> str:
        if not self.active:
            return text
        text = _EMAIL.sub("[email]", text)
        text = _PHONE.sub(lambda m: "[phone]" if _is_phone(m.group(0)) else m.group(0), text)
        for name in sorted({n for n in self.names if n and len(n.strip()) > 1}, key=len, reverse=True):
            text = re.sub(re.escape(name.strip()), "[name]", text, flags=re.I)
        return text


@dataclass
class ProviderConfig:
    base_url: str
    api_key: str
    model: str
    timeout: float = 20.0


def _client(cfg: ProviderConfig):
    from openai import OpenAI

    return OpenAI(base_url=cfg.base_url, api_key=cfg.api_key or "not-needed", timeout=cfg.timeout, max_retries=0)


def _planned_calls(message: Any) -> list[tuple[str, dict]]:
    """The model's tool calls that name a known tool with a JSON object of arguments; the rest are dropped."""
    out = []
    for call in getattr(message, "tool_calls", None) or []:
        fn = getattr(call, "function", None)
        name = getattr(fn, "name", None)
        if name not in TOOLS:
            continue
        try:
            args = json.loads(getattr(fn, "arguments", None) or "{}")
        except (TypeError, ValueError):
            continue
        if isinstance(args, dict):
            out.append((name, {k: v for k, v in args.items() if isinstance(v, str)}))
    return out[:4]


def run(cfg: ProviderConfig, *, question: str, lang: str, fallback_plan: list[tuple[str, dict]],
        run_tool: Callable[[str, dict], ToolResult], mask: Masker) -> tuple[str, list[ToolResult], list[dict]]:
    """Plan, run the tools, summarise. Returns the summary text (not yet checked), the tool results and the calls."""
    from openai import OpenAIError

    client = _client(cfg)
    user = {"role": "user", "content": mask(question)}
    try:
        plan = client.chat.completions.create(model=cfg.model, messages=[{"role": "system", "content": SYSTEM[lang]},
                                                                         user], tools=TOOL_SPECS)
        calls = _planned_calls(plan.choices[0].message) if plan.choices else []
    except OpenAIError as e:
        raise ProviderFailed(type(e).__name__) from None
    calls = calls or fallback_plan
    results = [run_tool(name, args) for name, args in calls]
    payload = json.dumps([r.to_dict() for r in results], ensure_ascii=False, default=str)
    messages = [{"role": "system", "content": SYSTEM[lang]}, user,
                {"role": "system", "content": "Tool results (JSON), the only source of numbers:\n" + mask(payload)}]
    try:
        stream = client.chat.completions.create(model=cfg.model, messages=messages, stream=True)
        parts = []
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta and chunk.choices[0].delta.content:
                parts.append(chunk.choices[0].delta.content)
    except OpenAIError as e:
        raise ProviderFailed(type(e).__name__) from None
    text = "".join(parts).strip()
    if not text:
        raise ProviderFailed("empty")
    return text, results, [{"tool": n, "args": a} for n, a in calls]
