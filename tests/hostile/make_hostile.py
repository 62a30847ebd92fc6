"""Build the hostile-input batch: the committed text files plus everything that cannot (or must not) be
committed -- binary and mis-encoded bytes, file names that are not UTF-8, a named pipe, and the big ones
(100 MB single lines, gzip bombs) -- into one directory.

    python tests/hostile/make_hostile.py OUTDIR [--small]     # --small leaves out the >10 MB files

Every generated kind is written by one function below; ``tests/hostile/manifest.yaml`` says what each kind
must end as.  The text is written here, not copied from any corpus.
"""
from __future__ import annotations

import argparse
import gzip
import os
import shutil
import sys
import zlib
from pathlib import Path
from typing import Callable

HERE = Path(__file__).resolve().parent
COMMITTED = HERE / "files"

# Short sentences of our own; several kinds need real Chinese in some encoding.
ZH = "比亚迪今年一季度销量约为三十万辆，同比增长百分之二十。"
ZH_OTHER = "蔚来上月交付新车约两万辆，环比增长百分之十五。"
ZH_TRAD = "比亞迪今年第一季銷量約為三十萬輛，年增百分之二十。"
MB = 1024 * 1024


def _line_file(path: Path, total: int, unit: bytes, head: bytes = b"", tail: bytes = b"") -> None:
    """``head``, ``unit`` repeated to about ``total`` bytes, ``tail``; written in chunks so the generator stays
    small.  Whole units only: a cut multi-byte character would make the file invalid UTF-8."""
    per_chunk = MB // len(unit)
    units = (total - len(head) - len(tail)) // len(unit)
    with open(path, "wb") as fh:
        fh.write(head)
        while units > 0:
            n = min(units, per_chunk)
            fh.write(unit * n)
            units -= n
        fh.write(tail)


def _gzip_bomb(path: Path, total: int, unit: bytes) -> None:
    """A small .gz that inflates to ``total`` bytes; compressed in a stream, never held in memory."""
    chunk = unit * (MB // len(unit))
    comp = zlib.compressobj(1, zlib.DEFLATED, 31)  # wbits 31: gzip container
    with open(path, "wb") as fh:
        for _ in range(total // len(chunk)):
            fh.write(comp.compress(chunk))
        fh.write(comp.flush())


def _nested(open_tag: str, close_tag: str, depth: int, inner: str) -> str:
    return open_tag * depth + inner + close_tag * depth


# ---------------------------------------------------------------- small generated kinds

def truncated_gzip(d: Path) -> None:
    data = gzip.compress((ZH * 200).encode("utf-8"))
    (d / "truncated.txt.gz").write_bytes(data[: len(data) // 2])


def truncated_jsonl_gzip(d: Path) -> None:
    lines = "".join('{"title": "截断流第%d条", "text": "第%d条：%s"}\n' % (i, i * 7919, ZH) for i in range(20))
    data = gzip.compress(lines.encode("utf-8"))
    (d / "truncated-stream.jsonl.gz").write_bytes(data[: len(data) - 12])  # the 8-byte trailer and a little more


def gbk_labelled_utf8(d: Path) -> None:
    page = ('<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><title>编码标错的网页</title></head>'
            f"<body><article><h1>编码标错的网页</h1><p>{ZH}</p><p>{ZH}</p><p>{ZH}</p></article></body></html>")
    (d / "gbk-labelled-utf8.html").write_bytes(page.encode("gbk"))


def gbk_plain(d: Path) -> None:
    (d / "gbk-plain.txt").write_bytes((ZH + "\n" + ZH + "\n").encode("gbk"))


def big5_plain(d: Path) -> None:
    (d / "big5-plain.txt").write_bytes((ZH_TRAD + "\n" + ZH_TRAD + "\n").encode("big5"))


def mixed_utf8_gbk(d: Path) -> None:
    (d / "mixed-utf8-gbk.txt").write_bytes((ZH * 3).encode("utf-8") + (ZH * 3).encode("gbk"))


def utf8_bom_then_gbk(d: Path) -> None:
    (d / "utf8-bom-then-gbk.txt").write_bytes(b"\xef\xbb\xbf" + (ZH * 3).encode("gbk"))


def utf16_bom(d: Path) -> None:
    (d / "utf16-bom.txt").write_bytes((ZH + "\n").encode("utf-16"))


def utf16_no_bom(d: Path) -> None:
    (d / "utf16le-no-bom.txt").write_bytes((ZH + "\n").encode("utf-16-le"))


def cesu8_surrogates(d: Path) -> None:
    # UTF-8-encoded surrogate halves (what Java's "modified UTF-8" writes for an emoji): not valid UTF-8
    cesu = "\U0001f697".encode("utf-16-be")
    halves = [int.from_bytes(cesu[i:i + 2], "big") for i in (0, 2)]
    raw = b"".join(bytes([0xED, 0xA0 | ((h >> 6) & 0x1F), 0x80 | (h & 0x3F)]) for h in halves)
    (d / "cesu8-surrogates.txt").write_bytes(ZH.encode("utf-8") + raw + ZH.encode("utf-8"))


def nul_after_head(d: Path) -> None:
    # the binary sniffer looks at the first 8 KB: put the NULs after it
    text = (ZH + "\n") * 200
    (d / "nul-after-head.txt").write_bytes(text.encode("utf-8") + b"\x00\x00" + ZH.encode("utf-8") + b"\x00\n")


def nul_in_json(d: Path) -> None:
    (d / "nul-escaped.jsonl").write_text('{"title": "空字符\\u0000标题", "text": "%s\\u0000%s"}\n' % (ZH, ZH),
                                         encoding="utf-8")


def nul_head(d: Path) -> None:
    (d / "nul-head.txt").write_bytes(b"\x00" * 16 + ZH.encode("utf-8"))


def control_chars(d: Path) -> None:
    (d / "control-chars.txt").write_bytes(bytes(range(1, 9)) * 200 + ZH.encode("utf-8"))


def elf_binary(d: Path) -> None:
    (d / "elf-binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 16)


def png_as_markdown(d: Path) -> None:
    (d / "png-as-markdown.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)


def deep_html(d: Path) -> None:
    body = _nested("<div>", "</div>", 10_000, f"<p>{ZH}</p>")
    (d / "deep-nested.html").write_text(f"<!DOCTYPE html><html><head><title>深层嵌套</title></head><body>{body}"
                                        "</body></html>", encoding="utf-8")


def deep_hexo(d: Path) -> None:
    body = _nested("<div><span>", "</span></div>", 10_000, f"<p>{ZH}</p>")
    (d / "deep-nested-hexo.md").write_text(f"---\ntitle: 深层嵌套的Hexo正文\n---\n{body}\n", encoding="utf-8")


def deep_feed(d: Path) -> None:
    inner = _nested("<b>", "</b>", 10_000, ZH)
    (d / "deep-nested-feed.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>深层</title><item><title>深层嵌套条目</title>'
        f"<guid>urn:deep:1</guid><description>{inner}</description></item></channel></rss>", encoding="utf-8")


def deep_atom_xhtml(d: Path) -> None:
    inner = _nested("<div>", "</div>", 10_000, ZH)
    (d / "deep-nested-xhtml.atom").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>深层</title><entry><title>XHTML</title>'
        '<id>urn:deep:2</id><content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        f"{inner}</div></content></entry></feed>", encoding="utf-8")


def deep_json(d: Path) -> None:
    (d / "deep-nested.jsonl").write_text('{"title": "深", "text": "正文", "x": ' + "[" * 100_000 + "]" * 100_000
                                         + "}\n" + '{"title": "深层之后的一行", "text": "%s"}\n' % ZH, encoding="utf-8")


def many_tags(d: Path) -> None:
    (d / "many-tags.html").write_text("<!DOCTYPE html><html><body>" + "<i>车</i>" * 210_000 + "</body></html>",
                                      encoding="utf-8")


def huge_front_matter(d: Path) -> None:
    (d / "huge-front-matter.md").write_text("---\ntitle: 巨大的元数据\nnote: " + "长" * 70_000 + "\n---\n\n" + ZH + "\n",
                                            encoding="utf-8")


def int_digits(d: Path) -> None:
    # Python refuses to parse integers of more than 4300 digits (CVE-2020-10735): json.loads raises ValueError
    (d / "int-too-long.jsonl").write_text('{"title": "超长整数", "text": "%s", "n": %s}\n' % (ZH, "9" * 5000)
                                          + '{"title": "之后的一行", "text": "%s"}\n' % ZH, encoding="utf-8")


def long_article_under_limit(d: Path) -> None:
    # one dense 28k-character line (a figure and an entity in every sentence), under the 30k article limit:
    # stored whole, within the time bound
    (d / "long-article-28k-chars.txt").write_text(ZH * (28_000 // len(ZH)) + "\n", encoding="utf-8")


def long_article_over_limit(d: Path) -> None:
    (d / "long-article-40k-chars.txt").write_text(ZH_OTHER * (40_000 // len(ZH_OTHER)) + "\n", encoding="utf-8")


def non_utf8_name(d: Path) -> None:
    (d / os.fsdecode(b"name-\xff\xfe-latin1.txt")).write_text(ZH + "\n", encoding="utf-8")


def newline_name(d: Path) -> None:
    (d / "name-with\nnewline.txt").write_text(ZH + "\n", encoding="utf-8")


def fifo(d: Path) -> None:
    os.mkfifo(d / "named-pipe.txt")  # opening it for reading would block forever


def dangling_symlink(d: Path) -> None:
    os.symlink(d / "does-not-exist.txt", d / "dangling-link.txt")


GENERATED_SMALL: dict[str, Callable[[Path], None]] = {f.__name__: f for f in (
    truncated_gzip, truncated_jsonl_gzip, gbk_labelled_utf8, gbk_plain, big5_plain, mixed_utf8_gbk,
    utf8_bom_then_gbk, utf16_bom, utf16_no_bom, cesu8_surrogates, nul_after_head, nul_in_json, nul_head,
    control_chars, elf_binary, png_as_markdown, deep_html, deep_hexo, deep_feed, deep_atom_xhtml, deep_json,
    many_tags, huge_front_matter, int_digits, long_article_under_limit, long_article_over_limit,
    non_utf8_name, newline_name, fifo, dangling_symlink,
)}


# ---------------------------------------------------------------- big generated kinds

def huge_line_text(d: Path) -> None:
    _line_file(d / "huge-line-100mb.txt", 100 * MB, "汽车".encode("utf-8"))


def huge_line_jsonl(d: Path) -> None:
    _line_file(d / "huge-line-100mb.jsonl", 100 * MB, b"a", head=b'{"title": "huge", "text": "', tail=b'"}\n'
               + ('{"title": "巨行之后", "text": "%s"}\n' % ZH).encode("utf-8"))


def long_line_under_file_limit(d: Path) -> None:
    # under the 20 MB file limit, far over the 1M-character article limit (normalize/canonical.py)
    _line_file(d / "long-line-19mb.txt", 19 * MB, ZH.encode("utf-8"))


def html_few_tags_under_file_limit(d: Path) -> None:
    # 19 MB of text in a handful of tags: the HTML extractor sees all of it before any article limit applies
    _line_file(d / "few-tags-19mb.html", 19 * MB, ZH.encode("utf-8"),
               head="<!DOCTYPE html><html><head><title>很长的网页</title></head><body><p>".encode("utf-8"),
               tail=b"</p></body></html>")


def gzip_bomb_text(d: Path) -> None:
    _gzip_bomb(d / "gzip-bomb-1gb.txt.gz", 1024 * MB, b"\x20")


def gzip_bomb_jsonl(d: Path) -> None:
    _gzip_bomb(d / "gzip-bomb-line.jsonl.gz", 1024 * MB, b"a")


GENERATED_BIG: dict[str, Callable[[Path], None]] = {f.__name__: f for f in (
    huge_line_text, huge_line_jsonl, long_line_under_file_limit, html_few_tags_under_file_limit,
    gzip_bomb_text, gzip_bomb_jsonl,
)}


def build(out: Path, *, big: bool = True) -> None:
    """Write the whole batch into ``out`` (created; must be empty or absent)."""
    out.mkdir(parents=True, exist_ok=True)
    for f in sorted(COMMITTED.iterdir()):
        shutil.copyfile(f, out / f.name)
    for make in GENERATED_SMALL.values():
        make(out)
    if big:
        for make in GENERATED_BIG.values():
            make(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--small", action="store_true", help="leave out the files larger than 10 MB")
    args = ap.parse_args(argv)
    build(args.out, big=not args.small)
    print(f"{sum(1 for _ in args.out.iterdir())} files in {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
