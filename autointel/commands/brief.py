"""`brief`: a cited briefing on an entity, a topic or a query within a date range, as Markdown, HTML or JSON."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape

from autointel.cli import DB_HELP, _open, app, err
from autointel.errors import AutointelError


def render(briefing, fmt: str, base_url: str) -> str:
    from autointel.briefing.render import render_html, render_markdown

    if fmt == "md":
        return render_markdown(briefing, base_url)
    if fmt == "html":
        return render_html(briefing, base_url)
    return json.dumps(briefing.as_dict(base_url), ensure_ascii=False, indent=1) + "\n"


@app.command()
def brief(
    entity: Optional[str] = typer.Option(None, "--entity", help="Any name of the entity (比亚迪, BYD, 比亞迪) or its id"),
    topic: Optional[str] = typer.Option(None, "--topic", help="A topic id of the taxonomy (`autointel topics`)"),
    query: Optional[str] = typer.Option(None, "--query", help="Search words, as for `autointel search`"),
    since: Optional[str] = typer.Option(None, "--since", help="Published on or after YYYY-MM-DD"),
    until: Optional[str] = typer.Option(None, "--until", help="Published on or before YYYY-MM-DD"),
    fmt: str = typer.Option("md", "--format", help="md, html or json"),
    out_file: Optional[Path] = typer.Option(None, "--out", help="Write to this file instead of stdout"),
    base_url: str = typer.Option("", "--base-url", help="Prefix for citation links, e.g. http://127.0.0.1:8000"),
    limit: int = typer.Option(12, "--limit", help="Key facts to show (claims and stories: two thirds of it)"),
    llm: bool = typer.Option(False, "--llm", help="Rewrite sections as prose with the LLM at $AUTOINTEL_LLM_URL"
                                                  " (checked; failing sections stay extractive)"),
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
) -> None:
    """A briefing: key facts (values, periods, sources, conflicts), claims and their status, main stories and a
    timeline; every line cites outlet, date and a link to the exact sentence."""
    from autointel.briefing import build_briefing
    from autointel.briefing.llm import LlmConfig, write_with_llm
    from autointel.search.service import kb_for, open_engine

    if fmt not in ("md", "html", "json"):
        err.print(f"[red]--format must be md, html or json, not {fmt!r}[/red]")
        raise typer.Exit(2)
    config = LlmConfig.from_env() if llm else None
    if llm and config is None:
        err.print("[red]--llm needs AUTOINTEL_LLM_URL (an OpenAI-compatible endpoint)[/red]")
        raise typer.Exit(2)
    store = _open(db)
    try:
        engine = open_engine(store) if query else None
        briefing = build_briefing(store, kb_for(store), engine, entity=entity, topic=topic, query=query,
                                  since=since, until=until, limit=limit)
    except AutointelError as e:
        err.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    except ValueError as e:  # a date that is not YYYY-MM-DD
        err.print(f"[red]{escape(str(e))}[/red]")
        raise typer.Exit(2)
    if config is not None:
        write_with_llm(briefing, config)
        for s in briefing.sections:
            if s.note:
                err.print(f"[yellow]{escape(s.title)}: {escape(s.note)}[/yellow]")
    text = render(briefing, fmt, base_url)
    if out_file:
        out_file.write_text(text, encoding="utf-8")
        cites = sum(1 for _ in briefing.cited())
        err.print(f"{out_file}: {sum(len(s.lines()) for s in briefing.sections)} lines, {cites} citations,"
                  f" {briefing.documents} documents, {briefing.took_ms:.0f} ms")
    else:
        sys.stdout.write(text)
