"""Shared fixtures: the repository, a scratch project that builds like the real one, and the
sample site built once per test session (with a fixed clock, as reproducible builds do)."""

from __future__ import annotations

import contextlib
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
    # A locale that names no language (C.UTF-8): the command speaks its site's language, whatever
    # the machine that runs the tests is set to.
    locale = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    environment = {**os.environ, **locale, "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        check=False,
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
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


# --- a real browser: Debian's Chromium driven by Playwright, for tests of page behaviour -----

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Chromium's background services try to reach the network, which these machines do not have.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs it")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@contextlib.contextmanager
def serve(directory: Path, handler: type | None = None):
    """`directory` over HTTP on loopback, as GitHub Pages serves a site (index.html for /); `handler`,
    a SimpleHTTPRequestHandler of one's own (benchmarks/pageweight.py gzips text)."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler or Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(sample_site):
    """The sample site served over HTTP on loopback."""
    with serve(sample_site) as url:
        yield url
