"""`topics`: the topic taxonomy with document counts, a document's topics with evidence, and re-tagging."""
from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.store import topics as topic_store


def _months(by_month: dict[str, int], last: int = 6) -> str:
    """The latest months with documents, oldest first: "2025-01:3 2025-02:5"."""
    return " ".join(f"{m}:{n}" for m, n in sorted(by_month.items())[-last:])


@app.command()
def topics(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines on stdout"),
    retag: bool = typer.Option(False, "--retag", help="Re-tag every stored document with the current taxonomy"),
    stale: bool = typer.Option(False, "--stale", help="With --retag: only documents tagged by another taxonomy version"),
    doc: Optional[str] = typer.Option(None, "--doc", help="Show one document's topics with their evidence (id or prefix)"),
    topic: Optional[str] = typer.Option(None, "--topic", help="List the documents tagged with this topic id"),
    limit: int = typer.Option(20, "--limit", help="With --topic: at most this many documents"),
) -> None:
    """Topics (自动驾驶, 动力电池, 芯片 ...): the taxonomy with document counts per topic and month."""
    from autointel.topics import TAXONOMY_VERSION, TaxonomyError, load_taxonomy

    try:
        taxonomy = load_taxonomy()
    except TaxonomyError as e:
        err.print(f"[red]{escape(str(e))}[/red]")
        for p in e.problems:
            err.print(f"  {escape(p)}")
        raise typer.Exit(2)
    store = _open(db)
    if retag:
        _retag(store, not stale, as_json)
        return
    if doc:
        _show_document(store, doc, as_json)
        return
    elif topic:
        _list_documents(store, taxonomy, topic, limit, as_json)
        return
    counts = topic_store.topic_counts(store.conn)
    by_month = topic_store.topic_counts_by_month(store.conn)
    tagged, versions = topic_store.tagged_documents(store.conn)
    if as_json:
        for t in taxonomy.topics:
            _emit_json({"topic": t.id, "zh": t.zh, "en": t.en, "scope": t.scope, "threshold": t.threshold,
                        "documents": counts.get(t.id, 0), "by_month": by_month.get(t.id, {}),
                        "description": t.description})
        return
    table = Table(title=f"taxonomy v{TAXONOMY_VERSION} · {tagged} documents tagged")
    for col in ("id", "topic", "documents", "recent months"):
        table.add_column(col, overflow="fold")
    for t in taxonomy.topics:  # descriptions are in --json and docs/topics.md: the table stays one line a topic
        table.add_row(t.id, f"{t.zh} · {escape(t.en)}", str(counts.get(t.id, 0)), _months(by_month.get(t.id, {}), 4))
    out.print(table)
    old = {v: n for v, n in versions.items() if v != TAXONOMY_VERSION}
    if old:
        err.print(f"[yellow]{sum(old.values())} documents were tagged by an older taxonomy"
                  f" ({', '.join(f'v{v}' for v in old)}): run `autointel topics --retag --stale`[/yellow]")


def _retag(store, everything: bool, as_json: bool) -> None:
    from autointel.pipeline import linker_for

    kb = linker_for(store).kb
    n = topic_store.retag_all(store.conn, kb, everything=everything)
    if as_json:
        _emit_json({"retagged": n})
    else:
        err.print(f"re-tagged {n} documents")


def _show_document(store, doc_id: str, as_json: bool) -> None:
    doc = store.get_document(doc_id)
    if doc is None:
        err.print(f"[red]no document {doc_id!r}[/red]")
        raise typer.Exit(1)
    rows = topic_store.topics_of(store.conn, doc["id"])
    if as_json:
        for r in rows:
            _emit_json({"doc_id": doc["id"], **r})
        return
    out.print(f"[bold]{escape(doc['title'] or '(untitled)')}[/bold]  {doc['id']}")
    if not rows:
        out.print("  no topic (tagged documents reach no threshold: not auto-industry news, or too little evidence)")
    for r in rows:
        spans = ", ".join(f"{escape(e[2])}@{'title:' if len(e) > 3 and e[3] == 'title' else ''}{e[0]}"
                          for e in r["evidence"])
        out.print(f"  {r['topic']:<20} {r['score']:.2f}  {spans}")


def _list_documents(store, taxonomy, topic: str, limit: int, as_json: bool) -> None:
    if taxonomy.get(topic) is None:
        err.print(f"[red]no topic {topic!r}; topics: {', '.join(taxonomy.ids)}[/red]")
        raise typer.Exit(1)
    rows = topic_store.documents_with_topic(store.conn, topic, limit=limit)
    if as_json:
        for r in rows:
            _emit_json({"topic": topic, **r})
        return
    for r in rows:
        out.print(f"{(r['published_at'] or '')[:10]:<10} {r['score']:.2f} {r['id'][:8]} {escape(r['title'] or '')}")
