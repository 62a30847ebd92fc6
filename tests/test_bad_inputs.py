"""Broken inputs end as recorded, coded failures; the batch goes on and the good file is stored."""
import gzip
import json

import pytest

from autointel.pipeline import ingest

GOOD = "---\ntitle: 正常文章\nurl: https://example.invalid/ok\nsource: 示例\ndate: 2025-01-01\n---\n\n比亚迪发布新车型，售价约15万元。\n"
BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title><description>x</description></item></channel></rss>
"""


@pytest.fixture
def batch(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a_good.md").write_text(GOOD, encoding="utf-8")
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.dat").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8)
    valid = "比亚迪发布新车型，售价约15万元。".encode("utf-8") * 5
    (d / "invalid-utf8.txt").write_bytes(valid + b"\xc3\x28\xa0\xa1" + valid)
    (d / "broken-yaml.md").write_text("---\ntitle: [unclosed\ndate: : :\n---\n\n正文\n", encoding="utf-8")
    (d / "bomb.xml").write_text(BOMB, encoding="utf-8")
    with open(d / "huge.txt", "wb") as f:  # 50 MB of real text
        line = ("汽车" * 500 + "\n").encode("utf-8")
        for _ in range(50 * 1024 * 1024 // len(line) + 1):
            f.write(line)
    (d / "truncated.jsonl.gz").write_bytes(gzip.compress((json.dumps({"title": "t", "text": "正文"}) + "\n").encode() * 50)[:-20])
    (d / "bad-lines.jsonl").write_text('{"title": "好", "text": "正文内容"}\n{not json}\n[1, 2]\n', encoding="utf-8")
    return d


def test_batch_survives_every_bad_input(batch, store):
    summary = ingest([str(batch)], store)
    by_path = {}
    for row in store.iter_documents():
        by_path.setdefault(row["path"].split("/")[-1], []).append(row)
    def code(name):
        rows = [r for r in by_path[name] if r["status"] == "failed"]
        assert rows, f"{name} was not recorded as a failure: {by_path.get(name)}"
        return rows[0]["error_code"]

    assert code("empty.txt") == "E102"
    assert code("binary.dat") == "E103"
    assert code("invalid-utf8.txt") == "E104"
    assert code("broken-yaml.md") == "E106"
    assert code("bomb.xml") == "E107"
    assert code("huge.txt") == "E105"
    assert code("bad-lines.jsonl#L2") == "E109"
    assert code("bad-lines.jsonl#L3") == "E109"
    truncated = [r for name, rows in by_path.items() if name.startswith("truncated.jsonl.gz") for r in rows]
    assert any(r["error_code"] == "E111" for r in truncated)
    good = by_path["a_good.md"][0]
    assert good["status"] == "ok" and good["title"] == "正常文章"
    assert by_path["bad-lines.jsonl#L1"][0]["status"] == "ok"
    # running the batch again adds nothing
    before = store.stats()
    ingest([str(batch)], store)
    assert store.stats()["documents"] == before["documents"] and store.stats()["failed"] == before["failed"]
