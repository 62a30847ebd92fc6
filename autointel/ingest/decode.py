"""Bytes to text: BOMs, UTF-8, GB18030/GBK, Big5, and refusing binaries.

Chinese archives come in three encodings that overlap byte-wise: most Big5
byte pairs are also valid GBK.  Decoding strictly with each candidate and
scoring the result by how much of it is *common* Han text (level-1 characters
of GB2312 for GBK, of Big5 for Big5) separates them reliably; charset-normalizer
is the fallback for everything else.
"""
from __future__ import annotations

import codecs

from autointel.errors import IngestError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def _common_han_ratio(text: str, encoding: str, lo: int, hi: int) -> float:
    """Share of Han characters whose two-byte code in ``encoding`` lies in [lo, hi]."""
    han = common = 0
    for ch in text[:20000]:
        if "\u4e00" <= ch <= "\u9fff":
            han += 1
            try:
                b = ch.encode(encoding)
            except UnicodeEncodeError:
                continue
            if len(b) == 2 and lo <= int.from_bytes(b, "big") <= hi:
                common += 1
    return common / han if han else 0.0


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KB mean not text."""
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls / len(head) > 0.05


def decode_bytes(data: bytes, location: str = "") -> tuple[str, str]:
    """Return ``(text, encoding)`` or raise a coded IngestError."""
    if not data.strip():
        raise IngestError("E102", path=location)
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                raise IngestError("E104", f"invalid {enc} after its byte-order mark", path=location)
    if looks_binary(data):
        raise IngestError("E103", path=location)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as e:
        first_bad = e.start
    # Mostly-valid UTF-8 with a few broken sequences is corrupt UTF-8, not GBK:
    # refuse it rather than silently replacing characters.
    lenient = data.decode("utf-8", errors="replace")
    multibyte = sum(1 for ch in lenient if ch > "\x7f" and ch != "\ufffd")
    broken = lenient.count("\ufffd")
    if multibyte > 10 and broken < multibyte * 0.05:
        raise IngestError("E104", f"invalid UTF-8 at byte {first_bad}", path=location)
    candidates: list[tuple[float, str, str]] = []
    for enc, lo, hi in (("gb18030", 0xB0A1, 0xD7FE), ("big5", 0xA440, 0xC67E)):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        candidates.append((_common_han_ratio(text, "gb2312" if enc == "gb18030" else "big5", lo, hi), enc, text))
    if candidates:
        score, enc, text = max(candidates)
        if score >= 0.5 or len(candidates) == 1:
            return text, enc
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200000]).best()
    if best is None or best.encoding is None or best.chaos > 0.3:
        raise IngestError("E104", path=location)
    try:
        return data.decode(best.encoding), best.encoding
    except (UnicodeDecodeError, LookupError):
        raise IngestError("E104", f"bytes are not valid {best.encoding}", path=location)
