"""CLI commands of the search stage (registered on the shared app)."""
from __future__ import annotations
