"""CLI commands of the stories stage (registered on the shared app)."""
from __future__ import annotations
