"""The words the commands speak, from one catalogue: `data/messages.yml`, each message once, in
Chinese and English, under a key (`say("yaml.tab")`).

Which language is spoken is decided once per run, like gettext's installed translation: the
`storefront` command chooses it (`--lang`, else the locale's LANG when it names a language of the
catalogue, else the site's `theme.language`); a plain `mkdocs build` speaks the site's language;
code that runs without either (a test calling `load_catalog`) speaks English, the catalogue's
fallback. The words pages show are another matter: they are `generator/words.py`'s.
"""

from __future__ import annotations

import logging
import os
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

LANGUAGES = ("zh", "en")
FALLBACK = "en"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""Where a POSIX locale is read from, in the order that wins (gettext's, without LANGUAGE)."""

_spoken = {"language": FALLBACK, "chosen": False}


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message: key -> {language: template}. Templates use str.format fields ({value!r})."""
    text = files("generator").joinpath("data/messages.yml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def supported(language: str | None) -> str | None:
    """The catalogue's language for a language tag or a locale (`zh-Hans`, `zh_CN.UTF-8`, `en`), or None."""
    code = (language or "").replace("_", "-").split("-")[0].split(".")[0].lower()
    return code if code in LANGUAGES else None


def locale_language(environ: dict[str, str] | None = None) -> str | None:
    """The language the person's locale asks for, if the catalogue has it (`C.UTF-8` asks for none)."""
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        if value := environ.get(variable):
            return supported(value)
    return None


def choose(requested: str | None, site_language: str | None) -> str:
    """The language of a command's words: `--lang`, else the locale's, else the site's, else English."""
    return supported(requested) or locale_language() or supported(site_language) or FALLBACK


def speak(language: str, *, chosen: bool = True) -> None:
    """Speak `language` from now on. A site (the plugin) proposes its language with chosen=False;
    that never overrides a language the command chose."""
    if chosen or not _spoken["chosen"]:
        _spoken["language"] = supported(language) or FALLBACK
        _spoken["chosen"] = _spoken["chosen"] or chosen


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Speak `language` inside the block only (a test, or one report in another language)."""
    before = dict(_spoken)
    speak(language)
    try:
        yield
    finally:
        _spoken.update(before)


def spoken() -> str:
    return _spoken["language"]


def say(message: str, language: str | None = None, /, **params: Any) -> str:
    """The catalogue's `message` in the spoken language (or `language`), its fields filled from `params`."""
    entry = catalogue()[message]
    template = entry.get(language or spoken()) or entry[FALLBACK]
    return template.format(**params)


PLURALS = {"s", "fs", "es", "ws"}
"""Fields of English plural endings (`character{s}`): Chinese has no plural to fill them into."""


def fields_of(template: str) -> set[str]:
    """The names a template fills in (but PLURALS): both wordings of a message must name the same ones."""
    names = {name.split(".")[0] for _, name, _, _ in string.Formatter().parse(template) if name}
    return names - PLURALS


@contextmanager
def argparse_speaking() -> Iterator[None]:
    """argparse's own words (`usage:`, `options`, `error:`, "the following arguments are
    required", "invalid choice" ...) in the spoken language, inside the block. argparse says them
    through gettext, looked up as it speaks (`_` and `ngettext` of its module); these stand in for
    gettext's with the catalogue's `argparse.*` messages, whose English is argparse's message id."""
    import argparse

    words = {entry[FALLBACK]: entry for key, entry in catalogue().items() if key.startswith("argparse.")}

    def gettext(text: str) -> str:
        return words[text].get(spoken(), text) if text in words else text

    def ngettext(singular: str, plural: str, count: int) -> str:
        if spoken() != FALLBACK and singular in words:
            return gettext(singular)  # Chinese says one form for any count
        return singular if count == 1 else plural

    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = gettext, ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


LOG_LINE = "log.line."
"""Messages under this key are log lines of others (MkDocs, its live-reload server) that the
command says in the spoken language: their English is the other's wording, {fields} matching anything."""


LEVEL_WIDTH = 7
"""Columns a level's name takes at the start of a log line (WARNING's), so that lines align."""


class LogWords(logging.Filter):
    """A handler's filter that says the log lines of the catalogue (`log.line.*`) in the spoken
    language, and each level's name; MkDocs logs in English whatever the site's language."""

    def filter(self, record: logging.LogRecord) -> bool:
        said = say(f"log.level.{record.levelname.lower()}") if _level_said(record) else record.levelname
        record.level_said = said.ljust(
            LEVEL_WIDTH - sum(c >= "\u2e80" for c in said)
        )  # a Chinese character is two columns
        if spoken() == FALLBACK:
            return True
        text = record.getMessage()
        for pattern, key in _log_lines():
            if found := pattern.fullmatch(text):
                fields = found.groupdict()
                record.msg, record.args = (fields.pop("stamp") or "") + say(key, **fields), ()
                break
        return True


def _level_said(record: logging.LogRecord) -> bool:
    return f"log.level.{record.levelname.lower()}" in catalogue()


@cache
def _log_lines() -> list[tuple[re.Pattern[str], str]]:
    """(the English line as a pattern, its key); a line of serve may begin with a [HH:MM:SS] stamp."""
    found = []
    for key, entry in catalogue().items():
        if key.startswith(LOG_LINE):
            parts = string.Formatter().parse(entry[FALLBACK])
            body = "".join(re.escape(text) + (f"(?P<{name}>.*?)" if name else "") for text, name, _, _ in parts)
            found.append((re.compile(r"(?P<stamp>\[\d\d:\d\d:\d\d\] )?" + body, re.DOTALL), key))
    return found


def listed(items: list[str] | tuple[str, ...], language: str | None = None) -> str:
    """Items joined as the language lists them: 、 in Chinese, ", " in English."""
    return ("、" if (language or spoken()) == "zh" else ", ").join(items)
