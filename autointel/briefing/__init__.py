"""Cited briefings (issue 6): an entity, topic or query plus a date range -> key facts, claims, stories and a
timeline, each line citing outlet, date and the exact span it came from.  See docs/briefings.md."""
from autointel.briefing.build import build_briefing
from autointel.briefing.model import Briefing, Citation, Figure, Item, Section
from autointel.briefing.select import BriefingError

__all__ = ["build_briefing", "Briefing", "BriefingError", "Citation", "Figure", "Item", "Section"]
