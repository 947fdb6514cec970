"""QR codes of live rooms, for the schedule pages: small PNGs a phone camera reads off a screen."""

from __future__ import annotations

import io
from pathlib import Path

import segno

from generator.assets.cache import Store, digest
from generator.model import Catalog
from generator.urls import qr_url

RECIPE = "qr-1"
"""Bump when qr_png draws differently: cached codes of the old drawing are then not reused."""


def qr_png(url: str) -> bytes:
    """The channel address as a QR code: error correction M, 6 px modules, quiet zone of 4."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6, border=4, dark="#111111")
    return out.getvalue()


def qr_files(catalog: Catalog, cache_dir: Path) -> dict[str, Path]:
    """Site-relative URL -> PNG file for every live channel of every village, drawn once per
    address and kept in the image cache (a warm build of many villages draws none)."""
    store = Store(cache_dir)
    files = {}
    for village in catalog.villages:
        for channel in village.profile.live.channels if village.profile.live else ():
            target = store.path("qr", digest(RECIPE, channel.url), ".png")
            if not target.exists():
                store.write(target, qr_png(channel.url))
            files[qr_url(village, channel.id)] = target
    return files
