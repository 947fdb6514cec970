"""The catalogue of what the commands say (generator/data/messages.yml): every message in Chinese
and English, both filling the same fields, and every message the code names is there."""

from __future__ import annotations

import re

from generator.messages import LANGUAGES, catalogue, choose, fields_of, say, supported
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
