"""Every built page of the sample site read by html5lib, the WHATWG HTML parsing algorithm in
Python: no parse error, no id twice on a page, and every address inside the site (relative, from
the server root, or under `site_url`) leads to a file that was built, with its #fragment on it."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import html5lib
import pytest
import yaml

from tests.conftest import REPO

SITE_URL = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"]
URL_ATTRIBUTES = ("href", "src", "poster", "data", "action", "formaction")
SOCIAL_META = ("og:image", "og:url", "twitter:image")


def parse(text: str):
    """The document tree and the parse errors, as (line, column, code, detail) tuples."""
    parser = html5lib.HTMLParser(tree=html5lib.getTreeBuilder("etree"), namespaceHTMLElements=False)
    tree = parser.parse(text)
    return tree, [(line, column, code, data) for (line, column), code, data in parser.errors]


def parse_errors(text: str) -> list[str]:
    """Parse errors with the source they point at, for a readable failure."""
    lines = text.splitlines()
    return [
        f"{line}:{column} {code} {data or ''}: …{lines[line - 1][max(0, column - 80) : column + 20]}…"
        for line, column, code, data in parse(text)[1]
    ]


def _pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


@pytest.fixture(scope="module")
def pages(sample_site) -> dict[Path, object]:
    return {path: parse(path.read_text(encoding="utf-8")) for path in _pages(sample_site)}


def test_every_page_parses_without_error(pages):
    assert len(pages) > 50
    found = []
    for path, (_, errors) in pages.items():
        if errors:
            text = path.read_text(encoding="utf-8")
            found.append(f"{path}:\n  " + "\n  ".join(parse_errors(text)[:10]))
    assert not found, "\n".join(found)


def test_no_id_twice_on_a_page(pages):
    found = []
    for path, (tree, _) in pages.items():
        ids = Counter(e.get("id") for e in tree.iter() if isinstance(e.tag, str) and e.get("id") is not None)
        found += [f"{path}: id {i!r} {n} times" for i, n in ids.items() if n > 1]
        found += [f"{path}: empty id" for i in ids if not i.strip()]
    assert not found, "\n".join(found)


def _addresses(tree) -> list[tuple[str, str, str]]:
    """(element, attribute, address) of everything a page links to or loads."""
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        for name in URL_ATTRIBUTES:
            if element.get(name):
                found.append((element.tag, name, element.get(name)))
        if element.get("srcset"):
            found += [
                (element.tag, "srcset", c.strip().split()[0]) for c in element.get("srcset").split(",") if c.strip()
            ]
        if element.tag == "meta" and element.get("property", element.get("name")) in SOCIAL_META:
            found.append((element.tag, element.get("property", element.get("name")), element.get("content", "")))
    return found


def _target(site: Path, page: Path, address: str) -> tuple[Path, str] | None:
    """The file inside `site` an address leads to, and its fragment; None for the outside world."""
    parts = urlsplit(address)
    public = urlsplit(SITE_URL)
    if (
        parts.scheme in ("http", "https", "webcal")
        and parts.netloc == public.netloc
        and parts.path.startswith(public.path)
    ):
        path = parts.path[len(public.path) :]
        base = site
    elif parts.scheme or parts.netloc:
        return None  # mailto:, tel:, a shop or a live room
    elif parts.path.startswith("/"):
        assert parts.path.startswith(public.path), f"{address} is outside the site's folder {public.path}"
        path, base = parts.path[len(public.path) :], site
    else:
        path, base = parts.path, page.parent
    target = (base / unquote(path)).resolve() if path else page
    if target.is_dir():
        target = target / "index.html"
    return target, unquote(parts.fragment)


@cache
def _ids(page: Path) -> frozenset[str]:
    tree, _ = parse(page.read_text(encoding="utf-8"))
    return frozenset(
        e.get("id") or e.get("name")
        for e in tree.iter()
        if isinstance(e.tag, str) and (e.get("id") or (e.tag == "a" and e.get("name")))
    )


def test_every_internal_address_leads_to_a_built_file(pages, sample_site):
    site = sample_site.resolve()
    found, checked = [], 0
    for path, (tree, _) in pages.items():
        for tag, attribute, address in _addresses(tree):
            target = _target(site, path.resolve(), address)
            if target is None:
                continue
            file, fragment = target
            checked += 1
            if not file.is_relative_to(site):
                found.append(f"{path}: <{tag} {attribute}={address!r}> leads outside the site")
            elif not file.is_file():
                found.append(f"{path}: <{tag} {attribute}={address!r}> leads to no file")
            elif fragment and file.suffix == ".html" and fragment not in _ids(file):
                found.append(f"{path}: <{tag} {attribute}={address!r}> has no #{fragment} on {file.name}")
    assert checked > 1000
    assert not found, "\n".join(found[:40])


def test_parser_reports_what_it_should():
    """The checks above can fail: the parser does report broken markup."""
    assert parse_errors("<!DOCTYPE html><p id=a id=b>x</p>")
    assert parse_errors("<!DOCTYPE html><table><div>x</div></table>")
    assert not parse_errors("<!DOCTYPE html><html lang=zh><head><title>t</title></head><body><p>x</p></body></html>")
