"""Coded errors.  The code is what tests, logs and users grep for.

E1xx ingest (reading bytes, decoding, parsing containers), E2xx normalise,
E5xx store.  A reader raises ``IngestError``; the pipeline records it on the
document (status ``failed``) and the batch goes on.
"""
from __future__ import annotations

CODES: dict[str, str] = {
    "E101": "file or URL could not be read",
    "E102": "input is empty",
    "E103": "input is binary, not text",
    "E104": "text encoding could not be determined",
    "E105": "input exceeds the size limit",
    "E106": "front matter is not valid YAML",
    "E107": "XML declares a DTD or entities (refused for safety)",
    "E108": "XML is malformed",
    "E109": "JSON line is malformed",
    "E110": "no reader recognises this input",
    "E111": "compressed stream is corrupt or truncated",
    "E112": "fetching the URL failed",
    "E113": "article has no text",
    "E114": "URL refused (private, loopback or unsupported address)",
    "E115": "HTML is malformed beyond recovery",
    "E131": "unknown ingest engine, or it is not installed",
    "E132": "ingest engine option out of range",
    "E133": "ingest engine failed or returned results out of order",
    "E201": "normalisation failed",
    "E501": "database error",
    "E601": "search index is being written by another process",
    "E602": "search query could not be understood",
    "E603": "search index is missing or unreadable",
    "E701": "topic taxonomy file is missing or is not valid YAML",
    "E801": "no such document, entity or story",
    "E802": "a request parameter is out of range",
    "E702": "topic taxonomy is invalid",
    "E803": "writing needs the server's token",
    "E804": "upload refused (too large, or not a file)",
    "E805": "knowledge-base addition refused (invalid, or its id exists)",
    "E901": "briefing selection is missing or names nothing known (entity, topic or query)",
}


class AutointelError(Exception):
    """Base class: carries a code from ``CODES`` and a human message."""

    code = "E000"

    def __init__(self, code: str, message: str = "", *, path: str | None = None):
        if code not in CODES:
            raise ValueError(f"unknown error code {code}")
        self.code = code
        self.detail = message or CODES[code]
        self.path = path
        super().__init__(f"[{code}] {self.detail}" + (f" ({path})" if path else ""))

    def as_text(self) -> str:
        return f"[{self.code}] {self.detail}"


class IngestError(AutointelError):
    """Reading or parsing an input failed."""


class NormalizeError(AutointelError):
    """Producing canonical text failed."""


class StoreError(AutointelError):
    """The database refused an operation."""
