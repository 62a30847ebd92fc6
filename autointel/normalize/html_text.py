"""Article HTML to paragraphs of plain text.

The paragraphs, joined by newlines, are the document's *original* text: the
publisher's words in the publisher's script, with markup gone and nothing else
changed.  Boilerplate is removed later, on aligned text, so that a canonical
span can always be shown in this original.

Anchors are unwrapped to their visible text: 36kr's ``project-link`` anchors
carry a ``data-name`` that is often a wrong guess ("国新能源" cut out of
"我国新能源"), so only the text inside the anchor is kept.
"""
from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

_BLOCK = frozenset(
    "p div section article header footer aside main nav h1 h2 h3 h4 h5 h6 li ul ol dl dt dd "
    "blockquote pre table tr td th thead tbody figure figcaption hr br center form".split()
)
_SKIP = frozenset("script style noscript iframe template svg canvas object embed head title button select".split())
# Classes that publishers use for image captions; such paragraphs are marked so
# the cleaner can drop them without guessing from the wording.
_CAPTION_CLASSES = ("img-desc", "image-caption", "pic-desc", "img_desc", "caption")


@dataclass(frozen=True)
class Paragraph:
    text: str
    caption: bool = False  # inside <figcaption> or an element with a caption class
    heading: bool = False


def _is_caption(node) -> bool:
    if node.tag == "figcaption":
        return True
    cls = (node.attributes.get("class") or "") if node.attributes else ""
    return any(c in cls for c in _CAPTION_CLASSES)


def html_to_paragraphs(html: str) -> list[Paragraph]:
    """Walk the DOM iteratively (deeply nested pages must not hit recursion limits)."""
    tree = LexborHTMLParser(html)
    root = tree.body or tree.root
    if root is None:
        return []
    paragraphs: list[Paragraph] = []
    buf: list[str] = []
    flags = {"caption": 0, "heading": 0}

    def flush() -> None:
        text = " ".join("".join(buf).split()) if buf else ""
        # collapse runs of whitespace but keep single spaces between Latin words
        if text:
            paragraphs.append(Paragraph(text, caption=flags["caption"] > 0, heading=flags["heading"] > 0))
        buf.clear()

    # stack items: (node, entering?)
    stack = [(root, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag
        if not entering:
            if tag in _BLOCK:
                flush()
            if _is_caption(node):
                flags["caption"] -= 1
            if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                flags["heading"] -= 1
            continue
        if tag == "-text":
            buf.append(node.text_content or "")
            continue
        if tag in _SKIP or tag == "-comment":
            continue
        if tag in _BLOCK:
            flush()
        if tag == "br":
            continue
        if _is_caption(node):
            flags["caption"] += 1
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            flags["heading"] += 1
        stack.append((node, False))
        children = list(node.iter(include_text=True))
        for child in reversed(children):
            stack.append((child, True))
    flush()
    return paragraphs
