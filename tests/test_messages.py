"""The catalogue of what the commands say (generator/data/messages.yml): every message in Chinese
and English, both filling the same fields, and every message the code names is there."""

from __future__ import annotations

import re

import pytest

from generator.messages import (
    LANGUAGES,
    LogWords,
    argparse_speaking,
    catalogue,
    choose,
    fields_of,
    say,
    speaking,
    supported,
)
from tests.conftest import REPO

NAMED = re.compile(r"""\bsay\(\s*f?["']([a-z_.]+(?:\{[^}]*\})?[a-z_.]*)["']""")


def test_every_message_has_every_language_with_the_same_fields():
    for key, wordings in catalogue().items():
        assert set(wordings) == set(LANGUAGES), key
        assert fields_of(wordings["zh"]) == fields_of(wordings["en"]), key
        assert all(text.strip() for text in wordings.values()), key


def test_every_message_the_code_names_is_in_the_catalogue():
    named = set()
    for path in (REPO / "generator").rglob("*.py"):
        named |= set(NAMED.findall(path.read_text(encoding="utf-8")))
    assert len(named) > 100
    patterns = [re.compile(re.sub(r"\\\{[^}]*\\\}", "[A-Za-z_]+", re.escape(key)) + "$") for key in named]
    missing = [p.pattern for p in patterns if not any(p.match(key) for key in catalogue())]
    assert not missing, missing


def test_the_language_is_chosen_from_lang_then_the_locale_then_the_site(monkeypatch):
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(variable, raising=False)
    assert choose(None, "zh") == "zh" and choose(None, "en") == "en" and choose(None, "ja") == "en"
    monkeypatch.setenv("LANG", "C.UTF-8")  # a locale that names no language leaves the site's
    assert choose(None, "zh") == "zh"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert choose(None, "zh") == "en" and choose("zh", "en") == "zh"
    assert supported("zh-Hans") == supported("zh_CN.UTF-8") == "zh"


def test_a_message_is_said_in_the_language_asked():
    assert say("yaml.tab", "zh") == "缩进用了 Tab 键；请只用空格缩进"
    assert say("yaml.tab", "en") == "a tab is used for indentation; indent with spaces only"


def test_argparse_words_are_the_ones_argparse_says():
    """Each `argparse.*` message's English is a message id of this Python's argparse, so that a
    new Python that rewords one is caught here rather than heard in English."""
    import argparse
    import inspect

    source = inspect.getsource(argparse)
    for key, wordings in catalogue().items():
        if key.startswith("argparse."):
            assert repr(wordings["en"])[1:-1] in source or wordings["en"] in source, key


def test_argparse_speaks_the_spoken_language():
    import argparse

    with speaking("zh"), argparse_speaking():
        parser = argparse.ArgumentParser(prog="storefront")
        parser.add_argument("--fail-on", choices=("warn", "fail"))
        text = parser.format_help()
        with pytest.raises(argparse.ArgumentError) as raised:
            parser.exit_on_error = False
            parser.parse_args(["--fail-on", "x"])
        error = str(raised.value)  # argparse words an error when it is shown
    assert text.startswith("用法：storefront") and "选项:" in text and "显示这段帮助，然后退出" in text
    assert error == "参数 --fail-on：不能选 'x'（可以选：'warn', 'fail'）"
    assert argparse.ArgumentParser(prog="x").format_usage() == "usage: x [-h]\n"  # outside the block, as it was


def test_log_lines_of_mkdocs_are_said_in_chinese():
    import logging

    def said(message: str, level: int = logging.INFO) -> str:
        record = logging.LogRecord("mkdocs", level, __file__, 1, message, (), None)
        LogWords().filter(record)
        return f"{record.level_said}|{record.getMessage()}"

    with speaking("zh"):
        assert said("Documentation built in 4.91 seconds") == "信息   |MkDocs 生成完成，用时 4.91 秒"
        assert (
            said("[13:24:30] Serving on http://127.0.0.1:8000/")
            == "信息   |[13:24:30] 预览网址：http://127.0.0.1:8000/"
        )
        assert said("Something no one translated", logging.WARNING) == "警告   |Something no one translated"
    with speaking("en"):
        assert said("Documentation built in 4.91 seconds") == "INFO   |Documentation built in 4.91 seconds"
