"""CLI commands of the topics stage (registered on the shared app)."""
from __future__ import annotations
