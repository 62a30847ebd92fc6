"""The web UI: server-rendered pages over the same views the JSON API returns.

Pages are Jinja2 templates with autoescaping on; article text is split into escaped segments
(web/highlight.py), never inserted as HTML.  The only script is /static/app.js (progress and copy buttons):
the pages work without it.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Optional
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from autointel.api.context import ApiError, AppContext
from autointel.briefing import humanize
from autointel.web import highlight
from autointel.web.charts import Series, chart, human
from autointel.web.periods import period_bounds

HERE = Path(__file__).parent
STATIC = HERE / "static"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon"}
FACTS_PAGE = 200
ENTITY_ROWS = 150  # figures and claims listed on an entity page; the facts explorer pages through all

# The analyst's words for stored metrics and claim statuses: the briefing's vocabulary, one for both.
METRIC_NAMES = humanize.METRICS
STATUS_NAMES = humanize.STATUSES


def fact_value(f: dict) -> str:
    """A figure as an analyst writes it: qualifier, value in 万/亿, unit, direction and basis."""
    from autointel.commands.facts import format_value

    return format_value(f)


def _day(value: Optional[str], name: str) -> Optional[date]:
    """A date field of a form: empty means none (browsers send empty fields), anything else must be a date."""
    if not value or not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ApiError("E802", f"{name}: expects a date like 2025-01-31, not {value!r}", 400)


def router(ctx: AppContext) -> APIRouter:
    web = APIRouter(include_in_schema=False)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(metric_names=METRIC_NAMES, status_names=STATUS_NAMES, human=human,
                                 fact_value=fact_value)

    def render(request: Request, name: str, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context)

    def entity_name(eid: str | None) -> str:
        if not eid:
            return ""
        e = ctx.kb().entities.get(eid)
        return e.name if e else eid

    templates.env.globals["entity_name"] = entity_name
    from autointel.topics import load_taxonomy

    templates.env.globals["topic_names"] = {t.id: t.zh for t in load_taxonomy().topics}

    @web.get("/static/{name}")
    def static(name: str) -> Response:
        # Only files that exist directly in the folder: a name is never a path.
        if name not in {p.name for p in STATIC.iterdir()}:
            raise ApiError("E801", f"no static file {name!r}", 404)
        return FileResponse(STATIC / name, media_type=STATIC_TYPES.get(Path(name).suffix, "application/octet-stream"))

    @web.get("/", response_class=HTMLResponse)
    def home(request: Request):
        from autointel.store.stories import recent_stories

        conn = ctx.store().conn
        stats = {"documents": conn.execute("SELECT count(*) FROM documents WHERE status = 'ok'").fetchone()[0],
                 "failed": conn.execute("SELECT count(*) FROM documents WHERE status = 'failed'").fetchone()[0]}
        return render(request, "home.html", nav="home", stats=stats, stories=recent_stories(conn, limit=25),
                      watchlists=_watchlist_summaries(ctx))

    @web.get("/search", response_class=HTMLResponse)
    def search(request: Request, q: str = "", since: Optional[str] = None, until: Optional[str] = None,
               entity: list[str] = Query([]), topic: list[str] = Query([]), outlet: list[str] = Query([]),
               metric: list[str] = Query([]), page: int = 1):
        since, until = _day(since, "since"), _day(until, "until")
        from autointel.search.query import Filters
        from autointel.topics import load_taxonomy

        topics = {t.id: t.zh for t in load_taxonomy().topics}
        result, error = None, None
        if q.strip():
            page = max(1, min(page, 50))
            filters = Filters(entities=[ctx.entity_id(e) for e in entity], topics=topic, outlets=outlet,
                              metrics=metric, since=since, until=until)
            try:
                result = ctx.engine().search(q, limit=10 * page, filters=filters, fold=True).as_dict()
                result["results"] = result["results"][10 * (page - 1):]
            except ApiError:
                raise
            except Exception as e:  # a query the parser cannot read: say so on the page
                error = getattr(e, "detail", str(e))
        params = {"q": q, "since": since or "", "until": until or "", "entity": entity, "topic": topic,
                  "outlet": outlet, "metric": metric}

        def with_filter(key: str, value: str) -> str:
            p = {k: (list(v) if isinstance(v, list) else v) for k, v in params.items()}
            if isinstance(p[key], list):
                p[key] = p[key] + [value] if value not in p[key] else [v for v in p[key] if v != value]
            else:
                p[key] = value
            return "/search?" + urlencode(p, doseq=True)

        return render(request, "search.html", nav="search", q=q, result=result, error=error, params=params,
                      topics=topics, with_filter=with_filter, page=page)

    @web.get("/doc/{doc_id}", response_class=HTMLResponse)
    def document(request: Request, doc_id: str, view: str = "canonical", hl: Optional[str] = None):
        from autointel.normalize.aligned import AlignedText
        from autointel.store.stories import story_members
        from autointel.views import document_view

        doc = ctx.store().get_document(doc_id)
        if doc is None:
            raise ApiError("E801", f"no document {doc_id!r}", 404)
        v = document_view(ctx.store(), ctx.kb(), doc)
        view = view if view in ("canonical", "original", "rendered") else "canonical"
        cited = highlight.parse_span(hl)
        original = view != "canonical"
        marks: list[highlight.Mark] = []
        for m in v.get("mentions", []):
            if m["entity_id"]:
                s, e = (m["orig_start"], m["orig_end"]) if original else (m["start"], m["end"])
                if s is not None and e is not None:
                    marks.append(highlight.Mark("entity", s, e, m["entity_id"], m["name"] or ""))
        for f in v.get("facts", []):
            s, e = (f["orig_start"], f["orig_end"]) if original else (f["start"], f["end"])
            if s is not None and e is not None:
                marks.append(highlight.Mark("fact", s, e, str(f["id"]), f"{METRIC_NAMES.get(f['metric'], f['metric'])}"
                                            f" {fact_value(f)} {f['period'] or ''}"))
        for c in v.get("claims", []):
            for ev in c["events"]:
                s, e = (ev["orig_start"], ev["orig_end"]) if original else (ev["start"], ev["end"])
                if s is not None and e is not None:
                    marks.append(highlight.Mark("claim", s, e, str(c["id"]),
                                                f"{c['type']} · {STATUS_NAMES.get(ev['status'], ev['status'])}"))
        if cited and doc["status"] == "ok":
            if original:  # links cite canonical offsets: map them through the stored alignment
                cited = AlignedText.from_runs(doc["canonical"], doc["offsets"]).original_span(*cited)
            marks.append(highlight.Mark("cited", cited[0], cited[1]))
        text = (doc["original"] if original else doc["canonical"]) or ""
        rendered = None
        if view == "rendered":
            rendered = _sanitised_html(text)
        members = story_members(ctx.store().conn, v["story_id"]) if v.get("story_id") else []
        return render(request, "doc.html", nav="search", doc=v, view=view, hl=hl,
                      segments=highlight.segments(text, marks), rendered=rendered,
                      members=[m for m in members if m["id"] != doc["id"]], title=v["title"])

    @web.get("/entity/{name}", response_class=HTMLResponse)
    def entity(request: Request, name: str):
        from autointel.commands.entities import entity_profile
        from autointel.commands.facts import fact_json
        from autointel.store.facts import conflicts_among, list_claims, list_facts

        eid = ctx.entity_id(name)
        conn = ctx.store().conn
        profile = entity_profile(ctx.store(), ctx.kb(), eid, 15)
        rows = list_facts(conn, entity_id=eid)
        conflicting = {f["id"] for c in conflicts_among(rows) for f in c["facts"]}
        facts = [fact_json(f) for f in rows]
        claims = list_claims(conn, entity_id=eid)
        # The chart reads every figure; the page lists the latest ones (the facts explorer has them all).
        latest = sorted(facts, key=lambda f: (f["published_at"] or "", f["id"]), reverse=True)[:ENTITY_ROWS]
        return render(request, "entity.html", nav="search", p=profile, facts=latest, facts_total=len(facts),
                      conflicting=conflicting, claims=claims[:ENTITY_ROWS], claims_total=len(claims),
                      mentions_chart=_mentions_chart(ctx, profile),
                      facts_chart=_facts_chart(facts, conflicting, by_metric=True), title=profile["name"])

    def _fact_rows(metric: Optional[str], subject: list[str], since: Optional[date], until: Optional[date],
                   basis: Optional[str]) -> list[dict]:
        from autointel.commands.facts import fact_json
        from autointel.store.facts import list_facts

        conn = ctx.store().conn
        ids = [ctx.entity_id(s) for s in subject if s.strip()]
        rows = []
        for eid in ids or [None]:
            rows += [fact_json(f) for f in list_facts(conn, entity_id=eid, metric=metric or None)]
        out = []
        for f in rows:
            if basis and f["basis"] != basis:
                continue
            first, last = period_bounds(f["period"])
            if since and (last is None or last < since):
                continue
            if until and (first or last) and (first or last) > until:
                continue
            out.append(f)
        return out

    @web.get("/facts", response_class=HTMLResponse)
    def facts_page(request: Request, metric: Optional[str] = None, subject: list[str] = Query([]),
                   since: Optional[str] = None, until: Optional[str] = None, basis: Optional[str] = None,
                   page: int = 1):
        since, until = _day(since, "since"), _day(until, "until")
        from autointel.store.facts import conflicts

        rows = _fact_rows(metric, subject, since, until, basis) if (metric or any(subject)) else []
        conflicting = set()
        for eid in {f["subject_id"] for f in rows if f["subject_id"]} if len(subject) else [None]:
            for c in conflicts(ctx.store().conn, entity_id=eid, metric=metric or None):
                conflicting |= {f["id"] for f in c["facts"]}
        page = max(1, page)
        shown = rows[FACTS_PAGE * (page - 1):FACTS_PAGE * page]
        query = urlencode({"metric": metric or "", "subject": subject, "since": since or "", "until": until or "",
                           "basis": basis or ""}, doseq=True)
        return render(request, "facts.html", nav="facts", rows=shown, total=len(rows), page=page,
                      pages=(len(rows) + FACTS_PAGE - 1) // FACTS_PAGE, metric=metric, subject=subject,
                      since=since, until=until, basis=basis, conflicting=conflicting, query=query,
                      chart=_facts_chart(rows, conflicting, by_metric=False) if rows else None)

    @web.get("/facts.csv")
    def facts_csv(request: Request, metric: Optional[str] = None, subject: list[str] = Query([]),
                  since: Optional[str] = None, until: Optional[str] = None, basis: Optional[str] = None) -> Response:
        since, until = _day(since, "since"), _day(until, "until")
        rows = _fact_rows(metric, subject, since, until, basis)
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel opens UTF-8 Chinese text correctly only with a byte-order mark
        columns = ["subject", "subject_id", "metric", "value", "value_max", "unit", "qualifier", "direction",
                   "basis", "period", "scope", "text", "doc_id", "doc_title", "outlet", "published_at", "start",
                   "end", "orig_start", "orig_end"]
        w = csv.writer(buf)
        w.writerow(columns + ["citation"])
        base = str(request.base_url).rstrip("/")
        from autointel.export.tables import csv_cell  # article text is untrusted: no formulas

        for f in rows:
            w.writerow([csv_cell(f[c]) for c in columns] + [f"{base}/doc/{f['doc_id']}?hl={f['start']}-{f['end']}#hl"])
        name = f"facts-{metric or 'all'}.csv"
        return Response(buf.getvalue().encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    @web.get("/trends", response_class=HTMLResponse)
    def trends_page(request: Request, topic: list[str] = Query([]), entity: list[str] = Query([]),
                    interval: str = "month", since: Optional[str] = None, until: Optional[str] = None):
        since, until = _day(since, "since"), _day(until, "until")
        from autointel.commands.trends import series_namer
        from autointel.store.trends import trends
        from autointel.topics import load_taxonomy

        taxonomy = load_taxonomy()
        entity = [e for e in entity if e.strip()]
        t = trends(ctx.store().conn, topics=[x for x in topic if taxonomy.get(x)],
                   entities=[ctx.entity_id(e) for e in entity], interval=interval if interval in ("week", "month")
                   else "month", since=since, until=until, name_of=series_namer(ctx.kb(), taxonomy))
        svg = chart(t["buckets"], [Series(s["name"], s["counts"]) for s in t["series"]],
                    title="文章数 articles per " + t["interval"]) if t["series"] else None
        return render(request, "trends.html", nav="trends", t=t, svg=svg, topics=taxonomy.topics, topic=topic,
                      entity=entity, interval=t["interval"], since=since, until=until)

    def _briefing(entity: Optional[str], topic: Optional[str], q: Optional[str], since: Optional[date],
                  until: Optional[date], limit: int, llm: bool = False):
        from autointel.briefing import build_briefing
        from autointel.briefing.llm import LlmConfig, write_with_llm

        b = build_briefing(ctx.store(), ctx.kb(), ctx.engine() if q else None, entity=ctx.entity_id(entity),
                           topic=topic or None, query=q or None, since=since, until=until,
                           limit=max(1, min(limit, 100)))
        config = LlmConfig.from_env() if llm else None
        if config is not None:  # off unless the server was given an endpoint; held to the same citations
            write_with_llm(b, config)
        return b

    @web.get("/briefing", response_class=HTMLResponse)
    def briefing_page(request: Request, entity: Optional[str] = None, topic: Optional[str] = None,
                      q: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
                      limit: int = 12, llm: bool = False):
        since, until = _day(since, "since"), _day(until, "until")
        from autointel.briefing import BriefingError
        from autointel.briefing.llm import LlmConfig
        from autointel.briefing.render import render_html, render_markdown
        from autointel.topics import load_taxonomy

        entity, topic, q = (entity or "").strip() or None, topic or None, (q or "").strip() or None
        html = markdown = error = None
        if entity or topic or q:
            try:
                b = _briefing(entity, topic, q, since, until, limit, llm)
                html = render_html(b, "", standalone=False)
                markdown = render_markdown(b, str(request.base_url).rstrip("/"))
            except BriefingError as e:
                error = e.as_text()
        query = urlencode({k: v for k, v in (("entity", entity), ("topic", topic), ("q", q), ("since", since),
                                             ("until", until), ("limit", limit), ("llm", "true" if llm else ""))
                           if v})
        return render(request, "briefing.html", nav="briefing", entity=entity, topic=topic, q=q, since=since,
                      until=until, limit=limit, html=html, markdown=markdown, error=error, query=query,
                      topics=load_taxonomy().topics, llm=llm, llm_available=LlmConfig.from_env() is not None)

    @web.get("/briefing.{fmt}")
    def briefing_download(request: Request, fmt: str, entity: Optional[str] = None, topic: Optional[str] = None,
                          q: Optional[str] = None, since: Optional[str] = None, until: Optional[str] = None,
                          limit: int = 12, llm: bool = False) -> Response:
        """The briefing as a file to paste or keep: links carry this server's address so they work elsewhere."""
        since, until = _day(since, "since"), _day(until, "until")
        from autointel.briefing.render import render_html, render_markdown

        if fmt not in ("md", "html"):
            raise ApiError("E802", "a briefing downloads as .md or .html", 400)
        if not (entity or topic or q):
            raise ApiError("E802", "a briefing needs entity, topic or q", 400)
        b = _briefing(entity, topic, q, since, until, limit, llm)
        base = str(request.base_url).rstrip("/")
        body, media = ((render_markdown(b, base), "text/markdown; charset=utf-8") if fmt == "md"
                       else (render_html(b, base), "text/html; charset=utf-8"))
        return Response(body.encode("utf-8"), media_type=media,
                        headers={"Content-Disposition": f'attachment; filename="briefing.{fmt}"'})

    @web.get("/watchlists", response_class=HTMLResponse)
    def watchlists_page(request: Request, error: Optional[str] = None):
        from autointel.store import watchlists as watchlist_store
        from autointel.topics import load_taxonomy
        from autointel.watchlists import service

        conn = ctx.store().conn
        rows = [(wl, service.visit(conn, wl, ctx.engine, mark_seen=False))
                for wl in watchlist_store.list_all(conn)]
        return render(request, "watchlists.html", nav="watchlists", rows=rows, error=error,
                      topics=load_taxonomy().topics)

    @web.post("/watchlists")
    async def watchlist_create(request: Request):
        from autointel.watchlists import service

        ctx.check_writer(request)
        form = await request.form()
        raw = {"name": str(form.get("name") or ""), "query": str(form.get("query") or "") or None,
               "entities": [e.strip() for e in str(form.get("entities") or "").replace("，", ",").split(",")
                            if e.strip()],
               "topics": [str(t) for t in form.getlist("topics")], "outlet": str(form.get("outlet") or "") or None}
        try:
            if raw["query"]:
                ctx.engine().parser.parse(raw["query"])
            with ctx.write_lock:
                created = service.create(ctx.store().conn, raw, ctx.kb())
        except ApiError:
            raise
        except Exception as e:  # a bad definition goes back to the form with its coded message
            code = getattr(e, "code", "E802")
            return RedirectResponse("/watchlists?" + urlencode({"error": f"[{code}] {getattr(e, 'detail', e)}"}),
                                    status_code=303)
        return RedirectResponse(f"/watchlists/{created['id']}", status_code=303)

    @web.get("/watchlists/{watchlist_id}", response_class=HTMLResponse)
    def watchlist_page(request: Request, watchlist_id: int):
        from autointel.watchlists import service

        conn = ctx.store().conn
        wl = service.require(conn, watchlist_id)
        # A visit marks what it shows as seen, so the next visit shows only what arrived since; a reader
        # without the token (beyond localhost) sees the same page without recording the visit.
        try:
            ctx.check_writer(request)
            may_mark = True
        except ApiError:
            may_mark = False
        if may_mark:
            with ctx.write_lock:
                report = service.visit(conn, wl, ctx.engine, mark_seen=True)
        else:
            report = service.visit(conn, wl, ctx.engine, mark_seen=False)
        return render(request, "watchlist.html", nav="watchlists", wl=wl, report=report, marked=may_mark,
                      title=wl["name"])

    @web.post("/watchlists/{watchlist_id}/delete")
    def watchlist_delete(request: Request, watchlist_id: int):
        from autointel.watchlists import service

        ctx.check_writer(request)
        with ctx.write_lock:
            service.remove(ctx.store().conn, watchlist_id)
        return RedirectResponse("/watchlists", status_code=303)

    @web.get("/ingest", response_class=HTMLResponse)
    def ingest_page(request: Request, job: Optional[str] = None):
        from autointel.store import jobs as job_store
        from autointel.store import subscriptions as subs_store
        from autointel.subscribe.schedule import health

        from autointel.store.subscriptions import now_utc

        conn = ctx.store().conn
        now = now_utc()
        feeds = [s | health(s, now) for s in subs_store.all_subscriptions(conn)]
        return render(request, "ingest.html", nav="ingest", jobs=job_store.recent_jobs(conn, 15), current=job,
                      feeds=feeds, needs_token=ctx.writes_need_token)

    @web.post("/ingest/upload")
    async def ingest_upload(request: Request, files: list[UploadFile]):
        from autointel.api.ingest import start_upload

        ctx.check_writer(request)
        started = await start_upload(ctx, request, files)
        return RedirectResponse(f"/ingest?job={started['job']}", status_code=303)

    @web.post("/ingest/feed")
    async def ingest_feed(request: Request):
        from autointel.api.ingest import start_feed

        ctx.check_writer(request)
        form = await request.form()
        started = start_feed(ctx, str(form.get("url") or ""), str(form.get("name") or "") or None,
                             str(form.get("every") or "30m"))
        return RedirectResponse(f"/ingest?job={started['job']}", status_code=303)

    @web.get("/login", response_class=HTMLResponse)
    def login(request: Request):
        return render(request, "login.html", nav="", needs_token=ctx.writes_need_token)

    @web.post("/login")
    async def login_post(request: Request):
        form = await request.form()
        response = RedirectResponse("/ingest", status_code=303)
        # SameSite=Strict: another site's form can never send it along (no cross-site writes)
        response.set_cookie("autointel_token", str(form.get("token") or ""), httponly=True, samesite="strict")
        return response

    return web


def _sanitised_html(html: str) -> str:
    """The publisher's HTML as Ammonia (nh3) lets it through: no script, no event handler, no style, no
    iframe, links made inert to the referrer; images only from data: (the page must not call out)."""
    import nh3

    tags = {"p", "br", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "strong", "em", "b",
            "i", "u", "table", "thead", "tbody", "tr", "th", "td", "a", "figure", "figcaption", "span", "div",
            "section", "article", "pre", "code"}
    return nh3.clean(html, tags=tags, attributes={"a": {"href", "title"}}, url_schemes={"http", "https"},
                     link_rel="noopener noreferrer nofollow")


def _mentions_chart(ctx: AppContext, profile: dict):
    """Articles naming the entity per month, over the whole time it appears in."""
    from autointel.store.trends import trends

    if not profile["first_seen"] or not profile["last_seen"]:
        return None
    first, last = date.fromisoformat(profile["first_seen"][:10]), date.fromisoformat(profile["last_seen"][:10])
    t = trends(ctx.store().conn, entities=[profile["id"]], interval="month", since=first, until=last)
    if not t["buckets"]:
        return None
    return chart(t["buckets"], [Series("", s["counts"]) for s in t["series"]], kind="bar",
                 title="每月提及的文章 articles per month")


def _facts_chart(facts: list[dict], conflicting: set[int], *, by_metric: bool):
    """Figures of the most common (metric, unit, basis) in period order, one series per subject (or per
    metric on an entity page); a period with differing figures is drawn as a red ring."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for f in facts:
        if f["period"] and period_bounds(f["period"])[1]:
            groups[(f["metric"], f["unit"], f["basis"])].append(f)
    if not groups:
        return None
    key, chosen = max(groups.items(), key=lambda kv: len(kv[1]))
    periods = sorted({f["period"] for f in chosen}, key=lambda p: (period_bounds(p)[1], period_bounds(p)[0] or date.min))
    series = []
    by_series: dict[str, list[dict]] = defaultdict(list)
    for f in chosen:
        by_series[f["metric"] if by_metric else (f["subject"] or "?")].append(f)
    for name, fs in sorted(by_series.items(), key=lambda kv: -len(kv[1]))[:8]:
        values, flags, notes = [], [], []
        for p in periods:
            here = [f for f in fs if f["period"] == p]
            if not here:
                values.append(None), flags.append(False), notes.append("")
                continue
            counted = defaultdict(int)
            for f in here:
                counted[f["value"]] += 1
            value = max(counted, key=lambda v: counted[v])
            values.append(value)
            flags.append(len(counted) > 1 or any(f["id"] in conflicting for f in here))
            notes.append(f"{name} {p}: " + " / ".join(f"{fact_value(f)} ({f['outlet'] or '?'})" for f in here))
        series.append(Series(METRIC_NAMES.get(name, name) if by_metric else name, values, flags, notes))
    metric, unit, basis = key
    return {"svg": chart(periods, series, title=f"{METRIC_NAMES.get(metric, metric)} {unit} {basis}"),
            "metric": metric, "unit": unit, "basis": basis}


def _watchlist_summaries(ctx: AppContext) -> list[dict]:
    """Each watchlist with its count of stories new since the last visit, for the home page."""
    from autointel.store import watchlists as watchlist_store
    from autointel.watchlists import service

    conn = ctx.store().conn
    out = []
    for wl in watchlist_store.list_all(conn):
        counts = service.visit(conn, wl, ctx.engine, mark_seen=False).counts
        out.append({"id": wl["id"], "name": wl["name"], "new": counts["new"] + counts["updated"],
                    "total": counts["stories"]})
    return out
