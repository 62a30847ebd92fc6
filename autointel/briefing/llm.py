"""Optional LLM writer: each section's cited lines rewritten as prose by an OpenAI-compatible endpoint.

Off unless ``AUTOINTEL_LLM_URL`` is set (``AUTOINTEL_LLM_MODEL``, ``AUTOINTEL_LLM_KEY`` optional).  The model
sees the section's lines numbered [1]..[n], each with its quoted sentence, and must keep every marker.  Its
answer is used only when it passes the guard:
- every marker [1]..[n] is still there, and no other marker appears;
- every number in a sentence of the answer is a number of the lines that sentence cites (a sentence with a
  number and no marker fails: a number without its source is what analysts will not accept).
Otherwise, or when the endpoint fails, the section keeps its extractive lines and says why.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable, Mapping, Optional

from autointel.briefing.model import Briefing, Item, Section
from autointel.briefing.render import MARKER
from autointel.facts.numbers import parse_number

PROSE_SECTIONS = ("facts", "claims", "stories")  # the timeline stays a dated list
SYSTEM_PROMPT = (
    "你是汽车行业研究团队的编辑。把用户给出的编号条目改写成一段连贯、简洁的中文。"
    "规则：只使用条目中的事实和数字，不增加任何新的数字、日期或事实；"
    "每句话末尾保留它所依据条目的编号标记，例如[1]或[2][3]；每个编号都必须出现，不得编造编号。"
    "只输出改写后的段落。")
_ARABIC = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?")
_CHINESE = re.compile(r"(?<![\d.])[零〇一二两三四五六七八九十][零〇一二两三四五六七八九十百千万亿]*(?=[成倍%个万亿辆元台年月日人家])")
_SENTENCE = re.compile(r"[^。！？!?；;\n]*[。！？!?；;\n]?(?:\s*\[\d+\])*")


class LlmError(Exception):
    """The endpoint could not give an answer (network, HTTP status, response shape)."""


@dataclass(frozen=True)
class LlmConfig:
    url: str
    model: str = "default"
    key: Optional[str] = None
    timeout: float = 60.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Optional["LlmConfig"]:
        url = env.get("AUTOINTEL_LLM_URL")
        if not url:
            return None
        return cls(url, env.get("AUTOINTEL_LLM_MODEL") or "default", env.get("AUTOINTEL_LLM_KEY") or None)

    @property
    def endpoint(self) -> str:
        base = self.url.rstrip("/")
        base = base[:-3] if base.endswith("/v1") else base
        return base + "/v1/chat/completions"


def chat(config: LlmConfig, messages: list[dict]) -> str:
    body = json.dumps({"model": config.model, "messages": messages, "temperature": 0}).encode("utf-8")
    headers = {"Content-Type": "application/json"}
    if config.key:
        headers["Authorization"] = f"Bearer {config.key}"
    request = urllib.request.Request(config.endpoint, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:
            payload = json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        raise LlmError(f"HTTP {e.code}") from e
    except (urllib.error.URLError, TimeoutError, OSError) as e:
        raise LlmError(f"endpoint unreachable: {e}") from e
    except ValueError as e:
        raise LlmError("answer is not JSON") from e
    try:
        content = payload["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as e:
        raise LlmError("answer has no choices[0].message.content") from e
    if not isinstance(content, str) or not content.strip():
        raise LlmError("answer is empty")
    return content.strip()


def source_line(item: Item) -> str:
    """What the model reads for one marker, and whose numbers a sentence citing it may use."""
    c = item.citations[0] if item.citations else None
    quote = f"「{' '.join(c.quote.split())}」" if c else ""
    where = f"（{c.label}）" if c else ""
    return f"{item.text}{quote}{where}"


def numbers(text: str) -> set[str]:
    """Arabic and Chinese numerals, normalised (1,246,000 = 1246000; 12.10 = 12.1; 三 = 3)."""
    text = MARKER.sub(" ", text)
    found = set()
    for m in _ARABIC.finditer(text):
        found.add(_norm(m.group(0).replace(",", "")))
    for m in _CHINESE.finditer(text):
        try:
            found.add(_norm(repr(parse_number(m.group(0)))))
        except (ValueError, ArithmeticError):
            found.add(m.group(0))
    return found


def _norm(s: str) -> str:
    try:
        d = Decimal(s).normalize()
    except InvalidOperation:
        return s
    return format(d, "f") if d == d.to_integral_value() or "E" not in str(d) else str(d)


def check_prose(answer: str, lines: dict[int, str]) -> Optional[str]:
    """None when the answer keeps every citation and states only cited numbers, else what is wrong."""
    found = {int(n) for n in MARKER.findall(answer)}
    missing = sorted(set(lines) - found)
    if missing:
        return "丢失引用 " + "".join(f"[{n}]" for n in missing)
    invented = sorted(found - set(lines))
    if invented:
        return "编造引用 " + "".join(f"[{n}]" for n in invented)
    allowed = {n: numbers(text) for n, text in lines.items()}
    for m in _SENTENCE.finditer(answer):
        sentence = m.group(0)
        said = numbers(sentence)
        if not said:
            continue
        cited = {int(n) for n in MARKER.findall(sentence)}
        if not cited:
            return f"数字 {sorted(said)[0]} 没有引用"
        ok = set().union(*(allowed[n] for n in cited))
        extra = sorted(said - ok)
        if extra:
            return f"数字 {extra[0]} 不在所引条目中"
    return None


def rewrite_section(section: Section, config: LlmConfig, post: Callable[[LlmConfig, list[dict]], str] = chat
                    ) -> Optional[str]:
    """Put LLM prose on the section when it passes the guard; return the reason when it does not."""
    lines = {n: source_line(item) for n, item, _ in section.numbered()}
    user = f"小节：{section.title}\n" + "\n".join(f"[{n}] {text}" for n, text in lines.items())
    try:
        answer = post(config, [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}])
    except LlmError as e:
        return f"语言模型不可用：{e}"
    problem = check_prose(answer, lines)
    if problem:
        return problem
    section.prose = answer
    return None


def write_with_llm(b: Briefing, config: LlmConfig, post: Callable[[LlmConfig, list[dict]], str] = chat) -> Briefing:
    """Rewrite the prose sections in place; a section that fails keeps its extractive lines and a note."""
    failed = 0
    for section in b.sections:
        if section.key not in PROSE_SECTIONS or not section.items:
            continue
        problem = rewrite_section(section, config, post)
        if problem:
            failed += 1
            section.note = f"语言模型改写未通过核对（{problem}），本节保留抽取式原文。"
    if any(s.prose for s in b.sections):
        b.writer = "llm"
    if failed:
        b.notes.append(f"{failed} 个小节的语言模型改写未通过核对，已回退为抽取式原文。")
    return b
