"""The web UI in a real browser: Playwright driving Debian's Chromium against `autointel serve`.

The journey of PRODUCT.md: search -> article -> entity -> facts chart -> briefing export, then the ingest
page.  Each page's screenshot is written to screenshots/ (or $AUTOINTEL_SCREENSHOTS).  Without
/usr/bin/chromium the tests skip, unless AUTOINTEL_REQUIRE_BROWSER=1 (set by `make test`, which installs it).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.conftest import REPO, SAMPLES

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path(os.environ.get("AUTOINTEL_SCREENSHOTS", REPO / "screenshots"))
# Flags as the machine notes ask: no sandbox as root, and nothing that calls out to Google's servers.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


def _browser_or_skip():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("AUTOINTEL_REQUIRE_BROWSER") == "1":
            pytest.fail("AUTOINTEL_REQUIRE_BROWSER=1 but /usr/bin/chromium is missing (run `make browser`)")
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (`make browser` installs it)")
    from playwright.sync_api import sync_playwright

    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    db = str(tmp_path_factory.mktemp("browser") / "ui.db")
    store = open_store(db)
    ingest([str(SAMPLES)], store, linker=linker_for(store))
    store.close()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "autointel.cli", "serve", "--db", db, "--port", str(port),
                             "--no-watch"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError("autointel serve did not answer: " + proc.stdout.read().decode(errors="replace"))
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _browser_or_skip()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: problems.append(str(e)))
    pg.problems = problems
    yield pg
    context.close()


def _shot(pg, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_search_article_entity_facts_briefing(server, page, tmp_path):
    pg = page
    pg.goto(server + "/")
    _shot(pg, "01-home")
    pg.fill("[data-testid=quick-search]", "比亚迪 欧洲 交付")
    pg.press("[data-testid=quick-search]", "Enter")
    pg.wait_for_selector("[data-testid=result]")
    first = pg.locator("[data-testid=result-link]").first
    assert "比亚迪" in first.inner_text()
    _shot(pg, "02-search")

    first.click()
    pg.wait_for_selector("[data-testid=article-text]")
    assert "比亚迪" in pg.inner_text("[data-testid=doc-title]")
    assert pg.locator("[data-testid=article-text] a.ent").count() >= 3
    assert pg.locator("[data-testid=article-text] a.fact").count() >= 1
    _shot(pg, "03-article")
    pg.click("[data-testid=view-original]")
    pg.wait_for_selector("[data-testid=article-text].source")
    pg.click("[data-testid=view-canonical]")

    # a figure's citation opens the article at its span, highlighted
    pg.locator("[data-testid=doc-facts] a", has_text="近16万辆").click()
    pg.wait_for_selector("mark#hl")
    assert pg.inner_text("mark#hl") == "近16万辆"

    pg.locator("[data-testid=article-text] a.ent", has_text="比亚迪").first.click()
    pg.wait_for_selector("[data-testid=entity-name]")
    assert "BYD" in pg.inner_text("[data-testid=entity-name]")
    assert pg.locator("[data-testid=mentions-chart] svg").is_visible()
    assert pg.locator("[data-testid=facts-chart] svg circle").count() >= 1
    _shot(pg, "04-entity")

    pg.click("[data-testid=entity-facts-link]")
    pg.wait_for_selector("[data-testid=facts-table]")
    assert pg.locator("[data-testid=facts-explorer-chart] svg").is_visible()
    _shot(pg, "05-facts")
    with pg.expect_download() as dl:
        pg.click("[data-testid=facts-csv]")
    csv_path = tmp_path / "facts.csv"
    dl.value.save_as(csv_path)
    assert "近16万辆" in csv_path.read_text(encoding="utf-8-sig")

    pg.goto(server + "/entity/byd")
    pg.click("[data-testid=entity-briefing-link]")
    pg.wait_for_selector("[data-testid=briefing]")
    cites = pg.locator("[data-testid=briefing] a[href*='?hl=']")
    assert cites.count() >= 2
    _shot(pg, "06-briefing")
    with pg.expect_download() as dl:
        pg.click("[data-testid=briefing-md]")
    md = tmp_path / "briefing.md"
    dl.value.save_as(md)
    text = md.read_text(encoding="utf-8")
    assert "比亚迪" in text and "/doc/" in text and "?hl=" in text
    # the first citation of the briefing opens its span
    href = cites.first.get_attribute("href")
    pg.goto(server + href)
    assert pg.locator("mark#hl").count() == 1
    assert not [p for p in pg.problems if "Content Security Policy" in p or "Refused" in p], pg.problems


def test_trends_watchlists_and_ingest_pages(server, page):
    pg = page
    pg.goto(server + "/trends")
    pg.wait_for_selector("[data-testid=trends-chart] svg")
    _shot(pg, "07-trends")

    pg.goto(server + "/watchlists")
    pg.fill("[data-testid=watchlist-name]", "比亚迪观察")
    pg.fill("[data-testid=watchlist-query]", "比亚迪")
    pg.click("[data-testid=watchlist-save]")
    pg.wait_for_selector("[data-testid=watchlist-matches]")
    assert pg.locator("[data-testid=watchlist-matches] a").count() >= 1
    feed = pg.locator("[data-testid=watchlist-feed]").first.get_attribute("href")
    xml = httpx.get(server + feed).text
    assert xml.lstrip().startswith("<?xml") and "比亚迪" in xml
    _shot(pg, "08-watchlist")

    pg.goto(server + "/ingest")
    upload = SAMPLES / "markdown" / "2026-01-08-startup-funding.md"
    pg.set_input_files("[data-testid=upload-input]", str(upload))
    pg.click("[data-testid=upload-form] button")
    pg.wait_for_selector("[data-state=done]", timeout=60_000)
    status = pg.inner_text("[data-state=done] .job-status")
    assert "new 0" in status and "duplicate 1" in status  # the same article again: recorded, not stored twice
    _shot(pg, "09-ingest")
    assert not pg.problems, pg.problems


def test_pages_fit_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, device_scale_factor=2)
    pg = context.new_page()
    for name, url in (("10-phone-search", "/search?q=比亚迪"), ("11-phone-entity", "/entity/byd")):
        pg.goto(server + url)
        overflow = pg.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{url} scrolls sideways by {overflow}px on a phone"
        _shot(pg, name)
    context.close()
