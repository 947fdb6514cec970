"""The words the commands speak, from one catalogue: `data/messages.yml`, each message once, in
Chinese and English, under a key (`say("yaml.tab")`).

Which language is spoken is decided once per run, like gettext's installed translation: the
`storefront` command chooses it (`--lang`, else the locale's LANG when it names a language of the
catalogue, else the site's `theme.language`); a plain `mkdocs build` speaks the site's language;
code that runs without either (a test calling `load_catalog`) speaks English, the catalogue's
fallback. The words pages show are another matter: they are `generator/words.py`'s.
"""

from __future__ import annotations

import os
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


def listed(items: list[str] | tuple[str, ...], language: str | None = None) -> str:
    """Items joined as the language lists them: 、 in Chinese, ", " in English."""
    return ("、" if (language or spoken()) == "zh" else ", ").join(items)
