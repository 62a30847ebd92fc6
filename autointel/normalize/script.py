"""Script detection and Traditional -> canonical (mainland) Simplified conversion.

Detection counts characters that exist only in Traditional writing against
characters that exist only in Simplified writing (tables in ``data/``, built
from OpenCC's own character dictionaries).  A handful of stray characters of
the other script never makes a document "mixed".

Conversion is OpenCC ``tw2sp`` (Taiwan phrases -> mainland phrases, then
Traditional -> Simplified characters) extended by two reviewed dictionaries:

* ``data/protect.tsv``: Traditional phrases that must get their plain reading
  (``核心`` stays 核心, ``建立`` stays 建立, ``生產線上`` -> 生产线上), stopping
  Taiwan-vocabulary rewrites and word-boundary accidents;
* ``data/fix.tsv``: conversions OpenCC lacks or gets wrong (``化處理程序`` ->
  化进程, ``川普`` -> 特朗普, ``首席執行長`` -> 首席执行官);
* ``data/context.tsv``: readings of ambiguous Taiwan words (資訊 = 信息/资讯,
  執行 = 执行/运行) decided by a neighbouring character, learned from a round trip.

The dictionaries form one "override" dictionary that comes first in OpenCC's
first lookup group *and* in its segmentation dictionary: OpenCC only matches
phrases inside the segments its maximum-matching segmenter produced, so an
entry that is not a segment cannot match.  The override outputs are already
Simplified, so the second (character) stage has an identity dictionary of
them in front, which keeps e.g. 乾崑 from becoming 干昆.

``to_simplified_aligned`` converts the whole text with one OpenCC call, splits
input and output at the same sentence/line boundaries and maps each chunk
back: character for character when its length is unchanged, otherwise by
aligning the chunk (a changed phrase maps to the original phrase).  Chunks
that are themselves Simplified (mixed documents) are kept unchanged.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import threading
from array import array
from difflib import SequenceMatcher
from pathlib import Path

from autointel.models import Script
from autointel.normalize.aligned import AlignedText

DATA_DIR = Path(__file__).resolve().parent / "data"
PROTECT_FILE = DATA_DIR / "protect.tsv"
FIX_FILE = DATA_DIR / "fix.tsv"
CONTEXT_FILE = DATA_DIR / "context.tsv"
TRAD_CHARS_FILE = DATA_DIR / "chars_traditional_only.txt"
SIMP_CHARS_FILE = DATA_DIR / "chars_simplified_only.txt"

# A document is "mixed" only when the minority script has at least this many
# characters AND at least this share of all script-specific characters.
MIXED_MIN_CHARS = 3
MIXED_MIN_SHARE = 0.05

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# Chunk boundaries: conversion dictionaries never contain these characters.
_CHUNK_SPLIT = re.compile(r"(?<=[\n。！？；!?])")
# 兆 = 10^12 in Taiwan/HK money amounts: "2.8兆美元" -> "2.8万亿美元".  Only after a
# digit or Chinese numeral (not 百/千: 百兆宽带, 千兆网 are mega/giga), and not before a
# unit where 兆 means mega (兆瓦, 兆赫...).
_ZHAO = re.compile(
    r"(?<=[0-9０-９一二三四五六七八九十两兩几幾数數多余餘])兆"
    r"(?![瓦赫位字比帕伏欧歐焦安克吨噸米帧幀像])"
)


# ---- dictionary files --------------------------------------------------------------
def read_dictionary(path: Path) -> list[tuple[str, str, str]]:
    """Read a ``traditional<TAB>simplified<TAB># why`` file (``#`` lines are comments)."""
    entries = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0] or not parts[1] or " " in parts[0] or " " in parts[1]:
            raise ValueError(f"{path.name}:{lineno}: expected 'traditional<TAB>simplified[<TAB># why]'")
        why = parts[2].lstrip("# ").strip() if len(parts) > 2 else ""
        entries.append((parts[0], parts[1], why))
    return entries


def _read_chars(path: Path) -> frozenset[str]:
    chars = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            continue
        chars.update(line.strip())
    return frozenset(chars)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class _CharCounter:
    """Counts characters of a set quickly.

    ``re`` is fast on a character class of BMP characters but slow once the class
    holds astral ones, so those (rare in text) are counted separately.
    """

    def __init__(self, chars: frozenset[str]):
        self.chars = chars
        bmp = "".join(sorted(c for c in chars if ord(c) < 0x10000))
        self._bmp = re.compile("[" + re.escape(bmp) + "]")
        self._astral = frozenset(c for c in chars if ord(c) >= 0x10000)

    def count(self, text: str) -> int:
        n = len(self._bmp.findall(text))
        if self._astral and _ASTRAL.search(text):
            n += sum(1 for c in _ASTRAL.findall(text) if c in self._astral)
        return n

    def search(self, text: str) -> bool:
        if self._bmp.search(text):
            return True
        return bool(self._astral) and any(c in self._astral for c in _ASTRAL.findall(text))


_TABLES: tuple[_CharCounter, _CharCounter] | None = None


def _tables() -> tuple[_CharCounter, _CharCounter]:
    """Counters for (Traditional-only, Simplified-only) characters, loaded once."""
    global _TABLES
    if _TABLES is None:
        _TABLES = (_CharCounter(_read_chars(TRAD_CHARS_FILE)), _CharCounter(_read_chars(SIMP_CHARS_FILE)))
    return _TABLES


# ---- detection ---------------------------------------------------------------------------
def script_counts(text: str) -> tuple[int, int]:
    """(Traditional-only characters, Simplified-only characters) in ``text``."""
    trad, simp = _tables()
    return trad.count(text), simp.count(text)


def detect_script(text: str) -> Script:
    trad, simp = script_counts(text)
    if trad == 0:
        return "simplified" if (simp or _HAN.search(text)) else "none"
    if simp == 0:
        return "traditional"
    minority = min(trad, simp)
    if minority >= MIXED_MIN_CHARS and minority >= MIXED_MIN_SHARE * (trad + simp):
        return "mixed"
    return "traditional" if trad > simp else "simplified"


# ---- the OpenCC converter ----------------------------------------------------------------
_lock = threading.Lock()
_converter = None


def _opencc_share_dir() -> Path:
    import opencc

    share = Path(opencc.__file__).resolve().parent / "clib" / "share" / "opencc"
    if not (share / "TSPhrases.ocd2").is_file():
        raise RuntimeError(f"OpenCC dictionaries not found under {share}: the official 'opencc' binding is needed")
    return share


def override_entries() -> dict[str, str]:
    """protect.tsv + fix.tsv as one mapping (a key may appear once across both)."""
    merged: dict[str, str] = {}
    for path in (PROTECT_FILE, FIX_FILE, CONTEXT_FILE):
        for trad, simp, _ in read_dictionary(path):
            if trad in merged:
                raise ValueError(f"{path.name}: duplicate key {trad!r}")
            merged[trad] = simp
    return merged


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "autointel" / "opencc"


def build_config(directory: Path | None = None) -> Path:
    """Write the OpenCC config (and its two text dictionaries) and return its path.

    All dictionary paths in the config are absolute, so it works from any working
    directory.  The default directory is keyed by the content of the data files.
    """
    share = _opencc_share_dir()
    overrides = override_entries()
    override_txt = "".join(f"{k}\t{v}\n" for k, v in sorted(overrides.items()))
    identity_txt = "".join(f"{v}\t{v}\n" for v in sorted(set(overrides.values())))
    if directory is None:
        key = hashlib.sha1((str(share) + "\0" + override_txt).encode("utf-8")).hexdigest()[:16]
        directory = _cache_root() / key
    try:
        return _write_config(directory, share, override_txt, identity_txt)
    except OSError:  # read-only cache: fall back to a private temporary directory
        return _write_config(Path(tempfile.mkdtemp(prefix="autointel-opencc-")), share, override_txt, identity_txt)


def _write_config(directory: Path, share: Path, override_txt: str, identity_txt: str) -> Path:
    def ocd2(name: str, **extra) -> dict:
        return {"type": "ocd2", "file": str(share / name), **extra}

    directory.mkdir(parents=True, exist_ok=True)
    override_path, identity_path = directory / "override.txt", directory / "override_identity.txt"
    config = {
        "name": "autointel: Traditional (incl. Taiwan/HK phrasing) to mainland Simplified",
        "normalization": [{"dict": ocd2("CJK_Compatibility_Ideographs.ocd2")}],
        "segmentation": {
            "type": "mmseg",
            "dict": {"type": "group", "match_policy": "union", "dicts": [
                {"type": "text", "file": str(override_path)},
                ocd2("TSPhrases.ocd2"),
                ocd2("TWPhrasesRev.ocd2"),
            ]},
        },
        "conversion_chain": [
            {"dict": {"type": "group", "match_policy": "union", "dicts": [
                {"type": "text", "file": str(override_path)},
                ocd2("TWPhrasesRev.ocd2"),
                ocd2("TWVariantsRevPhrases.ocd2"),
                ocd2("TWVariantsRev.ocd2"),
            ]}},
            {"dict": {"type": "group", "match_policy": "short_circuit", "dicts": [
                {"type": "text", "file": str(identity_path)},
                ocd2("TSPhrases.ocd2"),
                ocd2("TSCharactersExt.ocd2", may_output_tofu=True),
                ocd2("TSCharacters.ocd2"),
            ]}},
        ],
    }
    config_path = directory / "autointel_t2sp.json"
    for path, text in ((override_path, override_txt), (identity_path, identity_txt),
                       (config_path, json.dumps(config, ensure_ascii=False, indent=1))):
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            _write_atomic(path, text)
    return config_path


def _opencc():
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC(str(build_config()))
    return _converter


def reload_dictionaries() -> None:
    """Rebuild the converter after editing protect.tsv / fix.tsv (tests, curation)."""
    global _converter
    with _lock:
        _converter = None


def _convert_raw(text: str) -> str:
    """OpenCC conversion plus the 兆 rule; no script checks (the text is Traditional)."""
    out = _opencc().convert(text)
    if "兆" in out:
        out = _ZHAO.sub("万亿", out)
    return out


# ---- public conversion -----------------------------------------------------------------
def _chunk_pairs(text: str, converted: str) -> list[tuple[str, str]] | None:
    src, out = _CHUNK_SPLIT.split(text), _CHUNK_SPLIT.split(converted)
    if len(src) != len(out):
        return None
    return list(zip(src, out))


def _convert_chunks(text: str) -> list[tuple[str, str]]:
    """Pairs (source chunk, canonical chunk) covering ``text`` in order."""
    if not text:
        return []
    converted = _convert_raw(text)
    pairs = _chunk_pairs(text, converted)
    if pairs is None:  # a boundary character changed: convert chunk by chunk instead
        pairs = [(c, _convert_raw(c)) for c in _CHUNK_SPLIT.split(text)]
    if _tables()[1].search(text):  # keep the chunks of a mixed text that are themselves Simplified
        keep = _simplified_chunks([s for s, _ in pairs])
        pairs = [(s, s if k else o) for (s, o), k in zip(pairs, keep)]
    return pairs


def _simplified_chunks(chunks: list[str]) -> list[bool]:
    """Which chunks are Simplified: more Simplified-only than Traditional-only characters.

    A chunk with neither (only characters both scripts share) follows the nearest
    preceding chunk that has some, else the nearest following one; when there is
    none it is treated as Traditional (the caller asked for conversion).
    """
    trad, simp = _tables()
    verdict: list[bool | None] = []
    for c in chunks:
        t, s = trad.count(c), simp.count(c)
        verdict.append(None if t == s == 0 else s > t)
    last = None
    for i, v in enumerate(verdict):
        if v is None:
            verdict[i] = last
        else:
            last = v
    nxt = None
    for i in range(len(verdict) - 1, -1, -1):
        if verdict[i] is None:
            verdict[i] = nxt
        elif chunks[i] and (trad.search(chunks[i]) or simp.search(chunks[i])):
            nxt = verdict[i]
    return [bool(v) for v in verdict]


def to_simplified(text: str) -> str:
    """Traditional (incl. Taiwan/HK phrasing) -> mainland Simplified, phrase level.

    Chunks (sentences, lines) that are already Simplified are left alone; callers
    decide with ``detect_script`` whether a text needs conversion at all.
    """
    return "".join(o for _, o in _convert_chunks(text))


def normalize_title(title: str) -> str:
    """Convert a title (or any short string) only when it is Traditional or mixed."""
    if detect_script(title) in ("traditional", "mixed"):
        return to_simplified(title)
    return title


def _align_chunk(src: str, out: str) -> list[tuple[int, int, int, int]]:
    """Blocks (out_start, out_end, src_start, src_end) covering ``out``.

    Equal-length blocks map character for character; others map every output
    character to the whole source block.  The source is first converted
    character by character so that only phrase-level changes differ.
    """
    a = src.translate(_char_table())
    ops = SequenceMatcher(None, a, out, autojunk=False).get_opcodes()
    # a single equal character between two changes belongs to the changed phrase
    # (处理程序 -> 进程 shares 程, but 进程 came from all of 處理程序)
    for k in range(1, len(ops) - 1):
        tag, i1, i2, j1, j2 = ops[k]
        if tag == "equal" and i2 - i1 == 1 and ops[k - 1][0] != "equal" and ops[k + 1][0] != "equal":
            ops[k] = ("replace", i1, i2, j1, j2)
    blocks: list[tuple[int, int, int, int]] = []
    pending = None  # merged run of non-equal opcodes: [i1, i2, j1, j2]
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            if pending:
                blocks.append((pending[2], pending[3], pending[0], pending[1]))
                pending = None
            blocks.append((j1, j2, i1, i2))
        elif pending:
            pending[1], pending[3] = i2, j2
        else:
            pending = [i1, i2, j1, j2]
    if pending:
        blocks.append((pending[2], pending[3], pending[0], pending[1]))
    # pure insertions (no source characters) borrow the next source character, or the previous one
    fixed = []
    for j1, j2, i1, i2 in blocks:
        if i1 == i2 and j2 > j1 and src:
            i1, i2 = (i1, i1 + 1) if i1 < len(src) else (i1 - 1, i1)
        fixed.append((j1, j2, i1, i2))
    return fixed


_CHAR_TABLE: dict[int, str] | None = None


def _char_table() -> dict[int, str]:
    """Character-level Traditional -> Simplified table (used only for alignment)."""
    global _CHAR_TABLE
    if _CHAR_TABLE is None:
        import opencc

        chars = sorted(_tables()[0].chars)
        conv = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
        table = {}
        if len(conv) == len(chars):
            for c, s in zip(chars, conv):
                if len(s) == 1 and s != c:
                    table[ord(c)] = s
        _CHAR_TABLE = table
    return _CHAR_TABLE


def to_simplified_aligned(at: AlignedText) -> AlignedText:
    """``to_simplified`` on an ``AlignedText``, keeping every character's origin."""
    text = at.text
    pairs = _convert_chunks(text)
    converted = "".join(o for _, o in pairs)
    if len(converted) == len(text) and all(len(s) == len(o) for s, o in pairs):
        return AlignedText(converted, at.starts, at.ends)
    starts, ends = array("l"), array("l")
    src_starts, src_ends = at.starts, at.ends
    pos = 0
    for s, o in pairs:
        n = len(s)
        if len(o) == n:
            starts.extend(src_starts[pos:pos + n])
            ends.extend(src_ends[pos:pos + n])
        else:
            for j1, j2, i1, i2 in _align_chunk(s, o):
                if j2 == j1:
                    continue
                a, b = pos + i1, pos + i2
                if j2 - j1 == i2 - i1:
                    starts.extend(src_starts[a:b])
                    ends.extend(src_ends[a:b])
                else:
                    lo, hi = src_starts[a], max(src_ends[a:b])
                    starts.extend([lo] * (j2 - j1))
                    ends.extend([hi] * (j2 - j1))
        pos += n
    return AlignedText(converted, starts, ends)


# ---- character tables --------------------------------------------------------------------
def build_char_tables(dictionary_dir: Path) -> tuple[set[str], set[str]]:
    """Traditional-only and Simplified-only characters from OpenCC's source dictionaries.

    Traditional-only: a TSCharacters key that is not among its own Simplified forms
    and is not itself a Simplified character (not an STCharacters key).
    Simplified-only: an STCharacters key that is not among its own Traditional
    forms, is not a TSCharacters key, and is not the Taiwan/Hong Kong standard
    form of a character (群, 峰, 秘 are written so in Taiwan).
    """
    def load(name: str) -> dict[str, list[str]]:
        m = {}
        for line in (dictionary_dir / name).read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                k, v = line.split("\t")
                m[k] = v.split(" ")
        return m

    ts, st = load("TSCharacters.txt"), load("STCharacters.txt")
    regional = {c for name in ("TWVariants.txt", "HKVariants.txt") for vs in load(name).values() for c in vs}
    trad = {k for k, v in ts.items() if len(k) == 1 and k not in v and k not in st}
    simp = {k for k, v in st.items() if len(k) == 1 and k not in v and k not in ts and k not in regional}
    return trad, simp


def _write_char_table(path: Path, chars: set[str], what: str) -> None:
    body = "".join(sorted(chars))
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    header = (f"# {what}: {len(chars)} characters. Generated by\n"
              "#   python -m autointel.normalize.script build-char-tables OPENCC_SOURCE/data/dictionary\n"
              "# from OpenCC 1.4.2's TSCharacters/STCharacters/TWVariants/HKVariants.txt. Do not edit by hand.\n")
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")


def _main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "build-char-tables":
        trad, simp = build_char_tables(Path(argv[1]))
        _write_char_table(TRAD_CHARS_FILE, trad, "Characters used only in Traditional writing")
        _write_char_table(SIMP_CHARS_FILE, simp, "Characters used only in Simplified writing")
        print(f"{len(trad)} Traditional-only, {len(simp)} Simplified-only characters written to {DATA_DIR}")
        return 0
    print("usage: python -m autointel.normalize.script build-char-tables OPENCC_SOURCE/data/dictionary")
    return 2


if __name__ == "__main__":
    import sys

    raise SystemExit(_main(sys.argv[1:]))
