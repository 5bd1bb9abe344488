"""Shared test fixtures: where the repository and its sample issue are."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture
def repo_root() -> Path:
    return REPO


def require_tool(name: str) -> str:
    """The path of an external tool; skips locally when missing, fails in CI."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (make test-deps installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path
