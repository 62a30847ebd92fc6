"""Fuzz target ``ingest``: bytes as a file on disk -> sources (gzip, size, decoding) -> every reader ->
the normaliser.  The store is left out: it only writes what this produces.

The first byte picks the file name's extension and whether a reader is forced (``--format``), so every
reader sees every input, not only those it would win by score.
Property: the pipeline yields only canonical articles and coded failures (no exception, and no exception
it caught and recorded as a reader crash); articles are clean and aligned.
"""
from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import check_alignment, check_clean_text, check_failure, instrumented_import, require, run_atheris  # noqa: E402

INSTRUMENT = ("autointel.ingest", "autointel.normalize", "autointel.pipeline")
with instrumented_import(INSTRUMENT, __name__):
    import autointel.ingest.formats  # noqa: F401  (the readers are imported lazily: instrument them too)
    from autointel.ingest.sources import SourceOptions
    from autointel.models import CanonicalArticle, FailedInput
    from autointel.pipeline import articles_from

EXTENSIONS = (".txt", ".md", ".html", ".xml", ".jsonl", ".json", ".rss", ".atom", ".txt.gz", ".jsonl.gz", "")
FORMATS = (None, "hexo", "markdown", "text", "digest", "jsonl", "feed", "html")
SEEDS = [
    b"\x00---\ntitle: t\ndate: 2025-01-01\n---\n\n\xe6\xaf\x94\xe4\xba\x9a\xe8\xbf\xaa 15\xe4\xb8\x87\xe8\xbe\x86\n",
    b"\x01---\ntitle: t\n---\n<p>a<b>b</b></p><script>x</script>\n",
    b'\x04{"title": "t", "text": "\xe6\xad\xa3\xe6\x96\x87", "date": "2025-01-01"}\n{"path": "a.md", "text": "x"}\n',
    b'\x03<?xml version="1.0"?><rss version="2.0"><channel><title>c</title><item><title>i</title>'
    b"<description>&lt;p&gt;d&lt;/p&gt;</description></item></channel></rss>",
    b'\x02<!DOCTYPE html><html lang="zh"><body><article><p>\xe6\xad\xa3\xe6\x96\x87</p></article></body></html>',
    b"\x05#tag\ntitle one\nbody line that is longer (outlet)\n",
]
_DIR = Path(tempfile.mkdtemp(prefix="autointel-fuzz-ingest-"))
atexit.register(shutil.rmtree, _DIR, True)


def check(data: bytes, name: str, forced: str | None) -> None:
    path = _DIR / name
    path.write_bytes(data)
    try:
        for item in articles_from([str(path)], forced_format=forced, options=SourceOptions(max_bytes=1 << 20)):
            if isinstance(item, FailedInput):
                check_failure(item.code, item.message)
                continue
            require(isinstance(item, CanonicalArticle), f"unexpected result {type(item).__name__}")
            check_clean_text(item.canonical, "canonical")
            if item.title:
                check_clean_text(item.title, "title")
            check_alignment(item.canonical, item.original, item.offsets)
    finally:
        os.unlink(path)


def one_input(data: bytes) -> None:
    if not data:
        return
    selector, body = data[0], data[1:]
    name = "input" + EXTENSIONS[selector % len(EXTENSIONS)]
    forced = FORMATS[(selector // len(EXTENSIONS)) % len(FORMATS)]
    if name.endswith(".gz"):
        import gzip

        body = gzip.compress(body, compresslevel=1)[: max(10, len(body) // 2 + 20)] if selector & 0x80 \
            else gzip.compress(body, compresslevel=1)  # half the time truncated
    check(body, name, forced)


if __name__ == "__main__":
    run_atheris(__name__, one_input, INSTRUMENT)
