"""QR codes of live rooms, for the schedule pages: small PNGs a phone camera reads off a screen."""

from __future__ import annotations

import io

import segno

from generator.model import Catalog
from generator.urls import qr_url


def qr_png(url: str) -> bytes:
    """The channel address as a QR code: error correction M, 6 px modules, quiet zone of 4."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6, border=4, dark="#111111")
    return out.getvalue()


def qr_files(catalog: Catalog) -> dict[str, bytes]:
    """Site-relative URL -> PNG bytes for every live channel of every village."""
    return {
        qr_url(village, channel.id): qr_png(channel.url)
        for village in catalog.villages
        for channel in (village.profile.live.channels if village.profile.live else ())
    }
