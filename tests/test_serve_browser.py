"""`storefront serve` while a profile is broken, in a real Chromium: the page shows the problem
(file, line, column and what is wrong, in the site's Chinese) instead of hanging, and it shows the
site again by itself once the file is fixed (MkDocs' live reload). Screenshots at a phone's and a
desktop's width are kept in the test's folder for a person to look at."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ARGS, CHROMIUM, FIXED_EPOCH, REPO, make_project

BASE = REPO / "tests" / "fixtures" / "base"
WIDTHS = (390, 1280)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fonts(folder: Path) -> Path:
    """A fontconfig file that gives Chromium the Noto CJK font of the venv: Chinese, not boxes."""
    import noto_cjk_sans_otc

    config = folder / "fonts.conf"
    fonts = Path(noto_cjk_sans_otc.__file__).parent
    config.write_text(
        f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir><cachedir>{folder / "fc-cache"}</cachedir></fontconfig>',
        encoding="utf-8",
    )
    return config


@pytest.fixture
def served(tmp_path):
    """A project with one village, served by the real `storefront serve` in its own process."""
    (tmp_path / "project").mkdir()
    project = make_project(tmp_path / "project")
    shutil.copytree(BASE, project / "villages" / "test-village")
    port = _free_port()
    environment = {**os.environ, "LANG": "C.UTF-8", "SOURCE_DATE_EPOCH": FIXED_EPOCH, "NO_MKDOCS_2_WARNING": "1"}
    log = open(tmp_path / "serve.log", "w+", encoding="utf-8")  # closed when the server has stopped
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "-a", f"127.0.0.1:{port}"],
        cwd=project,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/village-storefront/"
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, (tmp_path / "serve.log").read_text(encoding="utf-8")
            try:
                urllib.request.urlopen(url, timeout=5)
                break
            except OSError:
                assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text(encoding="utf-8")
                time.sleep(0.5)
        yield project, url
    finally:
        os.killpg(server.pid, signal.SIGINT)  # the server's own process group, started above
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture
def chromium(browser, tmp_path):
    """A Chromium of its own that draws Chinese with the venv's Noto CJK font, launched by the
    session's Playwright (a second Playwright in one process would refuse to start)."""
    environment = {**os.environ, "FONTCONFIG_FILE": str(_fonts(tmp_path))}
    fonted = browser.browser_type.launch(executable_path=CHROMIUM, args=ARGS, env=environment)
    yield fonted
    fonted.close()


def _shoot(page, folder: Path, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=folder / f"{name}-{width}.png", full_page=True)


def test_serve_shows_a_broken_profile_in_the_page_and_the_site_once_fixed(served, chromium, tmp_path):
    project, url = served
    profile = project / "villages" / "test-village" / "village.yml"
    page = chromium.new_page()
    page.goto(url)
    assert page.title() and "生成失败" not in page.title()

    text = profile.read_text(encoding="utf-8")
    profile.write_text(text.replace("slogan: 一句口号", "slogan：一句口号"), encoding="utf-8")
    # No navigation by the test: the open page is told of the rebuild and reloads by itself.
    page.wait_for_selector("ol.problems", timeout=120_000)
    assert page.title() == "网站生成失败"
    assert page.inner_text("h1") == "1 个文件里有 1 处问题："
    assert page.inner_text(".where") == "villages/test-village/village.yml:7:7"
    assert "全角冒号" in page.inner_text(".problems p")
    assert "自动刷新" in page.inner_text(".fix")
    page.goto(url + "villages/test-village/")  # any page of the site says the same, at once
    assert page.inner_text(".where") == "villages/test-village/village.yml:7:7"
    for width in WIDTHS:  # nothing runs off a phone's screen
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    _shoot(page, tmp_path, "failed")

    profile.write_text(text, encoding="utf-8")
    page.wait_for_selector("ol.problems", state="detached", timeout=120_000)
    page.wait_for_load_state()
    assert "生成失败" not in page.title()
    assert page.locator("text=测试村").count() >= 1
    _shoot(page, tmp_path, "fixed")


def test_the_failure_page_escapes_what_the_files_say():
    """A problem quotes what the file holds: it is shown as text, never run as markup."""
    from generator.errors import Problem, ProfileErrors, StorefrontError
    from generator.messages import speaking
    from generator.plugin import failure_page

    problem = Problem("villages/x/village.yml", 3, "slogan", "'<script>alert(1)</script>' 不对", column=5)
    with speaking("zh"):
        page = failure_page(ProfileErrors([problem]), []).decode("utf-8")
        other = failure_page(StorefrontError("名录 <b>x</b>：读不出来"), []).decode("utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert '<code class="where">villages/x/village.yml:3:5</code> <code class="field">slogan</code>' in page
    assert '<html lang="zh-CN">' in page and "<title>网站生成失败</title>" in page
    assert "<pre>名录 &lt;b&gt;x&lt;/b&gt;：读不出来</pre>" in other
