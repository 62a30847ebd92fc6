"""Shared fixtures.  Tests that need ../shared skip with a clear message when it is absent."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SAMPLES = REPO / "samples"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs ../shared/{'/'.join(parts)} beside the repository (absent on this machine)")
    return path


@pytest.fixture
def store(tmp_path):
    from autointel.store import open_store

    s = open_store(tmp_path / "test.db")
    yield s
    s.close()
