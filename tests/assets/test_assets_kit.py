"""The visual kit as the build uses it: the cache (hit, miss, redraw of what changed), the same bytes
from one worker or several, every unusable photo reported at once, and the built sample site
(sizes and formats of every output, <picture> markup, og:image, icons)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from generator.assets.kit import build_kit
from generator.assets.palette import build_palette
from generator.cache import Caches
from generator.errors import ProfileErrors
from generator.profile.read import load_catalog
from generator.schedule.timeline import build_timeline
from tests.conftest import REPO

BASE = REPO / "tests" / "fixtures" / "base"
NOW = datetime(2026, 11, 18, tzinfo=UTC)
SITE = build_palette("#2E5E4E", "#B5543A", photo=None, seed="site")


def villages(tmp_path: Path, *, second: bool = True) -> Path:
    """The base village, and a second one with no colours, hero or photos (all derived)."""
    root = tmp_path / "villages"
    shutil.copytree(BASE, root / "test-village")
    photo(root / "test-village" / "images" / "hero.jpg", (1400, 788), 1)
    photo(root / "test-village" / "images" / "tea.jpg", (900, 675), 2)
    if second:
        text = (BASE / "village.yml").read_text(encoding="utf-8")
        text = text.replace(
            '  colors: {primary: "#2F6B3A", accent: "#E8C547"}\n  hero: images/hero.jpg\n', "  style: folk\n"
        )
        text = text.replace("    images: [images/tea.jpg]\n", "")
        (root / "plain-village").mkdir()
        (root / "plain-village" / "village.yml").write_text(text, encoding="utf-8")
    return root


def photo(path: Path, size: tuple[int, int], seed: int) -> None:
    """A photo-like JPEG: a gradient with a few blocks, different for every seed."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    for i in range(4):
        x, y = (seed * 97 + i * 211) % size[0], (seed * 53 + i * 131) % size[1]
        image.paste(((seed * 70) % 256, 120 + i * 30, 90), (x, y, x + size[0] // 5, y + size[1] // 5))
    image.save(path, quality=88)


def kit(root: Path, cache: Path, **options):
    catalog = load_catalog(root, language="zh")
    caches = Caches(cache)
    built = build_kit(
        catalog,
        caches,
        timeline=build_timeline(catalog.villages, NOW, timedelta(weeks=4), timedelta(weeks=8)),
        site_palette=SITE,
        site_name="乡村好物",
        **options,
    )
    caches.save()
    return built


def digests(files: dict[str, Path]) -> dict[str, str]:
    return {url: hashlib.sha256(path.read_bytes()).hexdigest() for url, path in files.items()}


def test_cache_reuses_everything_unchanged_and_redraws_what_changed(tmp_path):
    root, cache = villages(tmp_path), tmp_path / "cache"
    calls = []
    cold = kit(root, cache, progress=lambda step, done, total: calls.append((step, done, total)))
    assert cold.stats["images_made"] > 0 and cold.stats["images_reused"] == 0
    assert {step for step, _, _ in calls} == {"photos", "images"}
    assert all(done == total for step, done, total in calls if (step, done, total) == calls[-1])
    warm = kit(root, cache)
    assert warm.stats["images_made"] == 0 and warm.stats["photos_made"] == 0  # nothing redrawn
    assert warm.stats["images_reused"] == cold.stats["images_made"]
    assert digests(warm.files) == digests(cold.files)

    # A new photo of the tea: that photo and the images that show it are redrawn, nothing else.
    photo(root / "test-village" / "images" / "tea.jpg", (900, 675), 3)
    changed = kit(root, cache)
    assert changed.stats["photos_made"] == 1
    assert 0 < changed.stats["images_made"] < cold.stats["images_made"]
    before, after = digests(cold.files), digests(changed.files)
    redrawn = {url for url in after if before.get(url) != after[url]}
    assert "villages/test-village/products/white-tea/card.webp" in redrawn
    assert "villages/test-village/live/0/poster.webp" in redrawn
    assert "villages/test-village/share.jpg" not in redrawn  # the hero card does not show the tea
    assert not any(url.startswith("villages/plain-village/") for url in redrawn)


def test_one_worker_or_several_give_the_same_bytes(tmp_path):
    root = villages(tmp_path)
    serial = kit(root, tmp_path / "one", workers=1)
    parallel = kit(root, tmp_path / "two", workers=2)
    assert digests(serial.files) == digests(parallel.files)
    assert serial.palettes == parallel.palettes


def test_every_photo_over_the_configured_limit_is_reported_by_name_at_once(tmp_path):
    # A file that is no photo at all is refused earlier, by the profile check (tests/test_cli_errors.py);
    # the kit enforces the limit set in mkdocs.yml (`max_image_pixels`) on every photo.
    root = villages(tmp_path, second=False)
    with pytest.raises(ProfileErrors) as raised:
        kit(root, tmp_path / "cache", max_pixels=1_000)
    message = str(raised.value)
    assert "villages/test-village/images/hero.jpg: the photo is" in message
    assert "villages/test-village/images/tea.jpg: the photo is" in message and "more than the 1,000" in message


def test_the_pixel_limit_applies_to_cached_photos_too(tmp_path):
    root, cache = villages(tmp_path, second=False), tmp_path / "cache"
    kit(root, cache)
    with pytest.raises(ProfileErrors, match="more than the 1,000 allowed"):
        kit(root, cache, max_pixels=1_000)


# --- the built sample site --------------------------------------------------------------------------


def _size(path: Path) -> tuple[str, tuple[int, int]]:
    with Image.open(path) as image:
        return image.format, image.size


def test_every_card_poster_and_icon_has_its_size_and_format(sample_site):
    catalog = load_catalog(REPO / "villages", language="zh")
    for village in catalog.villages:
        folder = sample_site / "villages" / village.slug
        assert _size(folder / "share.jpg") == ("JPEG", (800, 420))
        for product in village.profile.products:
            assert _size(folder / "products" / product.id / "share.jpg") == ("JPEG", (800, 420))
            assert _size(folder / "products" / product.id / "card.webp") == ("WEBP", (1080, 1080))
        for index, _ in enumerate(village.profile.live.sessions if village.profile.live else ()):
            assert not (folder / "live" / str(index) / "share.jpg").exists()  # no page would name it
            assert _size(folder / "live" / str(index) / "poster.webp") == ("WEBP", (1080, 1920))
            assert _size(folder / "live" / str(index) / "poster-small.webp") == ("WEBP", (144, 256))
        brand = folder / "brand"
        assert _size(brand / "logo.png") == ("PNG", (512, 512))
        assert _size(brand / "icon-32.png") == ("PNG", (32, 32))
        assert _size(brand / "icon-96.png") == ("PNG", (96, 96))
        assert not (brand / "icon-192.png").exists()  # no web app manifest names one (#19)
        assert _size(brand / "apple-touch-icon.png") == ("PNG", (180, 180))
        with Image.open(brand / "favicon.ico") as ico:
            assert ico.format == "ICO" and {(16, 16), (32, 32), (48, 48)} <= set(ico.info["sizes"])
    assert _size(sample_site / "assets" / "brand" / "share.jpg") == ("JPEG", (800, 420))


def test_every_photo_is_published_at_each_width_as_webp_only(sample_site):
    photos = sorted((sample_site / "villages").glob("*/images/*-640.webp"))
    assert photos
    for webp in photos:
        stem = webp.name[: -len("-640.webp")]
        for width in (320, 640):
            found, (w, _) = _size(webp.with_name(f"{stem}-{width}.webp"))
            assert found == "WEBP" and w == width
        largest = [p for p in webp.parent.glob(f"{stem}-*.webp") if not p.name.endswith(("-320.webp", "-640.webp"))]
        assert len(largest) <= 1 and all(_size(p)[1][0] <= 1280 for p in largest)
    # No JPEG copy of a photo is published (#19): not at a width, and not at the photo's own name.
    assert not list((sample_site / "villages").glob("*/images/*.jpg"))


def test_pages_use_picture_with_sizes_and_lazy_loading_below_the_fold(sample_site):
    village = load_catalog(REPO / "villages", language="zh").villages[0]
    html = (sample_site / "villages" / village.slug / "index.html").read_text(encoding="utf-8")
    pictures = re.findall(r"<picture>.*?</picture>", html, re.DOTALL)
    assert pictures
    hero = pictures[0]
    assert "-320.webp 320w" in hero and 'fetchpriority="high"' in hero
    assert 'loading="lazy"' not in hero  # the hero is above the fold
    for picture in pictures:
        img = re.search(r"<img [^>]+>", picture).group(0)
        assert re.search(r'width="\d+" height="\d+"', img) and 'sizes="' in img and 'srcset="' in img
    assert all('loading="lazy"' in p for p in pictures[1:])
    assert not re.search(r"<img (?![^>]*(srcset|sf-poster|sf-qr|width=\"40\"))[^>]*>", html), (
        "an <img> outside <picture>"
    )


def test_og_image_is_the_share_card_and_icons_are_linked(sample_site):
    village = load_catalog(REPO / "villages", language="zh").villages[0]
    html = (sample_site / "villages" / village.slug / "index.html").read_text(encoding="utf-8")
    assert re.search(rf'<meta property="og:image" content="https://[^"]+/villages/{village.slug}/share\.jpg">', html)
    assert re.search(rf'<meta name="twitter:image" content="https://[^"]+/villages/{village.slug}/share\.jpg">', html)
    assert 'rel="apple-touch-icon" href="brand/apple-touch-icon.png"' in html
    assert html.count('rel="icon"') == 2 and "favicon.png" not in html  # Material's default is replaced
    product = village.profile.products[0]
    page = (sample_site / "villages" / village.slug / "products" / product.id / "index.html").read_text(
        encoding="utf-8"
    )
    assert f'/products/{product.id}/share.jpg"' in page
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<meta property="og:image" content="https://[^"]+/assets/brand/share\.jpg">', home)


def test_photo_digests_are_remembered_by_stamp_and_redone_when_the_file_changes(tmp_path):
    from generator.cache import Stamps, file_digest

    photo = tmp_path / "tea.jpg"
    photo.write_bytes(b"first version")
    os.utime(photo, ns=(1_700_000_000 * 10**9,) * 2)  # saved long ago: its stamp can be trusted
    stamps = Stamps(tmp_path / "cache")
    assert stamps.digest(photo) == file_digest(photo)
    stamps.save()
    remembered = Stamps(tmp_path / "cache")
    name = str(photo.resolve())
    remembered.known[name][-1] = "0" * 64  # what a read would contradict: a hit must not read the file
    assert remembered.digest(photo) == "0" * 64
    photo.write_bytes(b"other version")  # same size, edited in place: a new stamp
    assert Stamps(tmp_path / "cache").digest(photo) == file_digest(photo) != remembered.known[name][-1]
    fresh = Stamps(tmp_path / "cache")
    fresh.digest(photo)
    assert name not in fresh.seen, "a file written seconds ago is hashed again next time"
    (tmp_path / "cache" / "stamps-v1.json").write_text("{broken", encoding="utf-8")
    assert Stamps(tmp_path / "cache").digest(photo) == file_digest(photo)


def test_remembered_values_are_kept_by_key_and_only_the_used_ones_saved(tmp_path):
    import json

    from generator.cache import Memo

    computed = []

    def compute(value):
        return lambda: computed.append(value) or value

    memo = Memo(tmp_path, "values")
    assert memo.get("a", compute({"x": 1})) == {"x": 1}
    memo.save()
    again = Memo(tmp_path, "values")
    assert again.get("a", compute({"x": 2})) == {"x": 1} and computed == [{"x": 1}]
    again.get("b", compute(2))
    again.save()
    last = Memo(tmp_path, "values")
    last.get("b", compute(3))
    last.save()
    assert json.loads((tmp_path / "values.json").read_text(encoding="utf-8")) == {"b": 2}, "unused keys are dropped"
    (tmp_path / "values.json").write_text("[broken", encoding="utf-8")
    assert Memo(tmp_path, "values").get("b", compute(4)) == 4


def test_palettes_are_remembered_between_builds_and_follow_the_hero(tmp_path):
    import json

    root, cache = villages(tmp_path, second=False), tmp_path / "cache"
    profile = root / "test-village" / "village.yml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace('  colors: {primary: "#2F6B3A", accent: "#E8C547"}\n', ""),
        encoding="utf-8",
    )  # colours from the hero

    def palette() -> tuple:
        return kit(root, cache).palettes["test-village"]

    first = palette()
    assert first.source == "photo"
    assert first == kit(root, cache).palettes["test-village"], "remembered or computed, the same palette"
    saved = json.loads((cache / "palettes.json").read_text(encoding="utf-8"))
    (key,) = saved
    saved[key]["primary"] = "#123456"  # what a computation would contradict: a hit must not recompute
    (cache / "palettes.json").write_text(json.dumps(saved), encoding="utf-8")
    assert palette().primary == "#123456"
    photo(root / "test-village" / "images" / "hero.jpg", (1400, 788), 7)  # another hero: another key
    changed = palette()
    assert changed.primary != "#123456" and changed == kit(root, cache).palettes["test-village"]
