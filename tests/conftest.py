"""Shared fixtures: the repository, a scratch project that builds like the real one, and the
sample site built once per test session (with a fixed clock, as reproducible builds do)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXED_EPOCH = "1795000000"  # 2026-11-18: the clock of every test build


def run_storefront(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The real command line, in a fresh process, as a cooperative runs it."""
    environment = {**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args], cwd=cwd, env=environment, capture_output=True, text=True, timeout=600
    )


def make_project(tmp: Path, villages: Path | None = None) -> Path:
    """A scratch copy of the project's site configuration, with its own villages folder."""
    shutil.copy(REPO / "mkdocs.yml", tmp / "mkdocs.yml")
    shutil.copytree(REPO / "docs", tmp / "docs")
    (tmp / "theme").symlink_to(REPO / "theme")
    if villages is not None:
        shutil.copytree(villages, tmp / "villages", symlinks=True)
    return tmp


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The samples built once with `storefront build --strict`; tests read, never write, it."""
    project = make_project(tmp_path_factory.mktemp("samples"), REPO / "villages")
    result = run_storefront("build", "--strict", cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    return project / "site"
