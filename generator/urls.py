"""Where things live in the site: every site-relative URL is made here and nowhere else."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.layouts import file_format, layout

if TYPE_CHECKING:
    from generator.profile.model import Village


REGIONS_URL = "regions/"
CATEGORIES_URL = "categories/"
REPORT_URL = "report/"
FORMAT_SUFFIXES = {"jpeg": "jpg", "webp": "webp", "png": "png", "avif": "avif"}
"""The file suffix of each format an image is written in."""


def region_url(slug: str) -> str:
    """A province's page, by its slug (site/pages.py `region_slugs`)."""
    return f"{REGIONS_URL}{slug}/"


def category_url(category_id: str) -> str:
    return f"{CATEGORIES_URL}{category_id}/"


def village_url(village: Village) -> str:
    return f"villages/{village.slug}/"


def product_url(village: Village, product_id: str) -> str:
    return f"villages/{village.slug}/products/{product_id}/"


def photo_url(village: Village, relative: str) -> str:
    return f"{village_url(village)}{photo_file(relative)}"


def photo_file(relative: str) -> str:
    """A published photo keeps its path inside the village folder; a phone's HEIC, which most
    browsers cannot show, is published as JPEG beside it: `images/tea.heic` -> `images/tea-heic.jpg`."""
    stem, _, suffix = relative.rpartition(".")
    if suffix.lower() in ("heic", "heif"):
        return f"{stem}-{suffix.lower()}.jpg"
    return relative


def variant_url(village: Village, relative: str, width: int, fmt: str) -> str:
    return f"{village_url(village)}{variant_file(relative, width, fmt)}"


def variant_file(relative: str, width: int, fmt: str) -> str:
    """One width of a responsive photo: `images/tea.jpg` at 640 in WebP -> `images/tea-640.webp`.
    A source that is not `.jpg` keeps its format in the name, so `tea.jpg` and `tea.png` never meet."""
    stem, _, suffix = relative.rpartition(".")
    stem = stem if suffix.lower() == "jpg" else f"{stem}-{suffix.lower()}"
    return f"{stem}-{width}.{FORMAT_SUFFIXES[fmt]}"


def brand_url(village: Village | None, name: str) -> str:
    """A village's logo and icons (`icon_names`); the site's own without a village."""
    return f"villages/{village.slug}/brand/{name}" if village else f"assets/brand/{name}"


def seal_url(village: Village | None) -> str:
    """The seal as the header, brand bar and footer show it (a small icon, not the 512 px logo)."""
    return brand_url(village, f"icon-{layout('icons')['seal']}.png")


def icon_names() -> list[str]:
    """The files of a set of icons (sizes in `data/layouts/icons.yml`), in the order assets/icons.py
    is asked for them."""
    return ["logo.png", *(f"icon-{n}.png" for n in layout("icons")["png"]), "favicon.ico", "apple-touch-icon.png"]


def share_card_url(village: Village | None, product_id: str | None = None) -> str:
    """The og:image (800x420) of a village page, a product page, or (no village) the site."""
    if village is None:
        return f"assets/brand/{drawn_name('share', 'share')}"
    if product_id:
        return f"villages/{village.slug}/products/{product_id}/{drawn_name('share', 'share')}"
    return f"villages/{village.slug}/{drawn_name('share', 'share')}"


def drawn_name(stem: str, kind: str, part: str = "encoding") -> str:
    """A drawn image's file name: its suffix is the format its layout encodes it in
    (`data/layouts/<kind>.yml`), so a change of format there renames the file everywhere."""
    return f"{stem}.{FORMAT_SUFFIXES[file_format(kind, part)]}"


def product_card_url(village: Village, product_id: str) -> str:
    """The 1080x1080 product card for social feeds."""
    return f"villages/{village.slug}/products/{product_id}/{drawn_name('card', 'product')}"


def poster_url(village: Village, index: int) -> str:
    """The 1080x1920 poster of live session `index`, with the QR code of its channel."""
    return f"villages/{village.slug}/live/{index}/{drawn_name('poster', 'poster')}"


def poster_thumbnail_url(village: Village, index: int) -> str:
    """The poster's 144x256 thumbnail, which schedule pages show (and link to the poster)."""
    return f"villages/{village.slug}/live/{index}/{drawn_name('poster-small', 'poster', 'thumbnail.encoding')}"


def qr_url(village: Village, channel_id: str) -> str:
    """The QR code of a live room's address."""
    return f"villages/{village.slug}/live/qr-{channel_id}.png"


def made_files(village: Village) -> list[str]:
    """Every file the build makes of its own in a village's folder, beside its photos: icons, share
    and product cards, posters, QR codes, calendars and the feed (a page is an `index.html`, a name
    no photo has). A photo published at one of these would be replaced by it: profile/read.py
    refuses one."""
    products = [product.id for product in village.profile.products]
    sessions = range(len(village.sessions))
    return [
        *(brand_url(village, name) for name in icon_names()),
        share_card_url(village),
        *(share_card_url(village, product) for product in products),
        *(product_card_url(village, product) for product in products),
        *(qr_url(village, channel.id) for channel in village.channels),
        *(poster_url(village, index) for index in sessions),
        *(poster_thumbnail_url(village, index) for index in sessions),
        village_calendar_url(village),
        village_feed_url(village),
        *(session_calendar_url(village, index) for index in sessions),
    ]


def absolute_url(site_url: str | None, target: str) -> str:
    """`target` under the site's public address (or the server root without one), percent-encoded."""
    path = quote(target, safe="/")
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"


# --- buyers' search (site/search.py) ---------------------------------------------------------------

SEARCH_PROVINCES_URL = "search/provinces.json"
"""Every province with its index, the largest first: what a page without a province searches."""


def search_index_url(province_slug: str) -> str:
    """One province's search index (its villages and products)."""
    return f"search/{province_slug}.json"


# --- the live schedule ---------------------------------------------------------------------------

SCHEDULE_URL = "schedule/"
SITE_CALENDAR_URL = "schedule/calendar.ics"
SITE_FEED_URL = "schedule/feed.xml"


def page_of(listing: str, number: int) -> str:
    """Page `number` (from 1) of a paginated listing at `listing`: the first is the listing itself."""
    return listing if number == 1 else f"{listing}page/{number}/"


def schedule_week_url(monday, number: int = 1) -> str:
    """Page `number` of the all-villages schedule for the week starting `monday` (a date)."""
    return page_of(f"{SCHEDULE_URL}{monday:%G-w%V}/", number)


def live_url(village: Village) -> str:
    return f"{village_url(village)}live/"


def village_calendar_url(village: Village) -> str:
    return f"{live_url(village)}calendar.ics"


def village_feed_url(village: Village) -> str:
    return f"{live_url(village)}feed.xml"


def session_calendar_url(village: Village, index: int) -> str:
    return f"{live_url(village)}{village.session_ids[index]}.ics"


def webcal(site_url: str | None, target: str) -> str | None:
    """A subscribe link (webcal://) to a calendar; none without a public address to point at."""
    if not site_url:
        return None
    address = site_url.rstrip("/") + "/" + target
    return "webcal://" + address.split("://", 1)[-1]
