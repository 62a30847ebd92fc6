"""`stories`: groups of exact and near-duplicate articles, the earliest one representing each group."""
from __future__ import annotations

from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from autointel.cli import DB_HELP, _emit_json, _open, app, err, out
from autointel.store import stories as story_store


def member_json(m: dict) -> dict:
    return {"id": m["id"], "kind": m["kind"], "duplicate_of": m["duplicate_of"], "title": m["title"],
            "outlet": m["outlet"], "published_at": m["published_at"], "representative": m["representative"],
            "similarity": {"jaccard": _round(m["jaccard"]), "containment": _round(m["containment"])}}


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def story_json(s: dict, members: list[dict]) -> dict:
    return {"id": s["id"], "size": s["size"], "documents": s["documents"],
            "representative": {"id": s["representative_id"], "title": s["title"], "published_at": s["published_at"],
                               "outlet": s["outlet"]},
            "first_published": s["first_published"], "last_published": s["last_published"],
            "members": [member_json(m) for m in members]}


def _unassigned(conn) -> int:
    """Documents without a story, or signed with other parameters (their band keys no longer compare)."""
    from autointel.stories.params import DEFAULT_PARAMS

    return conn.execute("SELECT count(*) FROM documents d WHERE d.status = 'ok' AND NOT EXISTS"
                        " (SELECT 1 FROM story_members m JOIN story_signatures s ON s.document_id = m.document_id"
                        " WHERE m.document_id = d.id AND s.params = ?)", (DEFAULT_PARAMS.version,)).fetchone()[0]


@app.command()
def stories(
    db: Optional[str] = typer.Option(None, "--db", help=DB_HELP),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines on stdout: one story (with its members) a line"),
    min_size: int = typer.Option(2, "--min-size", help="Only stories with at least this many members "
                                 "(documents + folded exact copies); 1 lists singletons too"),
    limit: Optional[int] = typer.Option(None, "--limit", help="At most this many stories"),
    rebuild: bool = typer.Option(False, "--rebuild", help="Recompute every story from the stored documents"),
) -> None:
    """Stories: reposts of the same article (Traditional copies, re-formatted, truncated, with boilerplate)
    grouped, largest first; the representative is the earliest published member."""
    store = _open(db)
    if rebuild:
        store.begin()
        try:
            count = story_store.rebuild_stories(store.conn)
        finally:
            store.commit()
        err.print(f"{count} stories over {store.conn.execute('SELECT count(*) FROM story_members').fetchone()[0]}"
                  " documents")
    else:
        missing = _unassigned(store.conn)
        if missing:
            err.print(f"[yellow]{missing} documents have no story yet (or one from other parameters): "
                      "run `autointel stories --rebuild`[/yellow]")
    listed = story_store.list_stories(store.conn, min_size=min_size, limit=limit)
    if as_json:
        for s in listed:
            _emit_json(story_json(s, story_store.story_members(store.conn, s["id"])))
        return
    if rebuild and not listed:
        return
    table = Table()
    for col in ("story", "size", "member", "title", "outlet", "published", "similarity"):
        table.add_column(col, overflow="fold")
    for s in listed:
        for i, m in enumerate(story_store.story_members(store.conn, s["id"])):
            if m["kind"] == "folded_source":
                sim = f"exact copy of {m['duplicate_of'][:8]}"
            elif m["representative"]:
                sim = "representative"
            else:
                sim = f"J {m['jaccard']:.2f} C {m['containment']:.2f}" if m["jaccard"] is not None else ""
            table.add_row(s["id"] if i == 0 else "", str(s["size"]) if i == 0 else "", escape(m["id"][:16]),
                          escape(m["title"] or ""), escape(m["outlet"] or ""), (m["published_at"] or "")[:10], sim)
    out.print(table)
