"""Markdown and HTML of a briefing.  Every line ends with its citations, ``[outlet, date](/doc/ID?hl=a-b#hl)``.

Text from articles is escaped for the format it lands in (Markdown punctuation backslash-escaped, HTML by
Jinja's autoescape), so a title holding ``*``, ``[`` or ``<script>`` is shown, never interpreted.  The HTML
carries no script; ``standalone=False`` gives the fragment the web UI embeds.
"""
from __future__ import annotations

import re
from urllib.parse import quote

from jinja2 import DictLoader, Environment, select_autoescape

from autointel.briefing.model import Briefing, Citation, Item, Section

QUOTE_CHARS = 160  # a quoted sentence longer than this is shown cut, with an ellipsis
QUOTED_SECTIONS = {"facts", "claims"}  # where each line shows the sentence it cites
MARKER = re.compile(r"\[(\d+)\]")
# What Markdown would act on mid-line; line-start markers (-, +, 1.) never occur: every line starts "- ".
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&])")

EXTRACTIVE_NOTE = "抽取式简报：每行由数据库中存储的字段或原文句子生成，并链接到原文中的出处。"
LLM_NOTE = "部分段落由语言模型改写，引用与数字已逐条核对；未通过核对的段落保留抽取式原文。"


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", " ".join((text or "").split()))


def shown_quote(quote: str) -> str:
    quote = " ".join(quote.split())
    return quote if len(quote) <= QUOTE_CHARS else quote[:QUOTE_CHARS - 1] + "…"


def _url(c: Citation, base_url: str) -> str:
    return quote(c.link(base_url), safe=":/?#=&-.%_~")


def _md_cites(item: Item, base_url: str) -> str:
    parts = []
    for i, c in enumerate(item.citations):
        link = f"[{md_escape(c.label)}]({_url(c, base_url)})"
        parts.append(("另见 " if c.role == "also" and i else "") + link)
    return "；".join(parts)


def _md_item(item: Item, section: Section, base_url: str, depth: int, number: int | None = None) -> list[str]:
    pad = "  " * depth
    lead = f"[{number}] " if number is not None else ""
    out = [f"{pad}- {lead}{md_escape(item.text)} — {_md_cites(item, base_url)}"]
    if section.key in QUOTED_SECTIONS and item.citations:
        out.append(f"{pad}  > {md_escape(shown_quote(item.citations[0].quote))}")
    return out


def render_markdown(b: Briefing, base_url: str = "") -> str:
    lines = [f"# {md_escape(b.title)}", "", f"*{EXTRACTIVE_NOTE if b.writer == 'extractive' else LLM_NOTE}"
             f"共 {b.documents} 篇文档。*", ""]
    for note in b.notes:
        lines += [f"> {md_escape(note)}", ""]
    for s in b.sections:
        lines += [f"## {md_escape(s.title)}", ""]
        if s.note:
            lines += [f"*{md_escape(s.note)}*", ""]
        if not s.items:
            lines += ["（无）", ""]
            continue
        if s.prose:
            links = {n: item for n, item, _ in s.numbered()}
            text = MARKER.sub(lambda m: _md_marker(m, links, base_url), md_escape_keep_markers(s.prose))
            lines += [text, ""]
            for n, item, depth in s.numbered():
                lines += _md_item(item, s, base_url, depth, n)
        else:
            for _, item, depth in s.numbered():
                lines += _md_item(item, s, base_url, depth)
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def md_escape_keep_markers(text: str) -> str:
    """Escape prose but leave its [n] markers for the links they become."""
    pieces = MARKER.split(text)  # text, number, text, number, ...
    return "".join(md_escape(p) if i % 2 == 0 else f"[{p}]" for i, p in enumerate(pieces))


def _md_marker(m: re.Match, links: dict[int, Item], base_url: str) -> str:
    item = links.get(int(m.group(1)))
    if item is None or not item.citations:
        return m.group(0)
    return f"[\\[{m.group(1)}\\]]({_url(item.citations[0], base_url)})"


# ---- HTML -------------------------------------------------------------------------------------------
_TEMPLATE = """{% macro cites(item) -%}
<span class="cites">{% for c in item.citations %}{% if c.role == 'also' and not loop.first %}另见 {% endif -%}
<a href="{{ url(c) }}" title="{{ c.title or '' }}">[{{ c.label }}]</a>{% if not loop.last %}；{% endif %}{% endfor %}</span>
{%- endmacro %}
{% macro line(item, section, number=None) -%}
<li class="{{ item.kind }}">{% if number %}<span class="n">[{{ number }}]</span> {% endif %}{{ item.text }} — {{ cites(item) }}
{%- if section.key in quoted and item.citations %}<blockquote>{{ short(item.citations[0].quote) }}</blockquote>{% endif %}
{%- if item.children and not number %}<ul>{% for child in item.children %}{{ line(child, section) }}{% endfor %}</ul>{% endif -%}
</li>
{%- endmacro -%}
{% if standalone %}<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ b.title }}</title>
<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.6}
blockquote{color:#555;margin:.2em 0 .6em 1em;border-left:3px solid #ddd;padding-left:.6em}
.cites a{color:#246;text-decoration:none}.note{color:#666;font-style:italic}.conflict{color:#933}</style>
</head><body>{% endif %}
<article class="briefing">
<h1>{{ b.title }}</h1>
<p class="note">{{ note }}共 {{ b.documents }} 篇文档。</p>
{% for n in b.notes %}<p class="note">{{ n }}</p>{% endfor %}
{% for s in b.sections %}<section id="{{ s.key }}">
<h2>{{ s.title }}</h2>
{% if s.note %}<p class="note">{{ s.note }}</p>{% endif %}
{% if not s.items %}<p>（无）</p>
{% elif s.prose %}<p class="prose">{% for text, n in prose(s) %}{{ text }}{% if n %}<a href="{{ marker_url(s, n) }}">[{{ n }}]</a>{% endif %}{% endfor %}</p>
<ol class="sources">{% for n, item, depth in s.numbered() %}{{ line(item, s, n) }}{% endfor %}</ol>
{% else %}<ul>{% for item in s.items %}{{ line(item, s) }}{% endfor %}</ul>
{% endif %}</section>
{% endfor %}</article>
{% if standalone %}</body></html>{% endif %}
"""
_ENV = Environment(loader=DictLoader({"briefing.html": _TEMPLATE}), autoescape=select_autoescape(default=True),
                   trim_blocks=True, lstrip_blocks=True)


def _prose_pieces(s: Section) -> list[tuple[str, int | None]]:
    pieces = MARKER.split(s.prose or "")
    return [(pieces[i], int(pieces[i + 1]) if i + 1 < len(pieces) else None) for i in range(0, len(pieces), 2)]


def render_html(b: Briefing, base_url: str = "", standalone: bool = True) -> str:
    def marker_url(s: Section, n: int) -> str:
        for number, item, _ in s.numbered():
            if number == n and item.citations:
                return _url(item.citations[0], base_url)
        return "#"

    return _ENV.get_template("briefing.html").render(
        b=b, standalone=standalone, quoted=QUOTED_SECTIONS, short=shown_quote, 
        prose=_prose_pieces, marker_url=marker_url, url=lambda c: _url(c, base_url),
        note=EXTRACTIVE_NOTE if b.writer == "extractive" else LLM_NOTE)
