"""Hostile text in every free-text field of a profile never becomes live script in the site."""

from __future__ import annotations

import json
import shutil

import yaml

from generator.site.markup import render
from tests.conftest import REPO, make_project, run_storefront
from tests.reading import Page

PAYLOADS = [
    '<script>alert("x1")</script>',
    '<img src=x onerror=alert("x2")>',
    '[click](javascript:alert("x3"))',
    '<a href="javascript:alert(4)">x4</a>',
    '<svg onload=alert("x5")><circle/></svg>',
    '<iframe src="https://evil.example.com"></iframe>',
    '"><script>alert("x6")</script>',
    "</script><script>alert('x7')</script>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x8</a>',
    "<style>body{display:none}</style>",
]
HOSTILE = " ".join(PAYLOADS)


def test_markdown_renderer_drops_script_handlers_and_bad_urls():
    html = str(render(HOSTILE))
    page = Page(html)
    assert not page.scripts and not page.styles
    assert not [a for a in page.attributes if a[1].startswith("on")]
    assert not [a for a in page.attributes if a[1] in ("href", "src") and not a[2].startswith(("https:", "http:", "x"))]
    assert "<iframe" not in html and "<svg" not in html


def _hostile_profile() -> dict:
    data = yaml.safe_load((REPO / "tests" / "fixtures" / "base" / "village.yml").read_text(encoding="utf-8"))
    data["name"] = {"zh": "测试村" + HOSTILE, "en": HOSTILE}
    data["slogan"] = HOSTILE
    data["story"] = HOSTILE
    data["culture"][0].update(name=HOSTILE, description=HOSTILE)
    product = data["products"][0]
    product.update(name=HOSTILE, description=HOSTILE)
    product["price"]["unit"] = HOSTILE
    product["certifications"][0].update(id=HOSTILE, issuer=HOSTILE)
    data["team"][0].update(name=HOSTILE, bio=HOSTILE)
    data["live"]["channels"][0]["handle"] = HOSTILE
    data["live"]["sessions"][0].update(title=HOSTILE, scene=HOSTILE)
    data["service"] = {
        "shipping": HOSTILE,
        "returns": HOSTILE,
        "contact": {"phone": HOSTILE, "wechat": HOSTILE, "email": "a@b.example.com"},
    }
    data["region"].update(province="浙江省" + HOSTILE, county=HOSTILE, city=HOSTILE, township=HOSTILE)
    return data


def test_built_pages_hold_no_live_script(tmp_path):
    project = make_project(tmp_path)
    village = project / "villages" / "hostile"
    shutil.copytree(REPO / "tests" / "fixtures" / "base", village)
    (village / "village.yml").write_text(yaml.safe_dump(_hostile_profile(), allow_unicode=True), encoding="utf-8")
    result = run_storefront("build", cwd=project)
    assert result.returncode == 0, result.stderr
    pages = list((project / "site").rglob("*.html"))
    assert len(pages) > 8
    for html in pages:
        text = html.read_text(encoding="utf-8")
        page = Page(text)
        handlers = [a for a in page.attributes if a[1].lower().startswith("on")]
        assert not handlers, f"{html}: {handlers}"
        bad_urls = [
            a
            for a in page.attributes
            if a[1] in ("href", "src", "action")
            and a[2].strip().lower().startswith(("javascript:", "data:", "vbscript:"))
        ]
        assert not bad_urls, f"{html}: {bad_urls}"
        for attributes, body in page.scripts:
            # Scripts are the theme's own; profile text may only appear in JSON-LD, as data.
            assert "evil" not in attributes.get("src", "")
            if attributes.get("type") == "application/ld+json":
                json.loads(body)  # the whole data block stayed inside its element
            else:
                assert "alert(" not in body
        assert "<iframe" not in text and "<svg onload" not in text.lower()
