"""The XSS corpus (tests/fixtures/xss/payloads.yml) in every free-text, Markdown, URL and e-mail
field of one profile, built with the real command and loaded page by page in headless Chromium.

A payload that runs calls `__xss_<n>()`, a trap defined before any page script, or opens a dialog;
either fails the test and names the payload and the field. The live DOM is searched as well: no
event-handler attribute, no javascript:/data:/vbscript: address, no frame, no request leaving
loopback. URL fields that must refuse a payload are checked on their own, with `validate`.
"""

from __future__ import annotations

import html
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from tests.conftest import REPO, make_project, run_storefront, serve
from tests.site.test_html_valid import parse_errors

CORPUS = yaml.safe_load((REPO / "tests" / "fixtures" / "xss" / "payloads.yml").read_text(encoding="utf-8"))
BASE = REPO / "tests" / "fixtures" / "base"
SLUG = "hostile"

# Every field of generator/profile/schema.py that holds free text: (path in the profile, is it Markdown).
# tests/profile/test_fields.py checks that every Text and Markdown field of the contract is here.
TEXT_FIELDS = [
    (("name", "zh"), False),
    (("name", "en"), False),
    (("slogan", "zh"), False),
    (("slogan", "en"), False),
    (("story",), True),
    (("region", "province"), False),
    (("region", "city"), False),
    (("region", "county"), False),
    (("region", "township"), False),
    (("culture", 0, "name"), False),
    (("culture", 0, "description"), True),
    (("products", 0, "name"), False),
    (("products", 0, "description"), True),
    (("products", 0, "price", "unit"), False),
    (("products", 0, "certifications", 0, "id"), False),
    (("products", 0, "certifications", 0, "issuer"), False),
    (("products", 0, "service", "shipping"), True),
    (("products", 0, "service", "returns"), True),
    (("products", 0, "service", "booking"), True),
    (("products", 0, "service", "contact", "phone"), False),
    (("products", 0, "service", "contact", "wechat"), False),
    (("team", 0, "name"), False),
    (("team", 0, "bio"), True),
    (("live", "channels", 0, "handle"), False),
    (("live", "sessions", 0, "title"), False),
    (("live", "sessions", 0, "scene"), False),
    (("service", "shipping"), True),
    (("service", "returns"), True),
    (("service", "booking"), True),
    (("service", "contact", "phone"), False),
    (("service", "contact", "wechat"), False),
]
# A photo whose file name is itself a payload: the name reaches src, srcset and JSON-LD.
PHOTO_NAMES = ['images/"><img src=x onerror=__xss_photo()>.jpg', "images/a 1x, javascript:__xss_photo() 2x.jpg"]
BAD_SCHEMES = ("javascript:", "data:", "vbscript:")


def _fill(template: str, n: int) -> str:
    return template.replace("{js}", f"__xss_{n}()").replace("{n}", str(n))


def _set(data: dict, path: tuple, value: str) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def hostile_profile() -> tuple[dict, dict[int, str]]:
    """The base profile with the corpus in every field, and what each marker number stands for."""
    data = yaml.safe_load((BASE / "village.yml").read_text(encoding="utf-8"))
    data["slogan"] = {"zh": "口号", "en": "slogan"}
    data["region"].update(city="湖州市", township="溪龙乡")
    data["team"][0]["bio"] = "主播。"
    data["live"]["channels"][0]["handle"] = "白茶"
    data["live"]["sessions"][0]["scene"] = "茶园"
    data["service"].update(shipping="包邮。", returns="七天无理由。")
    data["service"]["contact"]["wechat"] = "coop"
    data["products"][0]["service"] = {"contact": {}}  # a product's own promises (its page shows them all)
    markers: dict[int, str] = {}

    def payloads(where: str, templates: list[str]) -> list[str]:
        filled = []
        for template in templates:
            markers[len(markers)] = f"{where} <- {template!r}"
            filled.append(_fill(template, len(markers) - 1))
        return filled

    for path, markdown in TEXT_FIELDS:
        where = ".".join(map(str, path))
        _set(data, path, ("\n\n" if markdown else " ").join(payloads(where, CORPUS["text"])))
    product = data["products"][0]
    channels = data["live"]["channels"]
    # Every room is listed on the live page; the session (its page entry, poster, JSON-LD and
    # calendar) is in the first. One session only: each draws images with the long hostile names.
    for i, url in enumerate(payloads("url", CORPUS["urls"])):
        product["buy"].append({"platform": "website", "url": url})
        if i == 0:
            channels[0]["url"] = url
        else:
            channels.append({"id": f"room-{i}", "platform": "other", "url": url})
    data["service"]["contact"]["email"] = payloads("service.contact.email", CORPUS["emails"][:1])[0]
    data["team"].append(
        {
            "id": "mail",
            "name": "邮箱",
            "role": "other",
            "bio": "\n\n".join(f"<{e}>" for e in payloads("team.1.bio (autolinks)", CORPUS["emails"])),
        }
    )
    product["images"] = ["images/tea.jpg", *PHOTO_NAMES]
    data["culture"][0]["image"] = PHOTO_NAMES[0]
    data["team"][0]["photo"] = PHOTO_NAMES[1]
    return data, markers


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> tuple[Path, dict[int, str]]:
    project = make_project(tmp_path_factory.mktemp("xss"))
    village = project / "villages" / SLUG
    shutil.copytree(BASE, village)
    for name in PHOTO_NAMES:
        shutil.copy(BASE / "images" / "tea.jpg", village / name)
    data, markers = hostile_profile()
    (village / "village.yml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr + result.stdout
    return project / "site", markers


# Defined before any script of the page: records each payload that runs, by its number.
TRAP = """
window.__xss_hits = [];
for (let n = 0; n < %d; n++) window['__xss_' + n] = () => window.__xss_hits.push(n);
window.__xss_photo = () => window.__xss_hits.push('photo');
"""

# Everything in the live DOM that could run script or leave the page, after the page's own scripts.
DOM_PROBLEMS = """
() => {
  const problems = [];
  const bad = /^(javascript|data|vbscript):/;
  const scheme = (v) => v.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${el.tagName} has handler ${name}=${attr.value.slice(0, 60)}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'srcdoc'].includes(name)
          && bad.test(scheme(attr.value))) problems.push(`${el.tagName} ${name}=${attr.value.slice(0, 60)}`);
      if (name === 'srcset' && attr.value.split(',').some((c) => bad.test(scheme(c.trim()))))
        problems.push(`${el.tagName} srcset=${attr.value.slice(0, 60)}`);
      if (name === 'style' && /url\\(|expression/i.test(attr.value) && el.closest('.md-content'))
        problems.push(`${el.tagName} style=${attr.value.slice(0, 60)}`);
    }
  }
  const foreign = ['iframe', 'frame', 'object', 'embed', 'base', 'meta[http-equiv]', 'form:not(.md-search__form)',
                   '.md-content svg', '.md-content style', '.md-content link'];
  for (const el of document.querySelectorAll(foreign.join(', ')))
    problems.push(`element ${el.outerHTML.slice(0, 80)}`);
  for (const script of document.scripts) {
    const data = ['application/ld+json', 'application/json'].includes(script.type);
    if (script.src && new URL(script.src).origin !== location.origin) problems.push(`script from ${script.src}`);
    if (!data && /__xss|alert\\(|msgbox/.test(script.textContent))
      problems.push(`script ${script.textContent.slice(0, 80)}`);
    if (data) JSON.parse(script.textContent);  // a data block that payload text broke would throw here
  }
  return problems;
}
"""

# Hover, focus and click every element of the content: inline handlers would fire now. Clicks are
# cancelled before they navigate; the handler of the element itself still runs.
PROVOKE = """
() => {
  window.addEventListener('click', (e) => e.preventDefault(), true);
  window.addEventListener('submit', (e) => e.preventDefault(), true);
  for (const el of document.querySelectorAll('.md-content *, .md-header *, title')) {
    for (const type of ['mouseover', 'mouseenter', 'pointerover', 'focusin', 'animationstart'])
      el.dispatchEvent(new Event(type, {bubbles: true}));
    if (typeof el.focus === 'function') el.focus();
    if (typeof el.click === 'function' && !el.closest('[data-filter]')) el.click();
  }
}
"""


def _pages(site: Path) -> list[str]:
    """Every built page as the path a browser asks for: `villages/x/` for `villages/x/index.html`."""
    paths = []
    for file in site.rglob("*.html"):
        relative = file.relative_to(site).as_posix()
        paths.append(relative.removesuffix("index.html") if file.name == "index.html" else relative)
    return sorted(paths)


def test_no_payload_runs_in_a_browser(hostile_site, browser):
    site, markers = hostile_site
    pages = _pages(site)
    assert len(pages) >= 10 and f"villages/{SLUG}/" in pages and f"villages/{SLUG}/live/" in pages
    found: list[str] = []
    with serve(site) as base:
        context = browser.new_context()
        context.add_init_script(TRAP % len(markers))
        outside: list[str] = []
        context.on(
            "request",
            lambda r: (
                urlsplit(r.url).hostname not in ("127.0.0.1", None)
                and urlsplit(r.url).scheme in ("http", "https")
                and outside.append(r.url)
            ),
        )
        for path in pages:
            page = context.new_page()
            dialogs: list[str] = []
            errors: list[str] = []
            page.on("dialog", lambda d, dialogs=dialogs: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
            page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
            page.goto(base + path, wait_until="load")
            problems = page.evaluate(DOM_PROBLEMS)
            page.evaluate(PROVOKE)
            if path == "":
                # The home filters read the province from payload text: click them for real.
                for tag in page.query_selector_all("[data-filter]"):
                    tag.click()
                # Material's search shows page text as results: find the hostile pages through it.
                page.click(".md-search__input")
                page.keyboard.type("hover")
                page.wait_for_selector(f".md-search-result__link[href*='{SLUG}']", state="attached", timeout=10000)
            page.wait_for_timeout(150)
            hits = page.evaluate("window.__xss_hits")
            found += [f"{path}: ran {markers.get(h, h)}" for h in hits]
            found += [f"{path}: dialog {d}" for d in dialogs]
            found += [f"{path}: {p}" for p in problems]
            found += [f"{path}: script error {e}" for e in errors]
            if path == "":
                found += [f"{path}: after search, {p}" for p in page.evaluate(DOM_PROBLEMS)]
            page.close()
        context.close()
    found += [f"request left loopback: {url}" for url in outside]
    assert not found, "\n".join(found)


def test_every_field_reaches_the_site(hostile_site):
    """The test above proves something only if the payloads are on the pages: each field's are."""
    site, markers = hostile_site
    text = html.unescape("\n".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html")))
    fields = {where.split(" <- ")[0] for where in markers.values()}
    missing = [
        f for f in fields if not any(f"__xss_{n}(" in text for n, w in markers.items() if w.startswith(f + " <- "))
    ]
    assert not missing, f"no payload of these fields is anywhere in the site: {missing}"


def test_hostile_text_leaves_the_markup_whole(hostile_site):
    """Unclosed tags, stray end tags and comments in profiles: every page still parses cleanly."""
    site, _ = hostile_site
    found = {str(p): errors for p in site.rglob("*.html") if (errors := parse_errors(p.read_text(encoding="utf-8")))}
    assert not found, "\n".join(f"{page}:\n  " + "\n  ".join(errors[:10]) for page, errors in found.items())


def test_profile_text_never_runs_as_a_template(hostile_site):
    site, _ = hostile_site
    outputs = [p for p in site.rglob("*") if p.suffix in (".html", ".xml", ".ics", ".json", ".js")]
    for path in outputs:
        content = path.read_text(encoding="utf-8", errors="replace")
        assert "SSTI-EVAL" not in content and "SSTI-SET" not in content, f"{path}: a template evaluated profile text"
    assert any("SSTI" in p.read_text(encoding="utf-8") for p in outputs if p.suffix == ".html")


def test_feeds_and_sitemap_stay_well_formed(hostile_site):
    site, _ = hostile_site
    feeds = [*site.rglob("feed.xml"), site / "sitemap.xml"]
    assert len(feeds) >= 3
    for path in feeds:
        ET.parse(path)  # payload text broke no element open or shut
    village_feed = ET.parse(site / "villages" / SLUG / "live" / "feed.xml").getroot()
    for element in village_feed.iter():
        for name in ("href", "src"):
            assert not element.get(name, "").strip().lower().startswith(BAD_SCHEMES), element.attrib


def test_url_fields_refuse_dangerous_addresses(tmp_path):
    """What a URL field must not take is refused before any page is built, each with its field."""
    data = yaml.safe_load((BASE / "village.yml").read_text(encoding="utf-8"))
    refused = CORPUS["refused_urls"]
    data["products"][0]["buy"] = [{"platform": "website", "url": url} for url in refused]
    data["live"]["channels"] = [{"id": f"room-{i}", "platform": "other", "url": url} for i, url in enumerate(refused)]
    data["live"]["sessions"][0]["channel"] = "room-0"
    project = make_project(tmp_path)
    village = project / "villages" / SLUG
    shutil.copytree(BASE, village)
    (village / "village.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_storefront("validate", cwd=project)
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "Traceback" not in output
    for i in range(len(refused)):
        for field in (f"products[0].buy[{i}].url", f"live.channels[{i}].url"):
            lines = [line for line in output.splitlines() if f": {field}: " in line]
            assert len(lines) == 1 and "https://" in lines[0], (
                f"{field} ({refused[i]!r}) not refused clearly:\n{output}"
            )


def test_json_ld_keeps_payload_text_as_data(hostile_site):
    """`</script>` in a name stays inside the JSON-LD string and reads back as the same text."""
    site, markers = hostile_site
    page = (site / "villages" / SLUG / "index.html").read_text(encoding="utf-8")
    start = page.index('<script type="application/ld+json">') + len('<script type="application/ld+json">')
    graph = json.loads(page[start : page.index("</script>", start)])
    organization = graph["@graph"][0]
    breakout = next(n for n, w in markers.items() if w.startswith("name.zh <- '</script><script>"))
    assert f"</script><script>__xss_{breakout}()</script>" in organization["name"]
