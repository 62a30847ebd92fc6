"""Registration of the built-in readers: adding a format is one file and one line here."""
from autointel.ingest.base import register

# Each import is guarded by nothing on purpose: a broken reader must fail loudly in tests.
from autointel.ingest.hexo import HexoReader
from autointel.ingest.markdown import MarkdownReader
from autointel.ingest.plaintext import PlainTextReader
from autointel.ingest.digest import DigestReader
from autointel.ingest.jsonl import JsonlReader
from autointel.ingest.feed import FeedReader
from autointel.ingest.html import HtmlReader

for _reader in (HexoReader(), MarkdownReader(), PlainTextReader(), DigestReader(), JsonlReader(), FeedReader(), HtmlReader()):
    register(_reader)
