"""QR codes of live rooms, for the schedule pages and posters: small PNGs a phone camera reads off
a screen. The kit draws them as the image kind `qr` (kinds.py), once per address."""

from __future__ import annotations

import io

import segno


def qr_png(url: str) -> bytes:
    """The channel address as a QR code: error correction M, 6 px modules, quiet zone of 4."""
    out = io.BytesIO()
    segno.make(url, error="m", micro=False).save(out, kind="png", scale=6, border=4, dark="#111111")
    return out.getvalue()
