"""docs/notebook.md is executable: every ```python block runs, in order, against a database built from samples/,
and the last expression of each must give a non-empty result.  Then the notebook API's own edges."""
from __future__ import annotations

import ast
import re

import pandas as pd
import pytest

from tests.conftest import REPO, SAMPLES

DOC = REPO / "docs" / "notebook.md"
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    from autointel.pipeline import ingest, linker_for
    from autointel.store import open_store

    folder = tmp_path_factory.mktemp("notebook")
    store = open_store(folder / "autointel.db")
    summary = ingest([str(SAMPLES)], store, linker=linker_for(store))
    store.close()
    assert summary.as_dict()["new"] >= 10 and not summary.failures
    return folder / "autointel.db"


def _blocks() -> list[str]:
    blocks = _BLOCK.findall(DOC.read_text(encoding="utf-8"))
    assert len(blocks) >= 10, "docs/notebook.md lost its examples"
    return blocks


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, (pd.DataFrame, pd.Series)):
        return value.empty
    if hasattr(value, "__len__"):
        return len(value) == 0
    return not value


def test_every_python_block_of_the_notebook_doc_runs_and_shows_something(sample_db, monkeypatch):
    monkeypatch.chdir(sample_db.parent)  # the doc opens "autointel.db", as a user in their project folder would
    namespace: dict = {}
    for n, source in enumerate(_blocks(), 1):
        tree = ast.parse(source)
        last = tree.body[-1]
        assert isinstance(last, ast.Expr), f"block {n} must end with an expression that shows its result"
        exec(compile(ast.Module(tree.body[:-1], type_ignores=[]), f"notebook.md block {n}", "exec"), namespace)
        result = eval(compile(ast.Expression(last.value), f"notebook.md block {n}", "eval"), namespace)
        assert not _is_empty(result), f"block {n} gave an empty result:\n{source}"
    # what the blocks claim, checked on what they computed
    assert namespace["hits"].loc[0, "title"] == "比亚迪前11个月欧洲交付近16万辆"
    assert namespace["byd"]["id"] == "byd" and namespace["byd"]["documents"] >= 2
    assert set(namespace["facts"]["subject"]) == {"比亚迪"}
    row, body = namespace["row"], namespace["body"]
    assert body.text[row.start:row.end] == row.text == "比亚迪"
    assert body.original_text[row.orig_start:row.orig_end] == row.original_text


@pytest.fixture
def kb(sample_db):
    import autointel.notebook as ai

    with ai.open(str(sample_db)) as opened:
        yield opened


def test_names_in_any_script_and_ambiguous_names_are_refused(kb):
    from autointel.notebook import EntityNotFound

    assert kb.entity_id("比亞迪") == kb.entity_id("BYD") == "byd"
    with pytest.raises(EntityNotFound, match="E801.*3 entities"):
        kb.entity("蔚小理")  # a nickname for three companies: never guessed
    with pytest.raises(LookupError):
        kb.facts(entity="没有这家公司")


def test_search_filters_are_checked_and_applied(kb):
    with pytest.raises(TypeError, match="not colour"):
        kb.search("芯片", colour="red")
    everything = kb.search("芯片", limit=20)
    only = kb.search("芯片", limit=20, entity="NVIDIA")
    assert 0 < len(only) < len(everything)
    assert kb.search("芯片", since="2030-01-01").empty and list(kb.search("芯片", since="2030-01-01").columns)


def test_frames_keep_their_columns_when_nothing_matches(kb):
    empty = kb.facts(metric="no-such-metric")
    assert empty.empty and {"value", "unit", "start", "orig_start", "published_utc"} <= set(empty.columns)
    assert kb.table("claims", outlet="no-such-outlet").empty


def test_a_traditional_article_keeps_its_original_spans(kb):
    mentions = kb.table("mentions")
    docs = kb.table("documents").set_index("document_id")
    traditional = docs[docs.script == "traditional"].index
    rows = mentions[mentions.document_id.isin(traditional) & (mentions.field == "body")]
    assert len(rows), "the Big5 sample should name entities"
    changed = 0
    for r in rows.itertuples():
        doc = docs.loc[r.document_id]
        assert doc.text[r.start:r.end] == r.text
        assert doc.original_text[r.orig_start:r.orig_end] == r.original_text
        changed += r.text != r.original_text
    assert changed, "some names are spelled differently in the Traditional original"
