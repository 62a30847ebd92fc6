"""OPML 2.0, the subscription list every feed reader imports and exports."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from autointel.errors import IngestError


@dataclass(frozen=True)
class Outline:
    url: str
    name: str | None = None
    every: str | None = None  # our own attribute (autointel:every), kept across a round trip


def read_opml(data: bytes | str) -> list[Outline]:
    """Every outline with an xmlUrl, nested folders included; entities and DTDs are refused."""
    try:
        root = SafeET.fromstring(data)
    except DefusedXmlException as e:
        raise IngestError("E107", f"OPML declares a DTD or entities: {type(e).__name__}")
    except ET.ParseError as e:
        raise IngestError("E108", f"OPML is malformed: {e}")
    if root.tag != "opml":
        raise IngestError("E108", f"not OPML: root element is <{root.tag}>")
    found = []
    for node in root.iter("outline"):
        url = (node.get("xmlUrl") or "").strip()
        if url:
            found.append(Outline(url, node.get("title") or node.get("text"), node.get("every")))
    return found


def write_opml(outlines: list[Outline], title: str = "autointel subscriptions") -> str:
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(timezone.utc))
    body = ET.SubElement(root, "body")
    for o in outlines:
        attrs = {"type": "rss", "text": o.name or o.url, "title": o.name or o.url, "xmlUrl": o.url}
        if o.every:
            attrs["every"] = o.every
        ET.SubElement(body, "outline", attrs)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
